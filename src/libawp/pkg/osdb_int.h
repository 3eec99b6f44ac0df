/*
 * pkg/osdb_int.h - private to the OS package database readers (dpkg.c,
 * rpm*.c, apk.c): their limits, a chunked line reader, and the RPM header
 * and database-format entry points (also called by the fuzz targets).
 */
#ifndef AWP_PKG_OSDB_INT_H
#define AWP_PKG_OSDB_INT_H

#include "pkg/pkg_int.h"

#include "util/strbuf.h"

#include <stdint.h>

/* dpkg status of a large desktop is ~5 MB for 4,000 packages: 64 MiB is ample;
 * past it the rest is ignored with a warning. */
#define AWP_MAX_DPKG_STATUS_SIZE (64u << 20)
/* Longest line kept from a package database (a Description line can be long;
 * we only need short fields, so longer lines are cut). */
#define AWP_MAX_DB_LINE 65536
/* status.d of a distroless image has one file per package (~50); cap the directory. */
#define AWP_MAX_STATUSD_FILES 100000
/* One /usr/share/doc/<pkg>/copyright: the largest in Debian 12 are ~300 KiB
 * (perl-base 110 KiB); licences past 1 MiB are ignored with a warning. */
#define AWP_MAX_COPYRIGHT_SIZE (1u << 20)
/* Distinct License short names kept per copyright file (real: < 40). */
#define AWP_MAX_COPYRIGHT_LICENSES 64
/* Entries of /usr/share/doc kept in memory (a large desktop: ~5,000). */
#define AWP_MAX_DOC_ENTRIES 200000
/* One License short name or Debian expression (real: < 80 characters). */
#define AWP_MAX_LICENSE_NAME 255
/* One RPM header blob: rpm itself refuses headers over 256 MiB; real ones are < 4 MiB. */
#define AWP_MAX_RPM_HEADER_SIZE (64u << 20)
/* Index entries of one header: rpm limits il to 0xffff... in practice < 200. */
#define AWP_MAX_RPM_HEADER_TAGS 65536
/* Files listed in one RPM header (kernel-devel: ~20k; glibc-all-langpacks: ~60k... ) */
#define AWP_MAX_RPM_FILES 1000000
/* Berkeley DB page size is a power of two between 512 and 64 KiB. */
#define AWP_MAX_BDB_PAGESIZE 65536
/* Overflow chain of one BDB record: bounded by AWP_MAX_RPM_HEADER_SIZE too. */
#define AWP_MAX_BDB_PAGES (AWP_MAX_DB_SIZE / 512)
/* ndb slot pages: 4 KiB each, 256 slots each; 4096 pages = 1M packages. */
#define AWP_MAX_NDB_SLOT_PAGES 4096

/* --- a random-access byte reader (an awp_file, or memory in fuzzers) ----- */

typedef struct awp_osdb_reader {
	/* Read up to len bytes at off; *nread 0 at end. Returns 0 or <0. */
	int (*read)(void *ctx, void *buf, size_t len, uint64_t off, size_t *nread);
	void *ctx;
	const uint8_t *mem;  /* set: read from memory instead (read unused) */
	uint64_t size;
	const char *name;  /* for messages: the path */
} awp_osdb_reader;

/** Read up to len bytes at off; *nread 0 at end of file. */
int awp_osdb_read(const awp_osdb_reader *r, void *buf, size_t len, uint64_t off, size_t *nread);
/** Read exactly len bytes at off (AWP_ECORRUPT when the file is shorter). */
int awp_osdb_pread(const awp_osdb_reader *r, void *buf, size_t len, uint64_t off);
/** A reader over an open awp_file. */
void awp_osdb_reader_file(awp_osdb_reader *r, awp_file *f, const char *name);
/** Open file `ino` of fs (known as `path`) with a reader on it: 1 opened
 *  (free *f after), 0 when it cannot be opened (a warning naming path was
 *  recorded), or AWP_ENOMEM. */
int awp_osdb_open(awp_inventory *inv, awp_fs *fs, const char *path, uint64_t ino, awp_file **f, awp_osdb_reader *r);
/** A reader over memory (fuzzers, tests). */
void awp_osdb_reader_mem(awp_osdb_reader *r, const void *data, size_t len, const char *name);

/* --- chunked line reader -------------------------------------------------- */

typedef struct awp_linereader {
	const awp_osdb_reader *r;
	uint64_t off, limit;  /* next byte to read; stop at limit */
	char *buf;            /* chunk buffer */
	size_t pos, len;
	char *line;           /* current line (NUL-terminated, no '\n') */
	size_t cap;
	int cut;              /* the current line was longer than AWP_MAX_DB_LINE */
} awp_linereader;

int awp_linereader_init(awp_linereader *lr, const awp_osdb_reader *r, uint64_t limit);
/** Next line into lr->line: 1, 0 at end, <0 on error. */
int awp_linereader_next(awp_linereader *lr, size_t *len);
void awp_linereader_free(awp_linereader *lr);

/* --- RPM ------------------------------------------------------------------- */

/**
 * Parse one RPM header blob as stored in an rpmdb (il, dl, index, data; no
 * leading magic) and add the package (and its files) to the inventory.
 * gpg-pubkey pseudo-packages are skipped. Returns 0, AWP_ECORRUPT (with the
 * error message set; the caller warns), AWP_ENOMEM or AWP_ELIMIT.
 */
int awp_rpm_header_add(awp_inventory *inv, const char *dbpath, const uint8_t *blob, size_t len);

typedef int (*awp_rpm_blob_cb)(const uint8_t *blob, size_t len, void *payload);
/** Every header blob of a Berkeley DB hash Packages file. */
int awp_rpm_bdb_read(const awp_osdb_reader *r, awp_rpm_blob_cb cb, void *payload);
/** Every header blob of an ndb Packages.db file. */
int awp_rpm_ndb_read(const awp_osdb_reader *r, awp_rpm_blob_cb cb, void *payload);
/** Every header blob of an rpmdb.sqlite file (Packages table). */
int awp_rpm_sqlite_read(const awp_osdb_reader *r, awp_rpm_blob_cb cb, void *payload);

/* --- dpkg and apk (also for fuzzers) ------------------------------------- */

/** Parse a dpkg status file; `statusd` nonzero: a status.d stanza file. */
int awp_dpkg_parse_status(awp_inventory *inv, awp_fs *fs, const awp_osdb_reader *r, int statusd);
/**
 * Read a dpkg copyright file (r). When it is machine-readable (DEP-5), the
 * distinct first lines of the License fields of its Files paragraphs go to
 * *out in order, joined by "; ". Problems are warnings on inv (one per file).
 * @return 1 (DEP-5; *out may still be empty), 0 (not DEP-5; *out empty), AWP_ENOMEM
 */
int awp_dpkg_copyright_parse(awp_inventory *inv, const awp_osdb_reader *r, awp_strbuf *out);
/** Set the licence of package `pkg` from /usr/share/doc/<name>/copyright
 *  when that file is DEP-5. Returns 0 (problems are warnings) or AWP_ENOMEM. */
int awp_dpkg_copyright_read(awp_inventory *inv, awp_fs *fs, size_t pkg, const char *name);
/** The same for every dpkg package from index `from` on, reading the
 *  /usr/share/doc listing once. Returns 0 or AWP_ENOMEM. */
int awp_dpkg_copyrights(awp_inventory *inv, awp_fs *fs, size_t from);
/** Parse /lib/apk/db/installed. */
int awp_apk_parse_installed(awp_inventory *inv, const awp_osdb_reader *r);

/** A fresh empty inventory (for tests and fuzzers that call parsers directly). */
awp_inventory *awp_inv_new(void);

/* --- purl and deduplication ---------------------------------------------- */

/** The package URL of p (OS packages use inv->os for namespace and distro), in the arena. NULL on ENOMEM. */
const char *awp_purl_make(awp_inventory *inv, const awp_package *p);
/** Percent-encode s per the purl spec into sb (keep_slash: for golang namespaces). */
int awp_purl_encode(awp_strbuf *sb, const char *s, int keep_slash);
/** Remove language packages whose proving file an OS package owns, keeping their names as aliases. */
int awp_inv_dedup(awp_inventory *inv);

#endif
