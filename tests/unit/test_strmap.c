/*
 * util/strmap.c: keys found with their values through many growths, keys
 * that differ only past the first 8-byte word or only in length, the empty
 * key, replacement, insert-when-absent, absent keys; the hash spreads
 * paths that share long prefixes over the low bits the table uses.
 */
#include "harness.h"
#include "util/error.h"
#include "util/strmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NKEYS 20000

void test_main(void)
{
	static char keys[NKEYS][64];
	awp_strmap m = {0};
	for (size_t i = 0; i < NKEYS; i++)
		snprintf(keys[i], sizeof keys[i], "/usr/share/locale/%zu/LC_MESSAGES/x.mo", i);
	int bad = 0;
	for (size_t i = 0; i < NKEYS; i++)
		bad += awp_strmap_put(&m, keys[i], i) != 0;
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(m.count, NKEYS);
	for (size_t i = 0; i < NKEYS; i++) {
		size_t v = SIZE_MAX;
		bad += !awp_strmap_get(&m, keys[i], &v) || v != i;
	}
	CHECK_EQ_INT(bad, 0);

	/* Lookups by an equal string at another address. */
	char probe[64];
	snprintf(probe, sizeof probe, "/usr/share/locale/%d/LC_MESSAGES/x.mo", 12345);
	size_t v = 0;
	CHECK(awp_strmap_get(&m, probe, &v) && v == 12345);
	CHECK(!awp_strmap_get(&m, "/usr/share/locale/12345/LC_MESSAGES/x.m", NULL));
	CHECK(!awp_strmap_get(&m, "/usr/share/locale/12345/LC_MESSAGES/x.mo/", NULL));
	CHECK(!awp_strmap_get(&m, "", NULL));

	/* Replacement keeps the count. */
	CHECK_OK(awp_strmap_put(&m, keys[7], 777));
	CHECK_EQ_INT(m.count, NKEYS);
	CHECK(awp_strmap_get(&m, keys[7], &v) && v == 777);

	/* Insert when absent: once, then the first value stays. */
	size_t got = 0;
	CHECK_EQ_INT(awp_strmap_add(&m, "fresh", 1, &got), 1);
	CHECK_EQ_INT(awp_strmap_add(&m, "fresh", 2, &got), 0);
	CHECK_EQ_INT(got, 1);
	CHECK(awp_strmap_get(&m, "fresh", &v) && v == 1);
	CHECK_EQ_INT(awp_strmap_add(&m, keys[9], 5, NULL), 0);
	CHECK(awp_strmap_get(&m, keys[9], &v) && v == 9);
	CHECK_EQ_INT(m.count, NKEYS + 1);

	/* Prefixes of one another (lengths 0..17, across the 8-byte steps). */
	awp_strmap p = {0};
	static const char word[] = "abcdefghijklmnopq";
	char pre[18][18];
	for (size_t n = 0; n < 18; n++) {
		memcpy(pre[n], word, n);
		pre[n][n] = '\0';
		CHECK_OK(awp_strmap_put(&p, pre[n], n));
	}
	CHECK_EQ_INT(p.count, 18);
	for (size_t n = 0; n < 18; n++)
		bad += !awp_strmap_get(&p, pre[n], &v) || v != n;
	CHECK_EQ_INT(bad, 0);

	/* Spread: NKEYS similar paths over 1024 buckets by the low bits. */
	static unsigned buckets[1024];
	for (size_t i = 0; i < NKEYS; i++)
		buckets[awp_strhash(keys[i]) & 1023]++;
	unsigned worst = 0;
	for (size_t i = 0; i < 1024; i++)
		worst = buckets[i] > worst ? buckets[i] : worst;
	char d[64];
	snprintf(d, sizeof d, "fullest bucket %u (mean %u)", worst, NKEYS / 1024);
	CHECK_MSG(worst < 3 * NKEYS / 1024, d);
	CHECK(awp_strhash("abc") == awp_strhash_n("abcdef", 3));
	CHECK(awp_strhash("abc") != awp_strhash("abd"));

	awp_strmap_free(&m);
	awp_strmap_free(&p);
	CHECK(m.slots == NULL && m.count == 0);
}
