/*
 * pkg/purl.c - package URLs (github.com/package-url/purl-spec):
 *   pkg:<type>/<namespace>/<name>@<version>?<qualifiers sorted by key>
 * Each component is percent-encoded except the unreserved characters
 * (A-Z a-z 0-9 . - _ ~) and ':' (which the spec says is never encoded);
 * namespaces keep their '/' separators. Type-specific rules: npm scopes go
 * to the namespace ("%40scope"), PyPI names are normalised (lower case,
 * runs of -_. become -), Maven "group:artifact" splits into namespace and
 * name, golang module paths become namespace/name, composer "vendor/name"
 * likewise. OS packages take their namespace and distro qualifier from the
 * detected OS; rpm versions carry the epoch as a qualifier.
 */
#include "pkg/osdb_int.h"

#include "util/arena.h"
#include "util/strbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int awp_purl_encode(awp_strbuf *sb, const char *s, int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int plain = isalnum(*p) || *p == '.' || *p == '-' || *p == '_' || *p == '~' || *p == ':' ||
			    (keep_slash && *p == '/');
		if (plain ? awp_strbuf_putc(sb, (char)*p) < 0
			  : (awp_strbuf_putc(sb, '%') < 0 || awp_strbuf_putc(sb, hex[*p >> 4]) < 0 ||
			     awp_strbuf_putc(sb, hex[*p & 15]) < 0))
			return -1;
	}
	return 0;
}

struct qual {
	const char *key, *value;
};

static int put(awp_strbuf *sb, const char *type, const char *ns, const char *name, const char *version,
	       struct qual *q, size_t nq)
{
	int bad = awp_strbuf_printf(sb, "pkg:%s/", type) < 0;
	if (ns && ns[0]) {
		/* each namespace segment is encoded on its own; empty segments dropped */
		const char *s = ns;
		while (*s && !bad) {
			size_t l = strcspn(s, "/");
			if (l) {
				char *seg = strndup(s, l);
				bad = !seg || awp_purl_encode(sb, seg, 0) < 0 || awp_strbuf_putc(sb, '/') < 0;
				free(seg);
			}
			s += l + (s[l] == '/');
		}
	}
	bad = bad || awp_purl_encode(sb, name, 0) < 0;
	if (version && version[0])
		bad = bad || awp_strbuf_putc(sb, '@') < 0 || awp_purl_encode(sb, version, 0) < 0;
	/* qualifiers in key order, empty values dropped */
	for (size_t i = 1; i < nq; i++)
		for (size_t j = i; j > 0 && strcmp(q[j - 1].key, q[j].key) > 0; j--) {
			struct qual t = q[j];
			q[j] = q[j - 1];
			q[j - 1] = t;
		}
	char sep = '?';
	for (size_t i = 0; i < nq && !bad; i++) {
		if (!q[i].value || !q[i].value[0])
			continue;
		bad = awp_strbuf_printf(sb, "%c%s=", sep, q[i].key) < 0 || awp_purl_encode(sb, q[i].value, 0) < 0;
		sep = '&';
	}
	return bad ? -1 : 0;
}

const char *awp_purl_make(awp_inventory *inv, const awp_package *p)
{
	awp_strbuf sb = AWP_STRBUF_INIT;
	const awp_os_info *os = &inv->os;
	const char *osid = os->known && os->id && os->id[0] ? os->id : NULL;
	char distro[256] = "", buf[512];
	if (osid)
		snprintf(distro, sizeof distro, "%s%s%s", osid, os->version_id && os->version_id[0] ? "-" : "",
			 os->version_id ? os->version_id : "");
	int err = 0;
	const char *t = p->type;
	if (strcmp(t, "dpkg") == 0) {
		struct qual q[] = {{"arch", p->arch}, {"distro", distro}};
		err = put(&sb, "deb", osid ? osid : "debian", p->name, p->version, q, 2);
	} else if (strcmp(t, "rpm") == 0) {
		/* version=version-release, epoch as qualifier */
		const char *v = p->version, *colon = strchr(v, ':');
		char epoch[32] = "";
		if (colon && (size_t)(colon - v) < sizeof epoch) {
			memcpy(epoch, v, (size_t)(colon - v));
			epoch[colon - v] = '\0';
			v = colon + 1;
		}
		struct qual q[] = {{"arch", p->arch}, {"distro", distro}, {"epoch", epoch}};
		err = put(&sb, "rpm", osid ? osid : "", p->name, v, q, 3);
	} else if (strcmp(t, "apk") == 0) {
		struct qual q[] = {{"arch", p->arch}, {"distro", distro}};
		err = put(&sb, "apk", osid ? osid : "alpine", p->name, p->version, q, 2);
	} else if (strcmp(t, "npm") == 0) {
		const char *slash = p->name[0] == '@' ? strchr(p->name, '/') : NULL;
		if (slash) {
			snprintf(buf, sizeof buf, "%.*s", (int)(slash - p->name), p->name);
			err = put(&sb, "npm", buf, slash + 1, p->version, NULL, 0);
		} else {
			err = put(&sb, "npm", NULL, p->name, p->version, NULL, 0);
		}
	} else if (strcmp(t, "python") == 0) {
		size_t n = 0;
		for (const char *s = p->name; *s && n + 1 < sizeof buf; s++) {
			if (*s == '-' || *s == '_' || *s == '.') {
				if (n == 0 || buf[n - 1] != '-')
					buf[n++] = '-';
			} else {
				buf[n++] = (char)tolower((unsigned char)*s);
			}
		}
		buf[n] = '\0';
		err = put(&sb, "pypi", NULL, buf, p->version, NULL, 0);
	} else if (strcmp(t, "maven") == 0 || strcmp(t, "composer") == 0 || strcmp(t, "go") == 0) {
		const char *sep = strcmp(t, "maven") == 0 ? strrchr(p->name, ':') : strrchr(p->name, '/');
		const char *type = t[0] == 'm' ? "maven" : t[0] == 'c' ? "composer" : "golang";
		if (sep) {
			snprintf(buf, sizeof buf, "%.*s", (int)(sep - p->name), p->name);
			for (char *c = buf; t[0] == 'm' && *c; c++)
				if (*c == ':')
					*c = '/';
			err = put(&sb, type, buf, sep + 1, p->version, NULL, 0);
		} else {
			err = put(&sb, type, NULL, p->name, p->version, NULL, 0);
		}
	} else if (strcmp(t, "cargo") == 0 || strcmp(t, "gem") == 0 || strcmp(t, "nuget") == 0 ||
		   strcmp(t, "conda") == 0) {
		err = put(&sb, t, NULL, p->name, p->version, NULL, 0);
	} else {
		err = put(&sb, "generic", NULL, p->name, p->version, NULL, 0);
	}
	const char *out = err < 0 ? NULL : awp_inv_str(inv, awp_strbuf_cstr(&sb));
	awp_strbuf_free(&sb);
	return out;
}
