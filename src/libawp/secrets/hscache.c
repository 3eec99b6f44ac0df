/*
 * secrets/hscache.c - Hyperscan databases of the secret rules, compiled once
 * and kept in awp's cache directory (util/cache.h).
 *
 * Why: compiling the ~120 rule patterns costs Hyperscan 0.2-0.5 s of CPU,
 * more than scanning a whole Debian image's text; loading the serialized
 * database takes about a millisecond. The cache key is a digest of exactly
 * what is compiled (every pattern, its flags and id, the mode) and of the
 * Hyperscan version, so any change of rules or library builds a new entry.
 * hs_deserialize_database() checks the entry's own header (magic, version,
 * target platform); anything it refuses is compiled again and rewritten.
 */
#include "secrets/secrets_int.h"

#include "util/cache.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_ENTRY (256u << 20) /* a cache file larger than this is not ours */

static void key_of(char hex[65], const char *const *pats, const unsigned *flags, const unsigned *ids, unsigned n)
{
	awp_sha256 *h = awp_sha256_new();
	uint8_t d[32] = {0};
	if (h) {
		static const char tag[] = "awp-secrets-hs-v1/block";
		awp_sha256_update(h, tag, sizeof tag);
		const char *v = hs_version();
		awp_sha256_update(h, v, strlen(v) + 1);
		for (unsigned i = 0; i < n; i++) {
			char num[48];
			int k = snprintf(num, sizeof num, "%u %u", flags[i], ids[i]);
			awp_sha256_update(h, num, (size_t)k + 1);
			awp_sha256_update(h, pats[i], strlen(pats[i]) + 1);
		}
		awp_sha256_final(h, d);
		awp_sha256_free(h);
	}
	awp_hex(d, 32, hex);
}

static hs_database_t *load_entry(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct stat st;
	char *data = NULL;
	hs_database_t *db = NULL;
	if (fstat(fileno(f), &st) == 0 && st.st_size > 0 && (uint64_t)st.st_size <= MAX_ENTRY &&
	    (data = awp_malloc((size_t)st.st_size)) && fread(data, 1, (size_t)st.st_size, f) == (size_t)st.st_size &&
	    hs_deserialize_database(data, (size_t)st.st_size, &db) != HS_SUCCESS)
		db = NULL;
	free(data);
	fclose(f);
	return db;
}

struct blob {
	const char *data;
	size_t len;
};

static int save_blob(const char *tmp, void *arg)
{
	const struct blob *b = arg;
	FILE *f = fopen(tmp, "wb");
	if (!f)
		return -1;
	size_t n = fwrite(b->data, 1, b->len, f);
	return fclose(f) == 0 && n == b->len ? 0 : -1;
}

int awp_secrets_hs_compile(const char *const *pats, const unsigned *flags, const unsigned *ids, unsigned n,
			   hs_database_t **db, hs_compile_error_t **ce)
{
	char dir[4096], path[4200], key[65];
	int cached = awp_cache_dir(dir, sizeof dir, NULL);
	if (cached) {
		key_of(key, pats, flags, ids, n);
		snprintf(path, sizeof path, "%s/secrets-%.32s.hsdb", dir, key);
		if ((*db = load_entry(path)) != NULL)
			return HS_SUCCESS;
	}
	hs_error_t he = hs_compile_multi(pats, flags, ids, n, HS_MODE_BLOCK, NULL, db, ce);
	if (he != HS_SUCCESS || !cached)
		return he;
	char *bytes = NULL;
	size_t len = 0;
	if (hs_serialize_database(*db, &bytes, &len) == HS_SUCCESS && awp_cache_mkdir(dir) == 0) {
		struct blob b = {bytes, len};
		awp_cache_write_atomic(path, save_blob, &b); /* best effort: the next run compiles again */
	}
	free(bytes); /* hs_serialize_database allocates with the default allocator (malloc) */
	return HS_SUCCESS;
}
