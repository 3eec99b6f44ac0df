/*
 * util/strmap.c - open addressing with linear probing, load under 1/2.
 */
#include "util/strmap.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

size_t awp_strhash(const char *s)
{
	size_t h = (size_t)1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= (size_t)1099511628211ULL;
	}
	return h;
}

static awp_strmap_slot *find(awp_strmap_slot *slots, size_t cap, const char *key)
{
	size_t i = awp_strhash(key) & (cap - 1);
	while (slots[i].key && strcmp(slots[i].key, key) != 0)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

int awp_strmap_put(awp_strmap *m, const char *key, size_t value)
{
	if ((m->count + 1) * 2 > m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 64;
		awp_strmap_slot *ns = calloc(ncap, sizeof(*ns));
		if (!ns)
			return awp_error_set(AWP_ENOMEM, "out of memory growing a map to %zu keys", ncap);
		for (size_t i = 0; i < m->cap; i++)
			if (m->slots[i].key)
				*find(ns, ncap, m->slots[i].key) = m->slots[i];
		free(m->slots);
		m->slots = ns;
		m->cap = ncap;
	}
	awp_strmap_slot *s = find(m->slots, m->cap, key);
	if (!s->key)
		m->count++;
	s->key = key;
	s->value = value;
	return 0;
}

int awp_strmap_get(const awp_strmap *m, const char *key, size_t *value)
{
	if (!m->cap)
		return 0;
	awp_strmap_slot *s = find(m->slots, m->cap, key);
	if (!s->key)
		return 0;
	if (value)
		*value = s->value;
	return 1;
}

void awp_strmap_free(awp_strmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->count = 0;
}
