/*
 * threats/apt.c - apt's package indexes, checked against their Release file.
 *
 * /var/lib/apt/lists holds the indexes `apt update` downloaded: the Release
 * (or clearsigned InRelease) file of each distribution and the files it
 * lists (Packages, Translation, ...), stored under the distribution's file
 * name prefix with '/' turned into '_' (Release at
 * deb.debian.org_debian_dists_bookworm_InRelease lists
 * main/binary-amd64/Packages, stored as
 * deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages). The
 * Release file's "SHA256:" section gives " <hex> <size> <path>" per file.
 *
 * An index whose SHA-256 and size match is byte-identical to what the
 * archive published, so like a verified package file it is not
 * YARA-scanned (scan.c): the same trust as dpkg's md5sums, which live on
 * the same disk. On a Debian system these are the largest files no
 * package owns (50 MB for bookworm main amd64). One that does not match is
 * scanned like any other file.
 */
#include "threats/threats_int.h"

#include "util/error.h"
#include "util/mem.h"

#include <awp/fs.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define APT_LISTS "/var/lib/apt/lists"

typedef struct lists_ctx {
	char **names;
	size_t n, cap;
	int err;
} lists_ctx;

static int ends(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcmp(s + a - b, suf);
}

static int list_cb(const awp_dirent *ent, void *payload)
{
	lists_ctx *l = payload;
	if (!ends(ent->name, "_InRelease") && !ends(ent->name, "_Release"))
		return 0;
	if (l->n >= AWP_MAX_APT_RELEASES)
		return 1;
	char *dup = awp_strdup(ent->name);
	if (!dup || AWP_GROW(l->names, l->cap, l->n + 1) < 0) {
		free(dup);
		l->err = AWP_ENOMEM;
		return 1;
	}
	l->names[l->n++] = dup;
	return 0;
}

static int is_hex64(const char *s, size_t n)
{
	return n == 64 && strspn(s, "0123456789abcdefABCDEF") >= 64;
}

/* Parse one Release file's SHA256 section into the map. */
static int parse_release(awp_strmap *map, awp_arena *arena, const char *prefix, char *data)
{
	int in = 0;
	for (char *save = NULL, *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t len = strlen(line);
		if (len && line[len - 1] == '\r')
			line[--len] = 0;
		if (line[0] != ' ') {
			in = !strcmp(line, "SHA256:");
			continue;
		}
		if (!in)
			continue;
		char *hex = line + 1, *sp = strchr(hex, ' ');
		if (!sp || !is_hex64(hex, (size_t)(sp - hex)))
			continue;
		char *size = sp + strspn(sp, " ");
		char *sp2 = strchr(size, ' ');
		if (!sp2)
			continue;
		char *rel = sp2 + strspn(sp2, " ");
		if (!*rel || strstr(rel, "..") || strlen(rel) > 1024)
			continue;
		char *end = NULL;
		unsigned long long sz = strtoull(size, &end, 10);
		if (end != sp2)
			continue;
		/* Key: the stored file's path; value: "size:hex" in the arena. */
		awp_strbuf key = AWP_STRBUF_INIT;
		awp_strbuf_printf(&key, "%s/%s", APT_LISTS, prefix);
		for (const char *p = rel; *p; p++)
			awp_strbuf_putc(&key, *p == '/' ? '_' : *p);
		char val[96];
		snprintf(val, sizeof val, "%llu:%.64s", sz, hex);
		for (char *p = val; *p; p++)
			if (*p >= 'A' && *p <= 'F')
				*p = (char)(*p - 'A' + 'a');
		const char *k = awp_arena_strndup(arena, awp_strbuf_cstr(&key), key.len);
		const char *v = awp_arena_strndup(arena, val, strlen(val));
		awp_strbuf_free(&key);
		size_t idx = 0;
		if (!k || !v)
			return AWP_ENOMEM;
		/* The value is kept in the arena; the map stores its address. */
		idx = (size_t)(uintptr_t)v;
		if (awp_strmap_put(map, k, idx) < 0)
			return AWP_ENOMEM;
	}
	return 0;
}

int awp_apt_lists_load(awp_strmap *map, awp_arena *arena, awp_fs *fs)
{
	awp_stat st;
	if (awp_fs_lookup(fs, APT_LISTS, 1, &st) < 0 || st.type != AWP_FT_DIR)
		return 0; /* not an apt system */
	lists_ctx l = {0};
	int err = awp_fs_readdir(fs, st.ino, list_cb, &l);
	if (err >= 0)
		err = l.err;
	for (size_t i = 0; i < l.n && err >= 0; i++) {
		char path[600];
		snprintf(path, sizeof path, "%s/%s", APT_LISTS, l.names[i]);
		char *data = NULL;
		size_t len = 0;
		if (awp_fs_read_file(fs, path, AWP_MAX_APT_RELEASE_SIZE, &data, &len) < 0)
			continue; /* unreadable or huge: its indexes are simply scanned */
		size_t nl = strlen(l.names[i]);
		size_t cut = ends(l.names[i], "_InRelease") ? strlen("InRelease") : strlen("Release");
		char prefix[300];
		snprintf(prefix, sizeof prefix, "%.*s", (int)(nl - cut), l.names[i]);
		err = parse_release(map, arena, prefix, data);
		free(data);
	}
	for (size_t i = 0; i < l.n; i++)
		free(l.names[i]);
	free(l.names);
	return err < 0 ? err : 0;
}

int awp_apt_expected(const awp_strmap *map, const char *path, uint64_t *size, const char **sha256)
{
	size_t v;
	if (!map->count || !awp_strmap_get(map, path, &v))
		return 0;
	const char *val = (const char *)(uintptr_t)v;
	char *end = NULL;
	*size = strtoull(val, &end, 10);
	if (!end || *end != ':')
		return 0;
	*sha256 = end + 1;
	return 1;
}
