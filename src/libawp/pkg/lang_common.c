/*
 * pkg/lang_common.c - helpers shared by the language package analyzers:
 * bounded JSON parsing (cJSON), name checks, adding a package.
 */
#include "pkg/lang_int.h"

#include "util/error.h"
#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>

int lang_parent_is(const char *path, const char *dir)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return 0;
	size_t m = strlen(dir);
	if ((size_t)(slash - path) < m + 1)
		return 0;
	const char *start = slash - m;
	return start[-1] == '/' && memcmp(start, dir, m) == 0;
}

int lang_json_parse(awp_inventory *inv, const char *path, const char *buf, size_t len, cJSON **out)
{
	*out = NULL;
	/* Every value but the first follows a ',', '[', '{' or ':' outside a
	 * string (inside strings too, which only overestimates): a cheap bound
	 * on the node count before cJSON allocates them. */
	size_t nodes = 1;
	for (size_t i = 0; i < len; i++)
		if (buf[i] == ',' || buf[i] == '[' || buf[i] == '{' || buf[i] == ':')
			nodes++;
	if (nodes > AWP_MAX_JSON_NODES) {
		int e = awp_inv_warn(inv, path, "JSON with more than %d values refused", AWP_MAX_JSON_NODES);
		return e < 0 ? e : 1;
	}
	cJSON *j = cJSON_ParseWithLength(buf, len);
	if (!j) {
		const char *at = cJSON_GetErrorPtr();
		long off = (at && at >= buf && at <= buf + len) ? (long)(at - buf) : -1;
		int e = awp_inv_warn(inv, path, "malformed JSON near byte %ld", off);
		return e < 0 ? e : 1;
	}
	*out = j;
	return 0;
}

int lang_read(awp_inventory *inv, awp_fs *fs, const char *path, char **out, size_t *len)
{
	*out = NULL;
	int err = awp_inv_read_file(inv, fs, path, AWP_MAX_MANIFEST_SIZE, out, len);
	if (err == AWP_ENOMEM)
		return err;
	return err < 0 ? 1 : 0; /* awp_inv_read_file warned (ELIMIT names the cap) */
}

int lang_read_head(awp_inventory *inv, awp_fs *fs, const char *path, const awp_stat *st, size_t max, char **out,
		   size_t *len)
{
	awp_file *f = NULL;
	*out = NULL;
	*len = 0;
	size_t want = st->size < max ? (size_t)st->size : max, got = 0;
	char *buf = awp_malloc(want + 1);
	if (!buf)
		return AWP_ENOMEM;
	int err = awp_file_open(&f, fs, st->ino);
	while (err >= 0 && got < want) {
		size_t n = 0;
		err = awp_file_read(f, buf + got, want - got, got, &n);
		if (err >= 0 && n == 0)
			break;
		got += n;
	}
	awp_file_free(f);
	if (err < 0) {
		free(buf);
		if (err == AWP_ENOMEM)
			return err;
		err = awp_inv_warn(inv, path, "%s", awp_error_last());
		return err < 0 ? err : 1;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
}

int lang_json_read(awp_inventory *inv, awp_fs *fs, const char *path, cJSON **out)
{
	char *buf = NULL;
	size_t len = 0;
	*out = NULL;
	int err = lang_read(inv, fs, path, &buf, &len);
	if (err == 0)
		err = lang_json_parse(inv, path, buf, len, out);
	free(buf);
	return err;
}

const char *lang_jstr(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

static void append(char *buf, size_t cap, const char *s)
{
	size_t n = strlen(buf);
	if (n && n + 4 < cap)
		n += (size_t)snprintf(buf + n, cap - n, " OR ");
	if (n < cap)
		snprintf(buf + n, cap - n, "%s", s);
}

void lang_jlicense(const cJSON *v, char *buf, size_t cap)
{
	buf[0] = '\0';
	if (cJSON_IsString(v)) {
		snprintf(buf, cap, "%s", v->valuestring);
	} else if (cJSON_IsObject(v)) {
		const char *t = lang_jstr(v, "type");
		snprintf(buf, cap, "%s", t ? t : "");
	} else if (cJSON_IsArray(v)) {
		const cJSON *it;
		int n = 0;
		cJSON_ArrayForEach(it, v) {
			if (++n > 16)
				break;
			const char *s = cJSON_IsString(it) ? it->valuestring : lang_jstr(it, "type");
			if (s && *s)
				append(buf, cap, s);
		}
	}
}

int lang_add(awp_inventory *inv, const char *type, const char *manager, const char *name, const char *version,
	     const char *path, const char *entry, const char *license, size_t *index)
{
	awp_package p = {0};
	p.type = type;
	p.manager = manager;
	p.name = name;
	p.version = version;
	p.path = path;
	p.entry = entry;
	p.license = license;
	return awp_inv_add(inv, &p, index);
}

void *lang_state(awp_inventory *inv, enum awp_analyzer_index idx, size_t size)
{
	if (!inv->analyzer_state[idx])
		inv->analyzer_state[idx] = awp_calloc(1, size);
	return inv->analyzer_state[idx];
}

int lang_copy_trimmed(char *out, size_t cap, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n >= cap)
		n = cap - 1;
	memcpy(out, s, n);
	out[n] = '\0';
	return 1;
}
