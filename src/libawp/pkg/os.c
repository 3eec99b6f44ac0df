/*
 * pkg/os.c - which operating system: /etc/os-release, /usr/lib/os-release,
 * then the older files that systems without os-release carry:
 * /etc/lsb-release, /etc/alpine-release, /etc/system-release (Amazon Linux),
 * /etc/redhat-release (RHEL family), /etc/debian_version.
 *
 * os-release syntax (os-release(5)): KEY=value lines, values optionally in
 * single or double quotes, backslash escapes inside double quotes, '#'
 * comments. Unknown keys are ignored.
 */
#include "pkg/pkg_int.h"

#include "util/error.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OS_FILE_MAX = 64 * 1024 };

/* Value of KEY in a KEY=value text into out (unquoted); 1 if found. */
static int kv_get(const char *text, const char *key, char *out, size_t cap)
{
	size_t klen = strlen(key);
	for (const char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		while (*line == ' ' || *line == '\t')
			line++;
		if (strncmp(line, key, klen) != 0 || line[klen] != '=')
			continue;
		const char *v = line + klen + 1;
		size_t n = 0;
		char quote = (*v == '"' || *v == '\'') ? *v++ : 0;
		for (; *v && *v != '\n' && n + 1 < cap; v++) {
			if (quote && *v == quote)
				break;
			if (!quote && (*v == '#' || *v == '\r'))
				break;
			if (quote == '"' && *v == '\\' && v[1] && v[1] != '\n')
				v++;
			out[n++] = *v;
		}
		while (!quote && n > 0 && isspace((unsigned char)out[n - 1]))
			n--;
		out[n] = '\0';
		return 1;
	}
	return 0;
}

static int set_os(awp_inventory *inv, const char *id, const char *id_like, const char *version_id,
		  const char *codename, const char *pretty, const char *source)
{
	awp_os_info *os = &inv->os;
	os->known = 1;
	os->id = awp_inv_str(inv, id);
	os->id_like = awp_inv_str(inv, id_like);
	os->version_id = awp_inv_str(inv, version_id);
	os->codename = awp_inv_str(inv, codename);
	os->pretty_name = awp_inv_str(inv, pretty);
	os->source = awp_inv_str(inv, source);
	if (!os->id || !os->id_like || !os->version_id || !os->codename || !os->pretty_name || !os->source)
		return AWP_ENOMEM;
	return 0;
}

static int read_small(awp_fs *fs, const char *path, char **out)
{
	size_t len;
	return awp_fs_read_file(fs, path, OS_FILE_MAX, out, &len);
}

static int from_os_release(awp_inventory *inv, awp_fs *fs, const char *path)
{
	char *text = NULL;
	if (read_small(fs, path, &text) < 0)
		return 0;
	char id[128] = "", like[256] = "", ver[64] = "", code[64] = "", pretty[256] = "";
	kv_get(text, "ID", id, sizeof id);
	kv_get(text, "ID_LIKE", like, sizeof like);
	kv_get(text, "VERSION_ID", ver, sizeof ver);
	if (!kv_get(text, "VERSION_CODENAME", code, sizeof code))
		kv_get(text, "UBUNTU_CODENAME", code, sizeof code);
	kv_get(text, "PRETTY_NAME", pretty, sizeof pretty);
	free(text);
	if (!id[0])
		return 0;
	for (char *p = id; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return set_os(inv, id, like, ver, code, pretty, path) < 0 ? AWP_ENOMEM : 1;
}

static void first_line(char *text)
{
	char *nl = strpbrk(text, "\r\n");
	if (nl)
		*nl = '\0';
}

/* "AlmaLinux release 9.2 (Turquoise Kodkod)" -> version "9.2", codename "Turquoise Kodkod" */
static void parse_release_line(const char *line, char *ver, size_t vcap, char *code, size_t ccap)
{
	const char *r = strstr(line, "release ");
	ver[0] = code[0] = '\0';
	if (!r)
		return;
	r += 8;
	size_t n = 0;
	while (r[n] && r[n] != ' ' && n + 1 < vcap) {
		ver[n] = r[n];
		n++;
	}
	ver[n] = '\0';
	const char *open = strchr(r, '(');
	const char *close = open ? strchr(open, ')') : NULL;
	if (open && close && (size_t)(close - open - 1) < ccap) {
		memcpy(code, open + 1, (size_t)(close - open - 1));
		code[close - open - 1] = '\0';
	}
}

static int from_legacy(awp_inventory *inv, awp_fs *fs)
{
	char *text = NULL;
	char id[64], ver[64], code[128], pretty[256];
	int err;
	if (read_small(fs, "/etc/lsb-release", &text) == 0) {
		char desc[256] = "";
		id[0] = ver[0] = code[0] = '\0';
		kv_get(text, "DISTRIB_ID", id, sizeof id);
		kv_get(text, "DISTRIB_RELEASE", ver, sizeof ver);
		kv_get(text, "DISTRIB_CODENAME", code, sizeof code);
		kv_get(text, "DISTRIB_DESCRIPTION", desc, sizeof desc);
		free(text);
		if (id[0]) {
			for (char *p = id; *p; p++)
				*p = (char)tolower((unsigned char)*p);
			return set_os(inv, id, "", ver, code, desc, "/etc/lsb-release");
		}
	}
	if (read_small(fs, "/etc/alpine-release", &text) == 0) {
		first_line(text);
		snprintf(pretty, sizeof pretty, "Alpine Linux v%s", text);
		err = set_os(inv, "alpine", "", text, "", pretty, "/etc/alpine-release");
		free(text);
		return err;
	}
	static const struct {
		const char *path, *marker, *id;
	} rel[] = {
		{"/etc/system-release", "Amazon Linux", "amzn"},
		{"/etc/redhat-release", "AlmaLinux", "almalinux"},
		{"/etc/redhat-release", "Rocky Linux", "rocky"},
		{"/etc/redhat-release", "CentOS", "centos"},
		{"/etc/redhat-release", "Oracle Linux", "ol"},
		{"/etc/redhat-release", "Fedora", "fedora"},
		{"/etc/redhat-release", "Red Hat Enterprise Linux", "rhel"},
	};
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		if (read_small(fs, rel[i].path, &text) < 0)
			continue;
		first_line(text);
		if (strstr(text, rel[i].marker)) {
			parse_release_line(text, ver, sizeof ver, code, sizeof code);
			/* "Amazon Linux AMI release 2018.03" is Amazon Linux 1. */
			err = set_os(inv, rel[i].id, strcmp(rel[i].id, "amzn") == 0 ? "centos rhel fedora" : "rhel fedora",
				     ver, code, text, rel[i].path);
			free(text);
			return err;
		}
		free(text);
	}
	if (read_small(fs, "/etc/debian_version", &text) == 0) {
		first_line(text);
		/* "12.5" -> VERSION_ID "12"; "bookworm/sid" (testing) has no number. */
		snprintf(ver, sizeof ver, "%.*s", (int)strcspn(text, "."), text);
		if (!isdigit((unsigned char)ver[0]))
			ver[0] = '\0';
		snprintf(pretty, sizeof pretty, "Debian GNU/Linux %s", text);
		err = set_os(inv, "debian", "", ver, "", pretty, "/etc/debian_version");
		free(text);
		return err;
	}
	return 0;
}

static int os_collect(awp_inventory *inv, awp_fs *fs)
{
	int r = from_os_release(inv, fs, "/etc/os-release");
	if (r == 0)
		r = from_os_release(inv, fs, "/usr/lib/os-release");
	if (r < 0)
		return r;
	if (r == 0 && (r = from_legacy(inv, fs)) < 0)
		return r;
	if (!inv->os.known) {
		if (set_os(inv, "unknown", "", "", "", "unknown", "") < 0)
			return AWP_ENOMEM;
		inv->os.known = 0;
	}
	return 0;
}

const awp_analyzer awp_analyzer_os = {
	.name = "os",
	.collect = os_collect,
};
