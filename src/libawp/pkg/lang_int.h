/*
 * pkg/lang_int.h - private to the language package analyzers (pkg/lang_*.c):
 * their limits, shared helpers, and byte-level entry points that the fuzz
 * targets call without a filesystem.
 *
 * Every parser follows one rule: a malformed or oversized input is a warning
 * naming the file (awp_inv_warn) and the inventory goes on; only AWP_ENOMEM
 * and AWP_ELIMIT from the inventory itself are returned.
 */
#ifndef AWP_PKG_LANG_INT_H
#define AWP_PKG_LANG_INT_H

#include "pkg/pkg_int.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <string.h>

/* cJSON spends ~80 bytes per value: this bounds one parse to ~80 MiB even
 * for a 16 MiB file made of tiny values (a 10 MiB real lock has ~300k). */
#define AWP_MAX_JSON_NODES 1000000
/* Nesting of a package-lock v1 "dependencies" tree (real ones: < 20). */
#define AWP_MAX_LOCK_DEPTH 64
/* Dependencies kept per package (real: < 200); more are dropped. */
#define AWP_MAX_PKG_DEPS 4096
/* Jar nesting: an ear holds wars holding jars; deeper is an attack. */
#define AWP_MAX_JAR_DEPTH 4
/* Entries visited in one jar and everything nested in it (big wars: ~5k). */
#define AWP_MAX_JAR_ENTRIES 100000
/* One nested archive inflated into memory (also the live total of the stack). */
#define AWP_MAX_JAR_NESTED (64u << 20)
/* Bytes inflated from one outer jar, all nesting levels together. */
#define AWP_MAX_JAR_TOTAL (256u << 20)
/* Nested archives inflating past RATIO x their container's size + 1 MiB are
 * a zip bomb: jars inside jars are stored or barely compressible. */
#define AWP_MAX_JAR_RATIO 100
/* pom.properties / MANIFEST.MF (real: < 10 KiB). */
#define AWP_MAX_JAR_SMALL (1u << 20)
/* Executables larger than this are not opened for build info. */
#define AWP_MAX_ELF_SIZE (512ull << 20)
/* Section headers read from one ELF file (real: < 100). */
#define AWP_MAX_ELF_SECTIONS 4096
/* The section name table (real: < 1 KiB). */
#define AWP_MAX_ELF_SHSTRTAB (1u << 20)
/* Go build info (version + modinfo; a large binary's is ~100 KiB). */
#define AWP_MAX_GO_BUILDINFO (4u << 20)
/* Bytes of the data segment scanned for the build info magic when a binary
 * has no section headers (the magic sits at the segment's start). */
#define AWP_MAX_GO_SCAN (16u << 20)
/* cargo-auditable .dep-v0: compressed section and its inflated JSON. */
#define AWP_MAX_RUST_SECTION (8u << 20)
#define AWP_MAX_RUST_JSON (32u << 20)

/* --- helpers (lang_common.c) --- */

/* A header or property value: s[0..n) without its leading blanks and
 * trailing white space, truncated to cap - 1 bytes, into out; returns 1. */
int lang_copy_trimmed(char *out, size_t cap, const char *s, size_t n);
/** 1 when s ends with suffix (inline: asked of every file by several
 *  analyzers, and a literal suffix's length folds to a constant). */
static inline int lang_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}
/** 1 when the directory holding `path` is named `dir` ("/a/dir/x" -> 1). */
int lang_parent_is(const char *path, const char *dir);

/**
 * Parse JSON bytes. Returns 0 with *out set, 1 when the input is refused or
 * malformed (a warning naming `path` was recorded; *out is NULL), or
 * AWP_ENOMEM.
 */
int lang_json_parse(awp_inventory *inv, const char *path, const char *buf, size_t len, cJSON **out);
/** Read `path` (≤ AWP_MAX_MANIFEST_SIZE) and parse it; same returns. */
int lang_json_read(awp_inventory *inv, awp_fs *fs, const char *path, cJSON **out);
/** Read a small file; 0, 1 (warned) or AWP_ENOMEM. Caller frees *out. */
int lang_read(awp_inventory *inv, awp_fs *fs, const char *path, char **out, size_t *len);
/** Read at most the first `max` bytes of the walked file `st` (NUL
 *  terminated); 0, 1 (warned) or AWP_ENOMEM. Caller frees *out. */
int lang_read_head(awp_inventory *inv, awp_fs *fs, const char *path, const awp_stat *st, size_t max, char **out,
		   size_t *len);
/** obj[key] when it is a string, else NULL. */
const char *lang_jstr(const cJSON *obj, const char *key);
/** A licence from a JSON value: "MIT", {"type": "MIT"}, ["MIT", "BSD"] or
 *  [{"type": ...}] (joined with " OR "), into buf. */
void lang_jlicense(const cJSON *v, char *buf, size_t cap);

/** Add a language package (purl left empty: filled by a later step). */
int lang_add(awp_inventory *inv, const char *type, const char *manager, const char *name, const char *version,
	     const char *path, const char *entry, const char *license, size_t *index);

/** This analyzer's state, allocated zeroed on first use (freed with the
 *  inventory by free(): keep it one block, with arena pointers inside). */
void *lang_state(awp_inventory *inv, enum awp_analyzer_index idx, size_t size);

/* --- byte-level entry points (also the fuzz targets') --- */

int lang_npm_parse_package(awp_inventory *inv, const char *path, const char *buf, size_t len);
int lang_npm_parse_lock(awp_inventory *inv, const char *path, const char *buf, size_t len);
int lang_npm_finish(awp_inventory *inv);
int lang_python_parse(awp_inventory *inv, const char *path, const char *buf, size_t len);
int lang_gem_parse(awp_inventory *inv, const char *path, const char *buf, size_t len);
int lang_composer_parse(awp_inventory *inv, const char *path, const char *buf, size_t len);
int lang_dotnet_parse(awp_inventory *inv, const char *path, const char *buf, size_t len);
int lang_conda_parse(awp_inventory *inv, const char *path, const char *buf, size_t len);
/** A jar held in memory (the fuzz target's way in). */
int lang_jar_parse_mem(awp_inventory *inv, const char *path, const void *buf, size_t len);

/** Positioned reads over a file or a buffer, for the ELF reader. */
typedef struct lang_reader {
	/** Read up to len bytes at off into buf; *nread 0 at end. */
	int (*read)(void *ctx, void *buf, size_t len, uint64_t off, size_t *nread);
	void *ctx;
	uint64_t size;
} lang_reader;
/** Exactly len bytes at off, or AWP_ECORRUPT ("truncated"). */
int lang_reader_exact(const lang_reader *r, void *buf, size_t len, uint64_t off);
/* Headers of Python metadata read from the top of the file (the body, a
 * long description, can be large and is not needed). */
#define AWP_MAX_PY_HEADERS (256u << 10)
/* Program headers kept per ELF file (real: < 16). */
#define AWP_MAX_ELF_SEGMENTS 64

/** What lang_elf.c learnt of an ELF file's layout. */
typedef struct lang_elf {
	int is64, be;
	size_t nseg;
	struct lang_elf_seg {
		uint64_t vaddr, off, filesz;
		uint32_t flags;
	} seg[AWP_MAX_ELF_SEGMENTS]; /* PT_LOAD only */
} lang_elf;
/** File offset of virtual address `va`; *avail bytes follow it in the
 *  segment. 0, or AWP_ENOTFOUND when no PT_LOAD maps it. */
int lang_elf_v2o(const lang_elf *e, uint64_t va, uint64_t *off, uint64_t *avail);

/** Go build info and cargo-auditable data of an ELF file. */
int lang_elf_parse(awp_inventory *inv, const char *path, const lang_reader *r);
/** Go build info starting at file offset `off` (the magic), at most `len`
 *  bytes of section; packages are added. 0, 1 (warned) or <0. */
int lang_go_buildinfo(awp_inventory *inv, const char *path, const lang_reader *r, const lang_elf *e, uint64_t off,
		      uint64_t len);
/** Parse Go modinfo text (path/mod/dep/=> lines) + toolchain version. */
int lang_go_modinfo(awp_inventory *inv, const char *path, const char *goversion, const char *mod, size_t len);
/** Inflate and parse a .dep-v0 section body. */
int lang_rust_depv0(awp_inventory *inv, const char *path, const void *buf, size_t len);

#endif
