/*
 * pkg/lang_composer.c - PHP packages installed by Composer:
 * vendor/composer/installed.json, an array of packages (Composer 1) or
 * {"packages": [...]} (Composer 2). Each: name, version, license (array),
 * require (names -> edges to packages of the same file; "php" and "ext-*"
 * platform requirements match nothing). Type "composer", manager "composer".
 */
#include "pkg/lang_int.h"

#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

static int composer_wants(const char *path, const char *name, const awp_stat *st)
{
	return st->type == AWP_FT_REG && strcmp(name, "installed.json") == 0 &&
	       lang_suffix(path, "/vendor/composer/installed.json");
}

int lang_composer_parse(awp_inventory *inv, const char *path, const char *buf, size_t len)
{
	cJSON *j = NULL;
	int err = lang_json_parse(inv, path, buf, len, &j);
	if (err)
		return err < 0 ? err : 0;
	const cJSON *pkgs = cJSON_IsArray(j) ? j : cJSON_GetObjectItemCaseSensitive(j, "packages"), *it;
	size_t *idx = NULL, *edges = NULL;
	int n = cJSON_GetArraySize(pkgs);
	awp_strmap byname = {0};
	if (!cJSON_IsArray(pkgs)) {
		err = awp_inv_warn(inv, path, "installed.json without a packages array");
		goto done;
	}
	if (!(idx = awp_calloc((size_t)n + 1, sizeof(*idx))) || !(edges = awp_calloc((size_t)n + 1, sizeof(*edges)))) {
		err = AWP_ENOMEM;
		goto done;
	}
	int i = 0;
	cJSON_ArrayForEach(it, pkgs) {
		const char *name = lang_jstr(it, "name"), *ver = lang_jstr(it, "version");
		idx[i] = SIZE_MAX;
		if (name && *name && ver) {
			char lic[256];
			lang_jlicense(cJSON_GetObjectItemCaseSensitive(it, "license"), lic, sizeof lic);
			if ((err = lang_add(inv, "composer", "composer", name, ver, path, "", lic, &idx[i])) < 0)
				goto done;
			if (awp_strmap_put(&byname, inv->pkgs[idx[i]].name, idx[i]) < 0) {
				err = AWP_ENOMEM;
				goto done;
			}
		}
		i++;
	}
	i = 0;
	cJSON_ArrayForEach(it, pkgs) {
		const cJSON *req = cJSON_GetObjectItemCaseSensitive(it, "require"), *d;
		size_t ne = 0, t;
		if (idx[i] != SIZE_MAX && cJSON_IsObject(req)) {
			cJSON_ArrayForEach(d, req)
				if (d->string && ne < (size_t)n && awp_strmap_get(&byname, d->string, &t) && t != idx[i])
					edges[ne++] = t;
			if (ne && (err = awp_inv_set_deps(inv, idx[i], edges, ne)) < 0)
				goto done;
		}
		i++;
	}
done:
	awp_strmap_free(&byname);
	free(idx);
	free(edges);
	cJSON_Delete(j);
	return err < 0 ? err : 0;
}

static int composer_parse(awp_inventory *inv, awp_fs *fs, const char *path, const awp_stat *st)
{
	char *buf = NULL;
	size_t len = 0;
	int err = lang_read(inv, fs, path, &buf, &len);
	if (err == 0)
		err = lang_composer_parse(inv, path, buf, len);
	free(buf);
	return err < 0 ? err : 0;
}

const awp_analyzer awp_analyzer_lang_composer = {
	.name = "lang_composer",
	.wants = composer_wants,
	.parse = composer_parse,
};
