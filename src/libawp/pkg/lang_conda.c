/*
 * pkg/lang_conda.c - conda environments: <env>/conda-meta/<name>-<version>-
 * <build>.json, one file per installed package (name, version, license).
 * Type "conda", manager "conda".
 */
#include "pkg/lang_int.h"

#include <stdlib.h>
#include <string.h>

static int conda_wants(const char *path, const char *name, const awp_stat *st)
{
	return st->type == AWP_FT_REG && lang_suffix(name, ".json") && lang_parent_is(path, "conda-meta");
}

int lang_conda_parse(awp_inventory *inv, const char *path, const char *buf, size_t len)
{
	cJSON *j = NULL;
	int err = lang_json_parse(inv, path, buf, len, &j);
	if (err)
		return err < 0 ? err : 0;
	const char *name = lang_jstr(j, "name"), *ver = lang_jstr(j, "version");
	if (!name || !*name || !ver) {
		err = awp_inv_warn(inv, path, "conda-meta entry without name and version");
	} else {
		char lic[256];
		lang_jlicense(cJSON_GetObjectItemCaseSensitive(j, "license"), lic, sizeof lic);
		err = lang_add(inv, "conda", "conda", name, ver, path, "", lic, NULL);
	}
	cJSON_Delete(j);
	return err < 0 ? err : 0;
}

static int conda_parse(awp_inventory *inv, awp_fs *fs, const char *path, const awp_stat *st)
{
	char *buf = NULL;
	size_t len = 0;
	int err = lang_read(inv, fs, path, &buf, &len);
	if (err == 0)
		err = lang_conda_parse(inv, path, buf, len);
	free(buf);
	return err < 0 ? err : 0;
}

const awp_analyzer awp_analyzer_lang_conda = {
	.name = "lang_conda",
	.wants = conda_wants,
	.parse = conda_parse,
};
