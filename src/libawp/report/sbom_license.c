/*
 * report/sbom_license.c - a package's declared licence as an SPDX licence
 * expression (SPDX 2.3 Annex D), for the SPDX and CycloneDX writers.
 *
 * Only dpkg licences are mapped: they are lists of Debian short names and
 * Debian licence expressions from machine-readable copyright files
 * (pkg/dpkg_copyright.c: "GPL-2+; GPL-1+ or Artistic; BSD-3-clause").
 * Other package databases hold free text, which stays free text.
 *
 * Debian expression syntax (copyright-format 1.0, "License specification"):
 * names joined by "and" / "or" ("and" binds tighter, as in SPDX), a name may
 * carry "with <word> exception", and ", and" / ", or" join groups with the
 * lowest precedence. Each name maps to an SPDX id when the meaning is
 * certain (GPL-2+ -> GPL-2.0-or-later, Expat -> MIT, BSD-3-clause ->
 * BSD-3-Clause); any other name becomes LicenseRef-<name with characters
 * outside [A-Za-z0-9.-] replaced>, reported through the callback so that
 * the SPDX writer can declare it. An item whose syntax we do not follow
 * ("A and/or B") becomes one LicenseRef as a whole. The list's items are
 * joined with AND (each applies to some files of the package); the terms of
 * items without OR are joined one by one, so that each term appears once.
 */
#include "report/sbom_int.h"

#include "util/error.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* SPDX licence ids that Debian short names name exactly (compared without
 * regard to case: "zlib" and "BSD-3-clause" are Debian spellings). */
static const char *const spdx_ids[] = {
	"0BSD", "AFL-2.1", "AFL-3.0", "Apache-1.0", "Apache-1.1", "Apache-2.0", "APSL-2.0", "Artistic-1.0",
	"Artistic-1.0-Perl", "Artistic-2.0", "Beerware", "BSD-1-Clause", "BSD-2-Clause", "BSD-2-Clause-Patent",
	"BSD-3-Clause", "BSD-3-Clause-Clear", "BSD-4-Clause", "BSD-4-Clause-UC", "BSD-Source-Code", "BSL-1.0",
	"bzip2-1.0.6", "CC-BY-3.0", "CC-BY-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "CC0-1.0", "CDDL-1.0", "CPL-1.0",
	"curl", "ECL-2.0", "EPL-1.0", "EPL-2.0", "FSFAP", "FSFUL", "FSFULLR", "FTL", "GD", "HPND", "ICU", "IJG",
	"Info-ZIP", "ISC", "Kazlib", "Latex2e", "libpng-2.0", "Libpng", "libtiff", "LPPL-1.3c", "MirOS", "MIT",
	"MIT-0", "MIT-CMU", "MPL-1.1", "MPL-2.0", "MS-PL", "NCSA", "NTP", "OFL-1.1", "OLDAP-2.8", "OpenSSL",
	"PostgreSQL", "PSF-2.0", "Python-2.0", "RSA-MD", "Ruby", "Sleepycat", "SMLNJ", "TCL", "Unicode-DFS-2016",
	"Unlicense", "UPL-1.0", "Vim", "W3C", "WTFPL", "X11", "Zlib", "ZPL-2.1",
};

/* Debian names for SPDX ids (Debian's own list of short names and common spellings). */
static const struct {
	const char *debian, *spdx;
} aliases[] = {
	{"Expat", "MIT"},
	{"Apache-2", "Apache-2.0"},
	{"Artistic", "Artistic-1.0-Perl"}, /* Debian's common-licenses/Artistic is Perl's Artistic 1.0 */
	{"CC0", "CC0-1.0"},
	{"OpenLDAP-2.8", "OLDAP-2.8"},
	{"MPL-2", "MPL-2.0"},
	{"PSF-2", "PSF-2.0"},
};

/* Debian "with X exception" words (joined by '-') and SPDX exception ids. */
static const struct {
	const char *debian, *spdx;
	const char *only_for; /* licence id prefix the exception belongs to, or NULL */
} exceptions[] = {
	{"Bison", "Bison-exception-2.2", NULL},
	{"Bison-2.2", "Bison-exception-2.2", NULL},
	{"Libtool", "Libtool-exception", NULL},
	{"Texinfo", "Texinfo-exception", NULL},
	{"Autoconf", "Autoconf-exception-2.0", "GPL-2.0"},
	{"Autoconf", "Autoconf-exception-3.0", "GPL-3.0"},
	{"GCC-3.1", "GCC-exception-3.1", NULL},
	{"GCC-2.0", "GCC-exception-2.0", NULL},
	{"Classpath", "Classpath-exception-2.0", NULL},
	{"Font", "Font-exception-2.0", NULL},
	{"Linux-syscall-note", "Linux-syscall-note", NULL},
};

/* The GNU licences: family, versions SPDX knows, SPDX spelling of each. */
static const struct {
	const char *debian, *spdx;
	const char *versions[3][2]; /* Debian version -> SPDX version */
} gnu[] = {
	{"GFDL-NIV", "GFDL", {{"1.1", "1.1"}, {"1.2", "1.2"}, {"1.3", "1.3"}}},
	{"GFDL", "GFDL", {{"1.1", "1.1"}, {"1.2", "1.2"}, {"1.3", "1.3"}}},
	{"AGPL", "AGPL", {{"1", "1.0"}, {"3", "3.0"}, {NULL, NULL}}},
	{"LGPL", "LGPL", {{"2", "2.0"}, {"2.1", "2.1"}, {"3", "3.0"}}},
	{"GPL", "GPL", {{"1", "1.0"}, {"2", "2.0"}, {"3", "3.0"}}},
};

/* "GPL-2", "GPL-2.0", "GPLv2", "LGPL-2.1", "GFDL-NIV-1.3" (without the '+'): the SPDX id. */
static int gnu_id(awp_strbuf *out, const char *name, size_t len, int plus)
{
	for (size_t i = 0; i < sizeof gnu / sizeof gnu[0]; i++) {
		size_t fl = strlen(gnu[i].debian);
		if (len <= fl + 1 || strncasecmp(name, gnu[i].debian, fl) != 0)
			continue;
		const char *v = name + fl;
		size_t vl = len - fl;
		if (*v == '-' || *v == 'v' || *v == 'V')
			v++, vl--;
		else
			continue;
		for (size_t k = 0; k < 3 && gnu[i].versions[k][0]; k++) {
			const char *dv = gnu[i].versions[k][0], *sv = gnu[i].versions[k][1];
			size_t dl = strlen(dv), sl = strlen(sv);
			/* "2" and "2.0" both name version 2.0 */
			if (!((vl == dl && strncmp(v, dv, dl) == 0) || (vl == sl && strncmp(v, sv, sl) == 0)))
				continue;
			int niv = strcmp(gnu[i].debian, "GFDL-NIV") == 0;
			return awp_strbuf_printf(out, "%s-%s%s-%s", gnu[i].spdx, sv, niv ? "-no-invariants" : "",
						 plus ? "or-later" : "only");
		}
		return 0;
	}
	return 0;
}

/* Append the SPDX id for one Debian short name; 0 when there is none. */
static int spdx_id(awp_strbuf *out, const char *name, size_t len)
{
	int plus = len > 1 && name[len - 1] == '+';
	size_t base = plus ? len - 1 : len;
	size_t start = out->len;
	int err = gnu_id(out, name, base, plus);
	if (err < 0 || out->len > start)
		return err < 0 ? err : 1;
	const char *id = NULL;
	/* (first letters compared before the lengths: most names differ there) */
	for (size_t i = 0; !id && i < sizeof aliases / sizeof aliases[0]; i++)
		if (tolower((unsigned char)name[0]) == tolower((unsigned char)aliases[i].debian[0]) &&
		    strlen(aliases[i].debian) == base && strncasecmp(name, aliases[i].debian, base) == 0)
			id = aliases[i].spdx;
	for (size_t i = 0; !id && i < sizeof spdx_ids / sizeof spdx_ids[0]; i++)
		if (tolower((unsigned char)name[0]) == tolower((unsigned char)spdx_ids[i][0]) &&
		    strlen(spdx_ids[i]) == base && strncasecmp(name, spdx_ids[i], base) == 0)
			id = spdx_ids[i];
	if (!id)
		return 0;
	/* SPDX "id+" is "this version or later", like Debian's '+' */
	if (awp_strbuf_puts(out, id) < 0 || (plus && awp_strbuf_putc(out, '+') < 0))
		return AWP_ENOMEM;
	return 1;
}

/* Append LicenseRef-<name sanitised> and report it. */
static int license_ref(awp_strbuf *out, const char *name, size_t len, sbom_licref_cb cb, void *payload)
{
	size_t start = out->len;
	if (awp_strbuf_puts(out, "LicenseRef-") < 0)
		return AWP_ENOMEM;
	size_t idstart = out->len;
	int dash = 0;
	for (size_t i = 0; i < len && out->len - idstart < AWP_MAX_LICENSEREF_LEN; i++) {
		unsigned char ch = (unsigned char)name[i];
		int err = 0;
		if (isalnum(ch) || ch == '.') {
			if (dash && out->len > idstart)
				err = awp_strbuf_putc(out, '-');
			dash = 0;
			if (err == 0)
				err = awp_strbuf_putc(out, (char)ch);
		} else if (ch == '+') {
			err = awp_strbuf_puts(out, "plus");
			dash = 0;
		} else {
			dash = 1; /* '-', blanks and anything else: one '-' */
		}
		if (err < 0)
			return AWP_ENOMEM;
	}
	if (out->len - idstart > AWP_MAX_LICENSEREF_LEN)
		awp_strbuf_truncate(out, idstart + AWP_MAX_LICENSEREF_LEN);
	while (out->len > idstart && out->ptr[out->len - 1] == '-')
		awp_strbuf_truncate(out, out->len - 1);
	if (out->len == idstart && awp_strbuf_puts(out, "unknown") < 0)
		return AWP_ENOMEM;
	if (cb) {
		char nm[AWP_MAX_LICENSE_TEXT + 1];
		snprintf(nm, sizeof nm, "%.*s", (int)(len < AWP_MAX_LICENSE_TEXT ? len : AWP_MAX_LICENSE_TEXT), name);
		return cb(out->ptr + start, nm, payload);
	}
	return 0;
}

/* Words of a Debian expression segment (blank-separated), at most AWP_MAX_LICENSE_WORDS. */
struct words {
	const char *w[AWP_MAX_LICENSE_WORDS];
	size_t l[AWP_MAX_LICENSE_WORDS];
	size_t n;
};

static int split(struct words *ws, const char *s, size_t len)
{
	ws->n = 0;
	size_t i = 0;
	while (i < len) {
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == len)
			break;
		size_t j = i;
		while (j < len && s[j] != ' ' && s[j] != '\t')
			j++;
		if (ws->n == AWP_MAX_LICENSE_WORDS)
			return -1;
		ws->w[ws->n] = s + i;
		ws->l[ws->n++] = j - i;
		i = j;
	}
	return 0;
}

static int word_is(const struct words *ws, size_t i, const char *k)
{
	return i < ws->n && ws->l[i] == strlen(k) && strncasecmp(ws->w[i], k, ws->l[i]) == 0;
}

/* One segment ("A or B with X exception and C") into out: 1 done, 0 syntax we do not follow, <0. */
static int segment(awp_strbuf *out, const struct words *ws, size_t from, sbom_licref_cb cb, void *payload)
{
	size_t i = from;
	if (i >= ws->n)
		return 0;
	for (;;) {
		/* a name, optionally "with <words> exception" */
		if (word_is(ws, i, "and") || word_is(ws, i, "or") || word_is(ws, i, "with"))
			return 0;
		const char *name = ws->w[i];
		size_t nlen = ws->l[i];
		i++;
		size_t exc_from = 0, exc_to = 0;
		if (word_is(ws, i, "with")) {
			exc_from = ++i;
			while (i < ws->n && !word_is(ws, i, "exception"))
				i++;
			if (i == ws->n || i == exc_from)
				return 0;
			exc_to = i++;
		}
		size_t start = out->len;
		int err = spdx_id(out, name, nlen);
		if (err < 0)
			return err;
		int mapped = err > 0;
		if (mapped && exc_to) {
			char exc[128];
			size_t el = 0;
			for (size_t k = exc_from; k < exc_to; k++) {
				int n = snprintf(exc + el, sizeof exc - el, "%s%.*s", k > exc_from ? "-" : "", (int)ws->l[k],
						 ws->w[k]);
				if (n < 0 || (size_t)n >= sizeof exc - el) {
					el = sizeof exc;
					break;
				}
				el += (size_t)n;
			}
			const char *id = NULL;
			for (size_t k = 0; el < sizeof exc && !id && k < sizeof exceptions / sizeof exceptions[0]; k++)
				if (strcasecmp(exc, exceptions[k].debian) == 0 &&
				    (!exceptions[k].only_for || strncmp(out->ptr + start, exceptions[k].only_for,
									  strlen(exceptions[k].only_for)) == 0))
					id = exceptions[k].spdx;
			if (id) {
				if (awp_strbuf_printf(out, " WITH %s", id) < 0)
					return AWP_ENOMEM;
			} else {
				mapped = 0;
			}
		}
		if (!mapped) {
			/* the name with its exception as one LicenseRef */
			awp_strbuf_truncate(out, start);
			const char *end = exc_to ? ws->w[exc_to] + ws->l[exc_to] : name + nlen;
			if ((err = license_ref(out, name, (size_t)(end - name), cb, payload)) < 0)
				return err;
		}
		if (i == ws->n)
			return 1;
		if (word_is(ws, i, "and") || word_is(ws, i, "or")) {
			if (awp_strbuf_puts(out, word_is(ws, i, "and") ? " AND " : " OR ") < 0)
				return AWP_ENOMEM;
			if (++i == ws->n)
				return 0;
			continue;
		}
		return 0;
	}
}

/* Offset of the first `op` outside parentheses in s[0..len), or len. */
static size_t top_level(const char *s, size_t len, const char *op)
{
	size_t ol = strlen(op);
	int depth = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '(')
			depth++;
		else if (s[i] == ')')
			depth--;
		else if (depth == 0 && i + ol <= len && memcmp(s + i, op, ol) == 0)
			return i;
	}
	return len;
}

/* 1 when s is "(...)" with the first parenthesis closed by the last character. */
static int enclosed(const char *s, size_t len)
{
	if (len < 2 || s[0] != '(' || s[len - 1] != ')')
		return 0;
	int depth = 0;
	for (size_t i = 0; i < len; i++) {
		depth += s[i] == '(' ? 1 : s[i] == ')' ? -1 : 0;
		if (depth == 0 && i + 1 < len)
			return 0;
	}
	return 1;
}

static int compound(const char *s, size_t len, const char *op)
{
	return top_level(s, len, op) < len;
}

/* Append s[0..len) to out, in parentheses when it holds an OR (or AND under an OR). */
static int wrapped(awp_strbuf *out, const char *s, size_t len, int under_or)
{
	int paren = compound(s, len, " OR ") || (under_or && compound(s, len, " AND "));
	if ((paren && awp_strbuf_putc(out, '(') < 0) || awp_strbuf_add(out, s, len) < 0 ||
	    (paren && awp_strbuf_putc(out, ')') < 0))
		return AWP_ENOMEM;
	return 0;
}

/* One item of the list: a Debian expression, with ", and" / ", or" groups.
 * 1 done, 0 syntax we do not follow (out then holds garbage), <0. */
static int item_try(awp_strbuf *out, const char *s, size_t len, sbom_licref_cb cb, void *payload)
{
	awp_strbuf seg = AWP_STRBUF_INIT, prev = AWP_STRBUF_INIT;
	struct words ws;
	int err = 1;
	for (size_t pos = 0, first = 1; err > 0 && pos <= len; first = 0) {
		const char *comma = memchr(s + pos, ',', len - pos);
		size_t end = comma ? (size_t)(comma - s) : len;
		const char *op = NULL;
		if (split(&ws, s + pos, end - pos) < 0)
			err = 0;
		else if (!first && !(op = word_is(&ws, 0, "and") ? " AND " : word_is(&ws, 0, "or") ? " OR " : NULL))
			err = 0;
		if (err <= 0)
			break;
		awp_strbuf_truncate(&seg, 0);
		if ((err = segment(&seg, &ws, first ? 0 : 1, cb, payload)) <= 0)
			break;
		if (first) {
			err = awp_strbuf_add(out, seg.ptr, seg.len) < 0 ? AWP_ENOMEM : 1;
		} else {
			/* "A or B, and C": the groups so far, the operator, this group */
			int under_or = op[1] == 'O';
			awp_strbuf_truncate(&prev, 0);
			if (awp_strbuf_add(&prev, out->ptr, out->len) < 0)
				err = AWP_ENOMEM;
			awp_strbuf_truncate(out, 0);
			if (err > 0 && (wrapped(out, prev.ptr, prev.len, under_or) < 0 || awp_strbuf_puts(out, op) < 0 ||
					wrapped(out, seg.ptr, seg.len, under_or) < 0))
				err = AWP_ENOMEM;
		}
		pos = end + 1;
	}
	awp_strbuf_free(&seg);
	awp_strbuf_free(&prev);
	return err;
}

static int item(awp_strbuf *out, const char *s, size_t len, sbom_licref_cb cb, void *payload)
{
	/* a dry run first, so that an item we do not follow reports no LicenseRef
	 * of its parts (without a callback, the dry run is the run) */
	int err = item_try(out, s, len, NULL, NULL);
	if (err > 0 && cb) {
		awp_strbuf_truncate(out, 0);
		err = item_try(out, s, len, cb, payload);
	} else if (err == 0) {
		awp_strbuf_truncate(out, 0);
		err = license_ref(out, s, len, cb, payload); /* the whole item is one LicenseRef */
	}
	return err < 0 ? err : 0;
}

int awp_sbom_license_expr(awp_strbuf *expr, const awp_package *p, sbom_licref_cb cb, void *payload)
{
	awp_strbuf_truncate(expr, 0);
	if (strcmp(p->type, "dpkg") != 0 || !p->license[0])
		return 0;
	/* items, each mapped once; equal results (GPL-2+ and GPL-2.0+) kept once */
	awp_strbuf items = AWP_STRBUF_INIT, one = AWP_STRBUF_INIT, tmp = AWP_STRBUF_INIT;
	size_t nitems = 0;
	int err = 0;
	const char *s = p->license;
	while (*s && err >= 0) {
		const char *e = strstr(s, "; ");
		size_t l = e ? (size_t)(e - s) : strlen(s);
		awp_strbuf_truncate(&one, 0);
		if ((err = item(&one, s, l, cb, payload)) < 0)
			break;
		/* an item without OR is a conjunction: its terms join the list one by one */
		int flat = !compound(awp_strbuf_cstr(&one), one.len, " OR ");
		if (!flat) {
			/* kept in parentheses, as the same group met inside another item is */
			awp_strbuf_truncate(&tmp, 0);
			if (wrapped(&tmp, awp_strbuf_cstr(&one), one.len, 0) < 0) {
				err = AWP_ENOMEM;
				break;
			}
			awp_strbuf_truncate(&one, 0);
			if (awp_strbuf_add(&one, awp_strbuf_cstr(&tmp), tmp.len) < 0) {
				err = AWP_ENOMEM;
				break;
			}
		}
		const char *u = awp_strbuf_cstr(&one);
		while (*u && err >= 0) {
			size_t ulen = strlen(u);
			size_t ul = flat ? top_level(u, ulen, " AND ") : ulen;
			const char *ue = ul < ulen ? u + ul : NULL;
			int seen = 0;
			const char *t = items.len ? items.ptr : "";
			for (size_t i = 0; i < nitems && !seen; i++, t += strlen(t) + 1)
				seen = strlen(t) == ul && memcmp(t, u, ul) == 0;
			if (!seen) {
				if (awp_strbuf_add(&items, u, ul) < 0 || awp_strbuf_add(&items, "", 1) < 0)
					err = AWP_ENOMEM;
				nitems++;
			}
			u += ul + (ue ? 5 : 0);
		}
		s += l + (e ? 2 : 0);
	}
	const char *t = items.len ? items.ptr : "";
	for (size_t i = 0; err >= 0 && i < nitems; i++, t += strlen(t) + 1) {
		if (i && awp_strbuf_puts(expr, " AND ") < 0)
			err = AWP_ENOMEM;
		else if (nitems == 1 && enclosed(t, strlen(t)) ? awp_strbuf_add(expr, t + 1, strlen(t) - 2) < 0
								: wrapped(expr, t, strlen(t), 0) < 0)
			err = AWP_ENOMEM;
	}
	awp_strbuf_free(&tmp);
	awp_strbuf_free(&items);
	awp_strbuf_free(&one);
	return err < 0 ? err : 0;
}
