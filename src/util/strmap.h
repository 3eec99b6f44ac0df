/*
 * util/strmap.h - hash map from strings to size_t values. Keys are not
 * copied: they must outlive the map (typically they live in an arena).
 */
#ifndef AWP_UTIL_STRMAP_H
#define AWP_UTIL_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct awp_strmap_slot {
	const char *key;
	size_t value;
	uint64_t hash; /* kept: growing never hashes a key again, and most probes end on it */
} awp_strmap_slot;

typedef struct awp_strmap {
	awp_strmap_slot *slots;
	size_t cap, count;
} awp_strmap;

/** Insert or replace. Returns 0 or AWP_ENOMEM. */
int awp_strmap_put(awp_strmap *m, const char *key, size_t value);
/** Insert when absent: 1 inserted, 0 present (its value in *existing, may
 *  be NULL; the map unchanged), or AWP_ENOMEM. One hash for both. */
int awp_strmap_add(awp_strmap *m, const char *key, size_t value, size_t *existing);
/** 1 and *value when present, 0 when absent. */
int awp_strmap_get(const awp_strmap *m, const char *key, size_t *value);
void awp_strmap_free(awp_strmap *m);
/** The map's string hash, for other hash tables keyed by strings: 8 bytes
 *  a step, keyed per process (keys come from disks that attackers write,
 *  and a fixed hash lets them pick paths that all collide). */
uint64_t awp_strhash(const char *s);
uint64_t awp_strhash_n(const char *s, size_t len);

#endif
