/*
 * util/strmap.h - hash map from strings to size_t values. Keys are not
 * copied: they must outlive the map (typically they live in an arena).
 */
#ifndef AWP_UTIL_STRMAP_H
#define AWP_UTIL_STRMAP_H

#include <stddef.h>

typedef struct awp_strmap_slot {
	const char *key;
	size_t value;
} awp_strmap_slot;

typedef struct awp_strmap {
	awp_strmap_slot *slots;
	size_t cap, count;
} awp_strmap;

/** Insert or replace. Returns 0 or AWP_ENOMEM. */
int awp_strmap_put(awp_strmap *m, const char *key, size_t value);
/** 1 and *value when present, 0 when absent. */
int awp_strmap_get(const awp_strmap *m, const char *key, size_t *value);
void awp_strmap_free(awp_strmap *m);
/** FNV-1a, for other hash tables keyed by strings. */
size_t awp_strhash(const char *s);

#endif
