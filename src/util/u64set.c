/*
 * util/u64set.c - linear probing, load factor kept under 1/2.
 */
#include "util/u64set.h"
#include "util/error.h"

#include <stdlib.h>

static size_t slot(uint64_t key, size_t cap)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return (size_t)(key & (cap - 1));
}

static int insert_raw(uint64_t *keys, size_t cap, uint64_t key)
{
	size_t i = slot(key, cap);
	while (keys[i]) {
		if (keys[i] == key)
			return 0;
		i = (i + 1) & (cap - 1);
	}
	keys[i] = key;
	return 1;
}

int awp_u64set_add(awp_u64set *s, uint64_t key)
{
	if (key == 0) {
		int added = !s->has_zero;
		s->has_zero = 1;
		return added;
	}
	if ((s->count + 1) * 2 > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 64;
		uint64_t *nk = calloc(ncap, sizeof(*nk));
		if (!nk)
			return awp_error_set(AWP_ENOMEM, "out of memory growing a set to %zu keys", ncap);
		for (size_t i = 0; i < s->cap; i++)
			if (s->keys[i])
				insert_raw(nk, ncap, s->keys[i]);
		free(s->keys);
		s->keys = nk;
		s->cap = ncap;
	}
	int added = insert_raw(s->keys, s->cap, key);
	s->count += (size_t)added;
	return added;
}

int awp_u64set_has(const awp_u64set *s, uint64_t key)
{
	if (key == 0)
		return s->has_zero;
	if (!s->cap)
		return 0;
	size_t i = slot(key, s->cap);
	while (s->keys[i]) {
		if (s->keys[i] == key)
			return 1;
		i = (i + 1) & (s->cap - 1);
	}
	return 0;
}

void awp_u64set_free(awp_u64set *s)
{
	free(s->keys);
	s->keys = NULL;
	s->cap = s->count = 0;
	s->has_zero = 0;
}
