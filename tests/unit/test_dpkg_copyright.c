/*
 * dpkg licences: the DEP-5 copyright parser (pkg/dpkg_copyright.c) on
 * hand-made inputs including malformed and oversized ones, the Debian ->
 * SPDX expression mapping (report/sbom_license.c), a hand-made tree with
 * shared (symlinked) doc directories, and stable facts of the Debian 12
 * fixture image.
 */
#include "harness.h"
#include "fscompare.h"

#include "pkg/osdb_int.h"
#include "report/sbom_int.h"

#include <awp/target.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEP5 "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"

/* Parse `text`; *warnings receives the warning count. Returns the parser's result. */
static int parse(const char *text, size_t len, char *out, size_t cap, size_t *warnings)
{
	awp_inventory *inv = awp_inv_new();
	CHECK(inv != NULL);
	if (!inv)
		return -1;
	awp_osdb_reader r;
	awp_osdb_reader_mem(&r, text, len, "/usr/share/doc/x/copyright");
	awp_strbuf sb = AWP_STRBUF_INIT;
	int rc = awp_dpkg_copyright_parse(inv, &r, &sb);
	snprintf(out, cap, "%s", awp_strbuf_cstr(&sb));
	*warnings = awp_inventory_warning_count(inv);
	for (size_t i = 0; i < *warnings; i++) {
		const awp_inventory_warning *w = awp_inventory_warning_get(inv, i);
		CHECK_EQ_STR(w->path, "/usr/share/doc/x/copyright"); /* warnings name the file */
	}
	awp_strbuf_free(&sb);
	awp_inventory_free(inv);
	return rc;
}

static void parser_tests(void)
{
	static const struct {
		const char *in;
		int rc;
		const char *want;
		size_t warnings;
	} cases[] = {
		/* Files paragraphs in order, duplicates once; stand-alone License paragraphs and the header's License skipped */
		{DEP5 "Upstream-Name: x\nLicense: Header-Licence\n\nFiles: *\nCopyright: me\nLicense: GPL-2+\n\n"
		      "Files: a/*\nLicense: BSD-3-clause\n\nFiles: b/*\nLicense: GPL-2+\n\nLicense: GPL-2+\n On Debian ...\n\n"
		      "License: Standalone\n text\n",
		 1, "GPL-2+; BSD-3-clause", 0},
		/* License before Files in a paragraph; case-insensitive field names; blanks squeezed */
		{DEP5 "\nlicense:   GPL-1+   or\tArtistic  \nfiles: *\n", 1, "GPL-1+ or Artistic", 0},
		/* the other Format URLs, and Format-Specification of the drafts */
		{"Format: http://www.debian.org/doc/packaging-manuals/copyright-format/1.0\n\nFiles: *\nLicense: MIT\n", 1, "MIT", 0},
		{"Format-Specification: http://dep.debian.net/deps/dep5/\n\nFiles: *\nLicense: Expat\n", 1, "Expat", 0},
		{"Format-Specification: http://svn.debian.org/wsvn/dep/web/deps/dep5.mdwn?op=file&rev=135\n\nFiles: *\nLicense: ISC\n",
		 1, "ISC", 0},
		/* leading blank lines and comments; CRLF line ends; a continuation of License is not a name */
		{"\n\n# c\r\n" DEP5 "\r\nFiles: *\r\nLicense: Zlib\r\n text\r\n", 1, "Zlib", 0},
		/* not machine-readable: no licence, no warning */
		{"This package was debianized by someone.\n\nLicense: GPL\n\nFiles: *\nLicense: GPL-2\n", 0, "", 0},
		{"Format: https://example.org/other-format/\n\nFiles: *\nLicense: GPL-2\n", 0, "", 0},
		{"", 0, "", 0},
		{"\n\n \n", 0, "", 0},
		/* a header only */
		{DEP5, 1, "", 0},
		/* malformed: a Files paragraph without License (warned), an empty first line (skipped), junk lines */
		{DEP5 "\nFiles: *\nCopyright: x\n\nFiles: a\nLicense:\n long text\n\nnot a field\nFiles: b\nLicense: MIT\n", 1, "MIT", 1},
		/* ';' separates our list: a name holding one cannot split it */
		{DEP5 "\nFiles: *\nLicense: A;B\n", 1, "A,B", 0},
		/* a repeated License field: the first counts */
		{DEP5 "\nFiles: *\nLicense: First\nLicense: Second\n", 1, "First", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[1024], what[64];
		size_t w = 0;
		int rc = parse(cases[i].in, strlen(cases[i].in), out, sizeof out, &w);
		snprintf(what, sizeof what, "case %zu", i);
		CHECK_MSG(rc == cases[i].rc, what);
		CHECK_MSG(strcmp(out, cases[i].want) == 0, what);
		if (strcmp(out, cases[i].want) != 0)
			printf("case %zu: got \"%s\" want \"%s\"\n", i, out, cases[i].want);
		CHECK_MSG(w == cases[i].warnings, what);
	}

	char out[8192];
	size_t w = 0;
	/* a NUL byte: not text, no licence, one warning */
	static const char nul[] = DEP5 "\nFiles: *\nLicense: MIT\n\nFiles: a\nLicense: G\0PL\n";
	CHECK_EQ_INT(parse(nul, sizeof nul - 1, out, sizeof out, &w), 0);
	CHECK_EQ_STR(out, "");
	CHECK_EQ_INT(w, 1);

	/* a short name longer than the cap: skipped with one warning; a 100 KiB line is cut, not kept */
	awp_strbuf big = AWP_STRBUF_INIT;
	awp_strbuf_puts(&big, DEP5 "\nFiles: a\nLicense: ");
	for (int i = 0; i < 300; i++)
		awp_strbuf_putc(&big, 'x');
	awp_strbuf_puts(&big, "\n\nFiles: b\nLicense: ");
	for (int i = 0; i < 100000; i++)
		awp_strbuf_putc(&big, 'y');
	awp_strbuf_puts(&big, "\n\nFiles: c\nLicense: MIT\n");
	CHECK_EQ_INT(parse(big.ptr, big.len, out, sizeof out, &w), 1);
	CHECK_EQ_STR(out, "MIT");
	CHECK_EQ_INT(w, 1);

	/* more distinct names than the cap: the first AWP_MAX_COPYRIGHT_LICENSES, one warning */
	awp_strbuf_truncate(&big, 0);
	awp_strbuf_puts(&big, DEP5);
	for (int i = 0; i < 200; i++)
		awp_strbuf_printf(&big, "\nFiles: f%d\nLicense: L%d\n", i, i);
	CHECK_EQ_INT(parse(big.ptr, big.len, out, sizeof out, &w), 1);
	CHECK_EQ_INT(w, 1);
	size_t n = 1;
	for (const char *s = out; (s = strstr(s, "; ")); s += 2)
		n++;
	CHECK_EQ_INT(n, AWP_MAX_COPYRIGHT_LICENSES);
	CHECK(strncmp(out, "L0; L1; L2", 10) == 0);

	/* past the size cap: what follows 1 MiB is not read, with one warning */
	awp_strbuf_truncate(&big, 0);
	awp_strbuf_puts(&big, DEP5 "\nFiles: *\nLicense: Early\n\nFiles: pad\nLicense: Early\nComment:\n");
	while (big.len < AWP_MAX_COPYRIGHT_SIZE + 100)
		awp_strbuf_puts(&big, " padding padding padding padding padding padding padding padding\n");
	awp_strbuf_puts(&big, "\nFiles: late\nLicense: Late\n");
	CHECK_EQ_INT(parse(big.ptr, big.len, out, sizeof out, &w), 1);
	CHECK_EQ_STR(out, "Early");
	CHECK_EQ_INT(w, 1);
	awp_strbuf_free(&big);
}

/* --- mapping to SPDX expressions ------------------------------------------ */

struct refs {
	char all[1024];
};

static int on_ref(const char *ref, const char *name, void *payload)
{
	struct refs *r = payload;
	size_t l = strlen(r->all);
	snprintf(r->all + l, sizeof r->all - l, "%s%s=%s", l ? " " : "", ref, name);
	return 0;
}

static void mapping_tests(void)
{
	static const struct {
		const char *type, *lic, *want, *refs;
	} cases[] = {
		{"dpkg", "GPL-2+", "GPL-2.0-or-later", ""},
		{"dpkg", "GPL-2", "GPL-2.0-only", ""},
		{"dpkg", "GPL-2.0+; GPL-2+", "GPL-2.0-or-later", ""},
		{"dpkg", "GPLv3+; LGPL-2.1; LGPL-2.1+; LGPL-2+; AGPL-3", "GPL-3.0-or-later AND LGPL-2.1-only AND "
		 "LGPL-2.1-or-later AND LGPL-2.0-or-later AND AGPL-3.0-only", ""},
		{"dpkg", "GFDL-NIV-1.3+; GFDL-1.2", "GFDL-1.3-no-invariants-or-later AND GFDL-1.2-only", ""},
		{"dpkg", "Expat; BSD-3-clause; zlib; Apache-2.0; Apache-2; CC0", "MIT AND BSD-3-Clause AND Zlib AND Apache-2.0 AND CC0-1.0", ""},
		{"dpkg", "MPL-1.1+", "MPL-1.1+", ""},
		{"dpkg", "public-domain", "LicenseRef-public-domain", "LicenseRef-public-domain=public-domain"},
		{"dpkg", "GPL; GPL-4+; GPL-2.5", "LicenseRef-GPL AND LicenseRef-GPL-4plus AND LicenseRef-GPL-2.5",
		 "LicenseRef-GPL=GPL LicenseRef-GPL-4plus=GPL-4+ LicenseRef-GPL-2.5=GPL-2.5"},
		{"dpkg", "GPL-1+ or Artistic", "GPL-1.0-or-later OR Artistic-1.0-Perl", ""},
		{"dpkg", "GPL-1+ or Artistic; Expat", "(GPL-1.0-or-later OR Artistic-1.0-Perl) AND MIT", ""},
		{"dpkg", "A or B and C", "LicenseRef-A OR LicenseRef-B AND LicenseRef-C", "LicenseRef-A=A LicenseRef-B=B LicenseRef-C=C"},
		{"dpkg", "GPL-1+ or Artistic, and BSD-3-clause; GPL-1+ or Artistic",
		 "(GPL-1.0-or-later OR Artistic-1.0-Perl) AND BSD-3-Clause", ""},
		{"dpkg", "MIT, or GPL-2 and ISC", "MIT OR (GPL-2.0-only AND ISC)", ""},
		{"dpkg", "GPL-3+ with Bison exception; GPL-2+ with Autoconf exception; GPL-3+ with autoconf exception",
		 "GPL-3.0-or-later WITH Bison-exception-2.2 AND GPL-2.0-or-later WITH Autoconf-exception-2.0 AND "
		 "GPL-3.0-or-later WITH Autoconf-exception-3.0", ""},
		{"dpkg", "GPL-2 with Linux-syscall-note exception", "GPL-2.0-only WITH Linux-syscall-note", ""},
		/* an unknown exception, or one on an unmapped licence: the term as one LicenseRef */
		{"dpkg", "GPL-2+ with Autoconf-data exception", "LicenseRef-GPL-2plus-with-Autoconf-data-exception",
		 "LicenseRef-GPL-2plus-with-Autoconf-data-exception=GPL-2+ with Autoconf-data exception"},
		{"dpkg", "Foo with Bison exception", "LicenseRef-Foo-with-Bison-exception",
		 "LicenseRef-Foo-with-Bison-exception=Foo with Bison exception"},
		/* syntax we do not follow: the whole item, and no LicenseRef for its parts */
		{"dpkg", "BSD-3-clause and/or GPL-3+", "LicenseRef-BSD-3-clause-and-or-GPL-3plus",
		 "LicenseRef-BSD-3-clause-and-or-GPL-3plus=BSD-3-clause and/or GPL-3+"},
		{"dpkg", "MIT or", "LicenseRef-MIT-or", "LicenseRef-MIT-or=MIT or"},
		{"dpkg", "or MIT", "LicenseRef-or-MIT", "LicenseRef-or-MIT=or MIT"},
		{"dpkg", "MIT, GPL-2", "LicenseRef-MIT-GPL-2", "LicenseRef-MIT-GPL-2=MIT, GPL-2"},
		{"dpkg", "MIT,", "LicenseRef-MIT", "LicenseRef-MIT=MIT,"},
		{"dpkg", "GPL-2 with exception", "LicenseRef-GPL-2-with-exception", "LicenseRef-GPL-2-with-exception=GPL-2 with exception"},
		{"dpkg", "GPL-2 with Bison", "LicenseRef-GPL-2-with-Bison", "LicenseRef-GPL-2-with-Bison=GPL-2 with Bison"},
		{"dpkg", "MIT/X11; __AUTO__; +; -", "LicenseRef-MIT-X11 AND LicenseRef-AUTO AND LicenseRef-plus AND LicenseRef-unknown",
		 "LicenseRef-MIT-X11=MIT/X11 LicenseRef-AUTO=__AUTO__ LicenseRef-plus=+ LicenseRef-unknown=-"},
		/* only dpkg licences are Debian short names */
		{"rpm", "GPLv2+", "", ""},
		{"dpkg", "", "", ""},
	};
	awp_strbuf e = AWP_STRBUF_INIT;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		awp_package p = {0};
		p.type = cases[i].type;
		p.license = cases[i].lic;
		struct refs r = {""};
		CHECK_OK(awp_sbom_license_expr(&e, &p, on_ref, &r));
		char what[64];
		snprintf(what, sizeof what, "mapping case %zu", i);
		CHECK_MSG(strcmp(awp_strbuf_cstr(&e), cases[i].want) == 0, what);
		CHECK_MSG(strcmp(r.all, cases[i].refs) == 0, what);
		if (strcmp(awp_strbuf_cstr(&e), cases[i].want) || strcmp(r.all, cases[i].refs))
			printf("mapping %zu: got \"%s\" [%s]\n   want \"%s\" [%s]\n", i, awp_strbuf_cstr(&e), r.all,
			       cases[i].want, cases[i].refs);
	}
	/* long names and many words stay bounded */
	awp_strbuf in = AWP_STRBUF_INIT;
	for (int i = 0; i < 500; i++)
		awp_strbuf_puts(&in, "x-");
	awp_strbuf_puts(&in, "; ");
	for (int i = 0; i < 200; i++)
		awp_strbuf_puts(&in, i ? " or MIT" : "MIT");
	awp_package p = {0};
	p.type = "dpkg";
	p.license = in.ptr;
	CHECK_OK(awp_sbom_license_expr(&e, &p, NULL, NULL));
	CHECK(strncmp(awp_strbuf_cstr(&e), "LicenseRef-x-x-", 15) == 0);
	const char *and = strstr(awp_strbuf_cstr(&e), " AND ");
	CHECK(and && (size_t)(and - e.ptr) <= strlen("LicenseRef-") + AWP_MAX_LICENSEREF_LEN);
	CHECK(and && strncmp(and, " AND LicenseRef-MIT-or-MIT", 26) == 0); /* > AWP_MAX_LICENSE_WORDS words */
	awp_strbuf_free(&in);
	awp_strbuf_free(&e);
}

/* --- a tree: doc directories shared by symlinks, odd files ------------------ */

static const awp_package *find(const awp_inventory *inv, const char *name)
{
	for (size_t i = 0; i < awp_inventory_count(inv); i++) {
		const awp_package *p = awp_inventory_get(inv, i);
		if (strcmp(p->type, "dpkg") == 0 && strcmp(p->name, name) == 0)
			return p;
	}
	return NULL;
}

static void tree_tests(void)
{
	char *dir = test_tmpdir();
	CHECK(test_sh("cd %s && mkdir -p etc var/lib/dpkg usr/share/doc/a usr/share/doc/c usr/share/doc/e/copyright "
		      "usr/share/doc/g && printf 'ID=debian\\nVERSION_ID=\"12\"\\n' > etc/os-release && "
		      "for p in a b c d e f g h; do printf 'Package: %%s\\nStatus: install ok installed\\nVersion: 1\\n"
		      "Architecture: amd64\\n\\n' $p; done > var/lib/dpkg/status && "
		      "printf '" DEP5 "\\nFiles: *\\nLicense: GPL-2+\\n\\nFiles: x\\nLicense: Expat\\n' > usr/share/doc/a/copyright && "
		      "ln -s a usr/share/doc/b && "                                   /* usrmerge-style shared doc dir */
		      "printf 'Copyright 2000 someone. GPL.\\n' > usr/share/doc/c/copyright && " /* not DEP-5 */
		      "ln -s f2 usr/share/doc/f && ln -s f usr/share/doc/f2 && " /* a loop */
		      "ln -s /usr/share/doc/a/copyright usr/share/doc/g/copyright && " /* absolute link inside the image */
		      "ln -s ../../../../etc usr/share/doc/h",                         /* leads elsewhere: no copyright there */
		      dir) == 0);
	awp_fs *fs = NULL;
	awp_inventory *inv = NULL;
	CHECK_OK(awp_fs_open_dir(&fs, dir));
	CHECK_OK(awp_inventory_collect(&inv, fs, NULL));
	const awp_package *p;
	CHECK((p = find(inv, "a")) && strcmp(p->license, "GPL-2+; Expat") == 0);
	CHECK((p = find(inv, "b")) && strcmp(p->license, "GPL-2+; Expat") == 0);
	CHECK((p = find(inv, "c")) && strcmp(p->license, "") == 0);
	CHECK((p = find(inv, "d")) && strcmp(p->license, "") == 0);
	CHECK((p = find(inv, "e")) && strcmp(p->license, "") == 0);
	CHECK((p = find(inv, "f")) && strcmp(p->license, "") == 0);
	CHECK((p = find(inv, "g")) && strcmp(p->license, "GPL-2+; Expat") == 0);
	CHECK((p = find(inv, "h")) && strcmp(p->license, "") == 0);
	/* e's copyright is a directory, f's doc dir a symlink loop: one warning each, naming the file */
	size_t we = 0, wf = 0;
	for (size_t i = 0; i < awp_inventory_warning_count(inv); i++) {
		const awp_inventory_warning *w = awp_inventory_warning_get(inv, i);
		we += strcmp(w->path, "/usr/share/doc/e/copyright") == 0;
		wf += strcmp(w->path, "/usr/share/doc/f/copyright") == 0;
	}
	CHECK_EQ_INT(we, 1);
	CHECK_EQ_INT(wf, 1);
	CHECK_EQ_INT(awp_inventory_warning_count(inv), 2);
	awp_inventory_free(inv);
	awp_fs_free(fs);
	test_rmtree(dir);
	free(dir);
}

/* --- the Debian 12 fixture image ------------------------------------------- */

static void fixture_tests(void)
{
	const char *img = test_fixture("debian12-ext4-gpt.raw");
	if (!img) {
		printf("debian12-ext4-gpt.raw absent: fixture checks skipped\n");
		return;
	}
	awp_target *t = NULL;
	CHECK_OK(awp_target_open(&t, img));
	if (!t)
		return;
	awp_fs *fs = awp_target_pick_fs(t, NULL);
	CHECK(fs != NULL);
	awp_inventory *inv = NULL;
	if (fs)
		CHECK_OK(awp_inventory_collect(&inv, fs, NULL));
	if (inv) {
		size_t n = 0, with = 0;
		for (size_t i = 0; i < awp_inventory_count(inv); i++) {
			const awp_package *p = awp_inventory_get(inv, i);
			if (strcmp(p->type, "dpkg") == 0) {
				n++;
				with += p->license[0] != 0;
			}
		}
		printf("debian12: %zu of %zu dpkg packages have a declared licence\n", with, n);
		CHECK(n > 50);
		CHECK(with * 10 >= n * 7); /* most: Debian 12's base system is ~80%% DEP-5 */
		/* stable facts of bookworm's copyright files */
		const awp_package *p;
		CHECK((p = find(inv, "adduser")) && strcmp(p->license, "GPL-2+") == 0);
		CHECK((p = find(inv, "grep")) && strcmp(p->license, "GPL-3+") == 0);
		CHECK((p = find(inv, "zlib1g")) && strcmp(p->license, "Zlib") == 0);
		CHECK((p = find(inv, "libc6")) && strcmp(p->license, "") == 0); /* not machine-readable */
		const awp_package *cl = find(inv, "openssh-client"), *sv = find(inv, "openssh-server");
		/* /usr/share/doc/openssh-server -> openssh-client */
		CHECK(cl && sv && cl->license[0] && strcmp(cl->license, sv->license) == 0);
		awp_strbuf e = AWP_STRBUF_INIT;
		if ((p = find(inv, "libcap2"))) {
			CHECK_OK(awp_sbom_license_expr(&e, p, NULL, NULL));
			CHECK_EQ_STR(awp_strbuf_cstr(&e), "(BSD-3-Clause OR GPL-2.0-only) AND (BSD-3-Clause OR GPL-2.0-or-later)");
		}
		if ((p = find(inv, "adduser"))) {
			CHECK_OK(awp_sbom_license_expr(&e, p, NULL, NULL));
			CHECK_EQ_STR(awp_strbuf_cstr(&e), "GPL-2.0-or-later");
		}
		awp_strbuf_free(&e);
		/* no warnings from copyright files on a clean Debian */
		for (size_t i = 0; i < awp_inventory_warning_count(inv); i++)
			CHECK(strncmp(awp_inventory_warning_get(inv, i)->path, "/usr/share/doc/", 15) != 0);
	}
	awp_inventory_free(inv);
	awp_target_free(t);
}

void test_main(void)
{
	parser_tests();
	mapping_tests();
	tree_tests();
	fixture_tests();
}
