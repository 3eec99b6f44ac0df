/*
 * pkg/lang_python.c - installed Python distributions, any interpreter or
 * venv: <name>.dist-info/METADATA (wheels, PEP 376/566),
 * <name>.egg-info/PKG-INFO (setuptools directories) and <name>.egg-info when
 * it is a file (distutils, Debian's older python packages).
 *
 * The metadata is RFC 822 style: "Key: value" headers, continuation lines
 * start with whitespace, a blank line ends the headers (the body is the long
 * description and is not read further). The declared Name is kept as the
 * package name (the manifests and users know "PyYAML"); its PEP 503
 * normalised form ("pyyaml": lowercase, runs of "-", "_", "." become one
 * "-") is added as an alias when it differs, for matching advisories and
 * OS package aliases.
 */
#include "pkg/lang_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int py_wants(const char *path, const char *name, const awp_stat *st)
{
	if (st->type != AWP_FT_REG)
		return 0;
	if (strcmp(name, "METADATA") == 0)
		return lang_suffix(path, ".dist-info/METADATA");
	if (strcmp(name, "PKG-INFO") == 0)
		return lang_suffix(path, ".egg-info/PKG-INFO");
	return lang_suffix(name, ".egg-info");
}

/* Copy the value of header `key` (first occurrence; continuation lines of
 * License are not kept: they hold whole licence texts) into out. */
static int header(const char *buf, size_t len, const char *key, char *out, size_t cap)
{
	size_t klen = strlen(key), i = 0;
	out[0] = '\0';
	while (i < len) {
		size_t e = i;
		while (e < len && buf[e] != '\n')
			e++;
		size_t ll = e - i;
		if (ll && buf[e - 1] == '\r')
			ll--;
		if (ll == 0)
			return 0; /* end of headers */
		const char *line = buf + i;
		if (ll > klen && line[klen] == ':' && strncasecmp(line, key, klen) == 0) {
			return lang_copy_trimmed(out, cap, line + klen + 1, ll - klen - 1);
		}
		i = e + 1;
	}
	return 0;
}

/* PEP 503 normalisation. */
static void normalise(const char *in, char *out, size_t cap)
{
	size_t n = 0;
	for (const char *p = in; *p && n + 1 < cap; p++) {
		if (*p == '-' || *p == '_' || *p == '.') {
			while (p[1] == '-' || p[1] == '_' || p[1] == '.')
				p++;
			out[n++] = '-';
		} else {
			out[n++] = (char)tolower((unsigned char)*p);
		}
	}
	out[n] = '\0';
}

int lang_python_parse(awp_inventory *inv, const char *path, const char *buf, size_t len)
{
	char name[256], version[128], lic[256], norm[256];
	if (!header(buf, len, "Name", name, sizeof name) || !name[0] ||
	    !header(buf, len, "Version", version, sizeof version) || !version[0]) {
		int e = awp_inv_warn(inv, path, "Python metadata without Name and Version headers");
		return e < 0 ? e : 0;
	}
	if (!header(buf, len, "License-Expression", lic, sizeof lic) || !lic[0])
		header(buf, len, "License", lic, sizeof lic);
	if (strcasecmp(lic, "UNKNOWN") == 0)
		lic[0] = '\0';
	size_t idx;
	int err = lang_add(inv, "python", "pip", name, version, path, "", lic, &idx);
	if (err < 0)
		return err;
	normalise(name, norm, sizeof norm);
	if (strcmp(norm, name) != 0) {
		const char *alias = norm;
		err = awp_inv_set_aliases(inv, idx, &alias, 1);
	}
	return err;
}

static int py_parse(awp_inventory *inv, awp_fs *fs, const char *path, const awp_stat *st)
{
	char *buf = NULL;
	size_t len = 0;
	int err = lang_read_head(inv, fs, path, st, AWP_MAX_PY_HEADERS, &buf, &len);
	if (err == 0)
		err = lang_python_parse(inv, path, buf, len);
	free(buf);
	return err < 0 ? err : 0;
}

const awp_analyzer awp_analyzer_lang_python = {
	.name = "lang_python",
	.wants = py_wants,
	.parse = py_parse,
};
