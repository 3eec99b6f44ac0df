/*
 * util/u64set.h - an open-addressing hash set of 64-bit keys (inode numbers).
 */
#ifndef AWP_UTIL_U64SET_H
#define AWP_UTIL_U64SET_H

#include <stddef.h>
#include <stdint.h>

typedef struct awp_u64set {
	uint64_t *keys;   /* 0 marks an empty slot; key 0 is tracked apart */
	size_t cap, count;
	int has_zero;
} awp_u64set;

/** Insert; returns 1 if newly added, 0 if present, <0 on AWP_ENOMEM. */
int awp_u64set_add(awp_u64set *s, uint64_t key);
int awp_u64set_has(const awp_u64set *s, uint64_t key);
void awp_u64set_free(awp_u64set *s);

#endif
