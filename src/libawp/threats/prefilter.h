/*
 * threats/prefilter.h - a literal prefilter in front of a YARA rule set.
 *
 * YARA steps its Aho-Corasick automaton over every byte (~0.4 GB/s with the
 * default rules on text); most files hold none of the rules' strings. When
 * every rule of a set can only match if one of its strings occurs (the rule
 * says so: meta `needs_strings = true`) and every string is a plain literal
 * (text or hex without wildcards; nocase and wide supported; regexes, xor
 * and base64 are not), one Hyperscan literal database of all the set's
 * strings decides first: no occurrence, no YARA scan. Otherwise the set has
 * no prefilter and YARA runs as before.
 */
#ifndef AWP_THREATS_PREFILTER_H
#define AWP_THREATS_PREFILTER_H

#include "util/hs_dl.h"
#include "util/yara_dl.h"

#include <stddef.h>
#include <stdint.h>

typedef struct awp_prefilter awp_prefilter;

/** Build the prefilter of `set` into *out, or set *out to NULL when the set
 *  cannot have one. 0, AWP_ENOMEM, or AWP_ERROR (Hyperscan refused). */
int awp_prefilter_build(awp_prefilter **out, YR_RULES *set);
void awp_prefilter_free(awp_prefilter *p);
/** Grow a per-thread scratch for `p` (*scratch may be NULL at first). */
int awp_prefilter_scratch(const awp_prefilter *p, hs_scratch_t **scratch);
/** 1 when some string of the set occurs in buf (YARA must run), else 0. */
int awp_prefilter_hit(const awp_prefilter *p, hs_scratch_t *scratch, const uint8_t *buf, size_t len);
/** Number of literals (for tests and stats). */
size_t awp_prefilter_literals(const awp_prefilter *p);

#endif
