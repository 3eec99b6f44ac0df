/*
 * util/strmap.c - open addressing with linear probing, load under 3/4 (the
 * stored hashes keep long probe runs cheap: most slots are passed on a
 * compare of the hash).
 */
#include "util/strmap.h"
#include "util/error.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

/* Multiply and fold the 128-bit product: one step of a multiplicative hash
 * that mixes every bit of both words. */
static inline uint64_t fold_mul(uint64_t a, uint64_t b)
{
	__extension__ typedef unsigned __int128 u128;
	u128 r = (u128)a * b;
	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static uint64_t process_key(void)
{
	static uint64_t key;
	uint64_t k = __atomic_load_n(&key, __ATOMIC_RELAXED);
	if (k)
		return k;
	/* AT_RANDOM: 16 bytes the kernel gives every process, no system call. */
	const unsigned char *r = (const unsigned char *)getauxval(AT_RANDOM);
	if (r)
		memcpy(&k, r + 8, sizeof k);
	k |= 1;
	__atomic_store_n(&key, k, __ATOMIC_RELAXED); /* every thread computes the same value */
	return k;
}

uint64_t awp_strhash_n(const char *s, size_t len)
{
	const uint64_t m1 = 0xa0761d6478bd642fULL, m2 = 0xe7037ed1a0b428dbULL;
	uint64_t h = process_key() ^ (len * m1);
	while (len >= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = fold_mul(h ^ w, m2);
		s += 8;
		len -= 8;
	}
	uint64_t w = 0;
	memcpy(&w, s, len);
	h = fold_mul(h ^ w ^ m1, m2);
	return fold_mul(h, m1);
}

uint64_t awp_strhash(const char *s)
{
	return awp_strhash_n(s, strlen(s));
}

static awp_strmap_slot *find(awp_strmap_slot *slots, size_t cap, const char *key, uint64_t h)
{
	size_t i = (size_t)h & (cap - 1);
	while (slots[i].key && (slots[i].hash != h || strcmp(slots[i].key, key) != 0))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int grow(awp_strmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64;
	if (ncap > SIZE_MAX / sizeof(awp_strmap_slot))
		return awp_error_set(AWP_ENOMEM, "a map of %zu keys is too large", m->count);
	awp_strmap_slot *ns = awp_calloc_written(ncap, sizeof(*ns)); /* probed before written */
	if (!ns)
		return AWP_ENOMEM;
	for (size_t i = 0; i < m->cap; i++) {
		const awp_strmap_slot *s = &m->slots[i];
		if (!s->key)
			continue;
		size_t j = (size_t)s->hash & (ncap - 1);
		while (ns[j].key)
			j = (j + 1) & (ncap - 1);
		ns[j] = *s;
	}
	free(m->slots);
	m->slots = ns;
	m->cap = ncap;
	return 0;
}

/* The slot for key (empty when absent), the table grown first if one more
 * key would pass the load limit; NULL on AWP_ENOMEM. */
static awp_strmap_slot *slot_for(awp_strmap *m, const char *key, uint64_t *h)
{
	if ((m->count + 1) * 4 > m->cap * 3 && grow(m) < 0)
		return NULL;
	*h = awp_strhash(key);
	return find(m->slots, m->cap, key, *h);
}

int awp_strmap_put(awp_strmap *m, const char *key, size_t value)
{
	uint64_t h;
	awp_strmap_slot *s = slot_for(m, key, &h);
	if (!s)
		return AWP_ENOMEM;
	if (!s->key)
		m->count++;
	*s = (awp_strmap_slot){key, value, h};
	return 0;
}

int awp_strmap_add(awp_strmap *m, const char *key, size_t value, size_t *existing)
{
	uint64_t h;
	awp_strmap_slot *s = slot_for(m, key, &h);
	if (!s)
		return AWP_ENOMEM;
	if (s->key) {
		if (existing)
			*existing = s->value;
		return 0;
	}
	*s = (awp_strmap_slot){key, value, h};
	m->count++;
	return 1;
}

int awp_strmap_get(const awp_strmap *m, const char *key, size_t *value)
{
	if (!m->cap)
		return 0;
	awp_strmap_slot *s = find(m->slots, m->cap, key, awp_strhash(key));
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
