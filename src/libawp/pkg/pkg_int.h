/*
 * pkg/pkg_int.h - private to the inventory module: the inventory object and
 * the analyzer interface that every package reader implements.
 *
 * Lifecycle of one collection (pkg/inventory.c):
 *   1. every analyzer's collect() reads fixed locations (OS databases);
 *   2. one walk of the filesystem offers each file to every analyzer's
 *      wants(); the first that wants it gets parse();
 *   3. every analyzer's finish() runs (link, deduplicate).
 * Analyzers are listed once, in pkg/analyzers.def.
 */
#ifndef AWP_PKG_INT_H
#define AWP_PKG_INT_H

#include <awp/inventory.h>
#include <awp/walk.h>

#include "util/arena.h"
#include "util/strmap.h"

/* Caps on what one inventory may hold: a hostile disk must not exhaust memory. */
#define AWP_MAX_PACKAGES 1000000        /* far above any real machine (~100k) */
#define AWP_MAX_OWNED_FILES 20000000    /* dpkg/rpm file lists of a large server: ~1M */
#define AWP_MAX_DEFERRED_FILES 250000 /* executables and archives held during the walk (~150 B each); more are parsed as met */
#define AWP_MAX_WARNINGS 10000          /* past this, warnings are counted, not kept */
#define AWP_MAX_MANIFEST_SIZE (16u << 20) /* one package.json/METADATA/status.d file */
#define AWP_MAX_DB_SIZE (512u << 20)    /* one package database (dpkg status, rpmdb) */

struct owned_file {
	size_t pkg;
	const char *digest;
};

struct awp_inventory {
	awp_arena arena;
	awp_os_info os;
	awp_package *pkgs;
	size_t count, cap;
	awp_inventory_warning *warns;
	size_t nwarn, warncap, warn_dropped;
	awp_strmap owned;            /* path -> index in owned_files */
	struct owned_file *owned_files;
	size_t nowned, ownedcap;
	awp_strmap keys;             /* "type|name|version|arch|path|entry" -> package index */
	void *analyzer_state[32];    /* per analyzer, by its index in analyzers.def */
	int no_digests;              /* options.file_digests == 0 */
	unsigned usr_merged;         /* bit i: /<usr_twins[i]> is a link to /usr/<same> (inventory.c) */
};

typedef struct awp_analyzer {
	const char *name;
	/** Read fixed locations (may be NULL). */
	int (*collect)(awp_inventory *inv, awp_fs *fs);
	/** 1 when this analyzer wants to parse the walked file (may be NULL). */
	int (*wants)(const char *path, const char *name, const awp_stat *st);
	/** Parse one wanted file; problems are warnings, only AWP_ENOMEM aborts. */
	int (*parse)(awp_inventory *inv, awp_fs *fs, const char *path, const awp_stat *st);
	/** After the walk (may be NULL). */
	int (*finish)(awp_inventory *inv);
} awp_analyzer;

#define AWP_ANALYZER(name) extern const awp_analyzer awp_analyzer_##name;
#include "pkg/analyzers.def"
#undef AWP_ANALYZER

/* Index of each analyzer in analyzers.def: its slot in inv->analyzer_state. */
enum awp_analyzer_index {
#define AWP_ANALYZER(name) AWP_ANALYZER_IDX_##name,
#include "pkg/analyzers.def"
#undef AWP_ANALYZER
	AWP_ANALYZER_COUNT
};
_Static_assert(AWP_ANALYZER_COUNT <= sizeof(((awp_inventory *)0)->analyzer_state) / sizeof(void *),
	       "analyzer_state has a slot per analyzer");

/**
 * Add a package; every string of *tmpl is copied (NULL becomes ""). A
 * package equal in type, name, version, arch, path and entry to one already added
 * is not added twice: *index receives the existing one.
 */
int awp_inv_add(awp_inventory *inv, const awp_package *tmpl, size_t *index);
/** Record a warning about `path` (formatted). Returns 0 or AWP_ENOMEM. */
int awp_inv_warn(awp_inventory *inv, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/** Record that package `pkg` installed `path`, with the database's digest
 *  ("md5:<hex>", "sha256:<hex>", or NULL). */
int awp_inv_own_file(awp_inventory *inv, size_t pkg, const char *path, const char *digest);
/** Replace aliases / dependency edges of a package (arrays are copied). */
int awp_inv_set_aliases(awp_inventory *inv, size_t pkg, const char *const *aliases, size_t n);
int awp_inv_set_deps(awp_inventory *inv, size_t pkg, const size_t *deps, size_t n);
/** Copy a string into the inventory's arena (NULL -> ""). */
const char *awp_inv_str(awp_inventory *inv, const char *s);
/** Remove packages for which keep[i] is 0 (dependency indices are remapped). */
int awp_inv_compact(awp_inventory *inv, const unsigned char *keep);

/** Read a whole small file (≤ max) through the fs; warns and returns <0 on failure. */
int awp_inv_read_file(awp_inventory *inv, awp_fs *fs, const char *path, size_t max, char **out, size_t *len);

#endif
