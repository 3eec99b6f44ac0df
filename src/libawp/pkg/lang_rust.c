/*
 * pkg/lang_rust.c - Rust binaries built with cargo-auditable: the ".dep-v0"
 * ELF section holds zlib-compressed JSON
 *   {"packages": [{"name", "version", "source", "kind", "dependencies": [i],
 *                  "root"}]}
 * (dependencies are indices into the array). Build-time dependencies
 * (kind "build": proc macros, build scripts) are not in the binary and are
 * not reported. Type "cargo", manager "cargo", path the binary.
 */
#include "pkg/lang_int.h"

#include "util/error.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Packages in one binary (large ones: ~1000). */
#define AWP_MAX_RUST_PACKAGES 100000

static int inflate_all(const void *in, size_t inlen, char **out, size_t *outlen, const char **why)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit(&z) != Z_OK) {
		*why = "zlib init failed";
		return AWP_ENOMEM;
	}
	size_t cap = inlen * 4 + 1024, n = 0;
	if (cap > AWP_MAX_RUST_JSON)
		cap = AWP_MAX_RUST_JSON;
	char *buf = awp_malloc(cap + 1);
	int err = 0, zr = Z_OK;
	if (!buf) {
		err = AWP_ENOMEM;
		goto done;
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)inlen;
	while (zr != Z_STREAM_END) {
		if (n == cap) {
			if (cap >= AWP_MAX_RUST_JSON) {
				*why = "inflated JSON exceeds the limit";
				err = AWP_ELIMIT;
				goto done;
			}
			size_t nc = cap * 2 > AWP_MAX_RUST_JSON ? AWP_MAX_RUST_JSON : cap * 2;
			char *nb = awp_realloc(buf, nc + 1);
			if (!nb) {
				err = AWP_ENOMEM;
				goto done;
			}
			buf = nb;
			cap = nc;
		}
		z.next_out = (Bytef *)buf + n;
		z.avail_out = (uInt)(cap - n);
		zr = inflate(&z, Z_NO_FLUSH);
		n = cap - z.avail_out;
		if (zr == Z_STREAM_END)
			break;
		if (zr != Z_OK && !(zr == Z_BUF_ERROR && z.avail_out == 0)) {
			*why = z.msg ? z.msg : "truncated zlib stream";
			err = AWP_ECORRUPT;
			goto done;
		}
	}
	buf[n] = '\0';
	*out = buf;
	*outlen = n;
	buf = NULL;
done:
	inflateEnd(&z);
	free(buf);
	return err;
}

int lang_rust_depv0(awp_inventory *inv, const char *path, const void *data, size_t len)
{
	char *json = NULL;
	size_t jlen = 0;
	const char *why = "";
	cJSON *j = NULL;
	size_t *idx = NULL, *edges = NULL;
	int err = inflate_all(data, len, &json, &jlen, &why);
	if (err < 0) {
		if (err != AWP_ENOMEM)
			err = awp_inv_warn(inv, path, ".dep-v0: %s", why);
		goto done;
	}
	if ((err = lang_json_parse(inv, path, json, jlen, &j)) != 0)
		goto done;
	const cJSON *pkgs = cJSON_GetObjectItemCaseSensitive(j, "packages"), *it;
	int n = cJSON_GetArraySize(pkgs);
	if (!cJSON_IsArray(pkgs) || n > AWP_MAX_RUST_PACKAGES) {
		err = awp_inv_warn(inv, path, ".dep-v0: no usable \"packages\" array");
		goto done;
	}
	if (!(idx = awp_calloc((size_t)n + 1, sizeof(*idx))) || !(edges = awp_calloc((size_t)n + 1, sizeof(*edges)))) {
		err = AWP_ENOMEM;
		goto done;
	}
	int i = 0;
	cJSON_ArrayForEach(it, pkgs) {
		const char *name = lang_jstr(it, "name"), *ver = lang_jstr(it, "version"), *kind = lang_jstr(it, "kind");
		idx[i] = SIZE_MAX;
		if (name && ver && !(kind && strcmp(kind, "build") == 0) &&
		    (err = lang_add(inv, "cargo", "cargo", name, ver, path, "", "", &idx[i])) < 0)
			goto done;
		i++;
	}
	i = 0;
	cJSON_ArrayForEach(it, pkgs) {
		const cJSON *deps = cJSON_GetObjectItemCaseSensitive(it, "dependencies"), *d;
		size_t ne = 0;
		if (idx[i] != SIZE_MAX && cJSON_IsArray(deps)) {
			cJSON_ArrayForEach(d, deps) {
				if (!cJSON_IsNumber(d) || d->valuedouble < 0 || d->valuedouble >= n || ne >= (size_t)n)
					continue;
				size_t t = idx[(int)d->valuedouble];
				if (t != SIZE_MAX && t != idx[i])
					edges[ne++] = t;
			}
			if (ne && (err = awp_inv_set_deps(inv, idx[i], edges, ne)) < 0)
				goto done;
		}
		i++;
	}
done:
	cJSON_Delete(j);
	free(json);
	free(idx);
	free(edges);
	return err < 0 ? err : 0;
}
