/*
 * pkg/lang_dotnet.c - .NET applications: <app>.deps.json, written by the SDK
 * next to the application. "libraries" maps "Name/Version" to {"type":
 * "package" | "project" | "reference"}; only NuGet packages ("package")
 * are reported. Edges come from "targets" (<framework>: {"Name/Version":
 * {"dependencies": {name: version}}}), first framework only.
 * Type "nuget", manager "nuget".
 */
#include "pkg/lang_int.h"

#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int dotnet_wants(const char *path, const char *name, const awp_stat *st)
{
	return st->type == AWP_FT_REG && lang_suffix(name, ".deps.json");
}

int lang_dotnet_parse(awp_inventory *inv, const char *path, const char *buf, size_t len)
{
	cJSON *j = NULL;
	int err = lang_json_parse(inv, path, buf, len, &j);
	if (err)
		return err < 0 ? err : 0;
	const cJSON *libs = cJSON_GetObjectItemCaseSensitive(j, "libraries"), *it;
	awp_strmap byname = {0};
	size_t *edges = NULL, ecap = 0;
	if (!cJSON_IsObject(libs)) {
		err = awp_inv_warn(inv, path, "deps.json without \"libraries\"");
		goto done;
	}
	cJSON_ArrayForEach(it, libs) {
		const char *type = lang_jstr(it, "type"), *key = it->string;
		const char *slash = key ? strchr(key, '/') : NULL;
		if (!type || strcmp(type, "package") != 0 || !slash || slash == key)
			continue;
		char name[256];
		snprintf(name, sizeof name, "%.*s", (int)(slash - key), key);
		size_t idx;
		if ((err = lang_add(inv, "nuget", "nuget", name, slash + 1, path, "", "", &idx)) < 0)
			goto done;
		if (awp_strmap_put(&byname, inv->pkgs[idx].name, idx) < 0)
			goto nomem;
	}
	const cJSON *targets = cJSON_GetObjectItemCaseSensitive(j, "targets");
	const cJSON *tfm = cJSON_IsObject(targets) ? targets->child : NULL, *lib;
	if (cJSON_IsObject(tfm)) {
		cJSON_ArrayForEach(lib, tfm) {
			const char *key = lib->string, *slash = key ? strchr(key, '/') : NULL;
			const cJSON *deps = cJSON_GetObjectItemCaseSensitive(lib, "dependencies"), *d;
			if (!slash || !cJSON_IsObject(deps))
				continue;
			char name[256];
			snprintf(name, sizeof name, "%.*s", (int)(slash - key), key);
			size_t from, to, ne = 0;
			if (!awp_strmap_get(&byname, name, &from))
				continue;
			cJSON_ArrayForEach(d, deps) {
				if (!d->string || !awp_strmap_get(&byname, d->string, &to) || to == from ||
				    ne >= AWP_MAX_PKG_DEPS)
					continue;
				if (AWP_GROW(edges, ecap, ne + 1) < 0)
					goto nomem;
				edges[ne++] = to;
			}
			if (ne && (err = awp_inv_set_deps(inv, from, edges, ne)) < 0)
				goto done;
		}
	}
	goto done;
nomem:
	err = AWP_ENOMEM;
done:
	awp_strmap_free(&byname);
	free(edges);
	cJSON_Delete(j);
	return err < 0 ? err : 0;
}

static int dotnet_parse(awp_inventory *inv, awp_fs *fs, const char *path, const awp_stat *st)
{
	char *buf = NULL;
	size_t len = 0;
	int err = lang_read(inv, fs, path, &buf, &len);
	if (err == 0)
		err = lang_dotnet_parse(inv, path, buf, len);
	free(buf);
	return err < 0 ? err : 0;
}

const awp_analyzer awp_analyzer_lang_dotnet = {
	.name = "lang_dotnet",
	.wants = dotnet_wants,
	.parse = dotnet_parse,
};
