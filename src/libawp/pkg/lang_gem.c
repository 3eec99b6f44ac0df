/*
 * pkg/lang_gem.c - installed Ruby gems: <gem home>/specifications/
 * <name>-<version>.gemspec, the Ruby file RubyGems writes at install time:
 *   Gem::Specification.new do |s|
 *     s.name = "rake".freeze
 *     s.version = "13.0.6"
 *     s.licenses = ["MIT".freeze]
 * Only these assignments are read (the first quoted string after
 * "<var>.name =", ".version =", ".license(s) ="); nothing is evaluated. When
 * name or version is missing the file name is used ("<name>-<version>",
 * split at the last '-' before a digit). Type "gem", manager "gem".
 */
#include "pkg/lang_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int gem_wants(const char *path, const char *name, const awp_stat *st)
{
	return st->type == AWP_FT_REG && lang_suffix(name, ".gemspec") && lang_parent_is(path, "specifications");
}

/* Value of "<ident>.<attr> = ... "value"" on one line. */
static int assign(const char *line, size_t ll, const char *attr, char *out, size_t cap)
{
	size_t i = 0, al = strlen(attr);
	while (i < ll && isspace((unsigned char)line[i]))
		i++;
	while (i < ll && (isalnum((unsigned char)line[i]) || line[i] == '_'))
		i++;
	if (i >= ll || line[i] != '.' || ll - i - 1 < al || memcmp(line + i + 1, attr, al) != 0)
		return 0;
	i += 1 + al;
	while (i < ll && line[i] == ' ')
		i++;
	if (i >= ll || line[i] != '=')
		return 0;
	for (; i < ll && line[i] != '"' && line[i] != '\''; i++)
		;
	if (i >= ll)
		return 0;
	char q = line[i++];
	size_t n = 0;
	for (; i < ll && line[i] != q && n + 1 < cap; i++)
		out[n++] = line[i];
	out[n] = '\0';
	return n > 0;
}

int lang_gem_parse(awp_inventory *inv, const char *path, const char *buf, size_t len)
{
	char name[256] = "", version[256] = "", lic[256] = "", tmp[256];
	for (size_t i = 0; i < len;) {
		size_t e = i;
		while (e < len && buf[e] != '\n')
			e++;
		const char *line = buf + i;
		size_t ll = e - i;
		if (!name[0] && assign(line, ll, "name", tmp, sizeof tmp))
			snprintf(name, sizeof name, "%s", tmp);
		else if (!version[0] && assign(line, ll, "version", tmp, sizeof tmp))
			snprintf(version, sizeof version, "%s", tmp);
		else if (!lic[0] && (assign(line, ll, "licenses", tmp, sizeof tmp) || assign(line, ll, "license", tmp, sizeof tmp)))
			snprintf(lic, sizeof lic, "%s", tmp);
		i = e + 1;
	}
	if (!name[0] || !version[0]) {
		const char *base = strrchr(path, '/');
		base = base ? base + 1 : path;
		snprintf(tmp, sizeof tmp, "%s", base);
		tmp[strlen(tmp) - (lang_suffix(tmp, ".gemspec") ? 8 : 0)] = '\0';
		char *dash = NULL;
		for (char *p = tmp; *p; p++)
			if (*p == '-' && isdigit((unsigned char)p[1]))
				dash = p;
		if (!dash || dash == tmp) {
			int e = awp_inv_warn(inv, path, "gemspec without name and version");
			return e < 0 ? e : 0;
		}
		*dash = '\0';
		snprintf(name, sizeof name, "%s", tmp);
		snprintf(version, sizeof version, "%s", dash + 1);
	}
	return lang_add(inv, "gem", "gem", name, version, path, "", lic, NULL);
}

static int gem_parse(awp_inventory *inv, awp_fs *fs, const char *path, const awp_stat *st)
{
	char *buf = NULL;
	size_t len = 0;
	int err = lang_read(inv, fs, path, &buf, &len);
	if (err == 0)
		err = lang_gem_parse(inv, path, buf, len);
	free(buf);
	return err < 0 ? err : 0;
}

const awp_analyzer awp_analyzer_lang_gem = {
	.name = "lang_gem",
	.wants = gem_wants,
	.parse = gem_parse,
};
