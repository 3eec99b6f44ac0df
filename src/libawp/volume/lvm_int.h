/*
 * volume/lvm_int.h - private to the LVM2 reader (lvm*.c): limits, the text
 * metadata tree, physical-volume label parsing and VG assembly.
 *
 * On-disk format (lvm2 lib/format_text/layout.h, lib/label/label.h):
 *   label_header in one of sectors 0..3: "LABELONE", sector_xl, crc_xl (of
 *   bytes 20..511), offset_xl, type "LVM2 001"; pv_header at offset_xl in the
 *   same sector: 32-char PV uuid, device size, data areas then metadata areas
 *   as (offset, size) pairs each list ended by a zero pair; mda_header at each
 *   metadata area: crc of bytes 4..511, magic, version 1, start, size, then
 *   raw_locn (offset, size, checksum, flags) entries; the committed text is
 *   at start + offset and wraps around to start + 512.
 */
#ifndef AWP_LVM_INT_H
#define AWP_LVM_INT_H

#include "volume/volume_int.h"

#include <stdint.h>

/* --- limits on untrusted input ------------------------------------------ */

/** Metadata text size: real VGs use a few KiB; lvm2's default area is 1 MiB. */
#define AWP_MAX_LVM_METADATA (1u << 20)
/** Nesting of metadata sections/arrays: real metadata nests 5 deep. */
#define AWP_MAX_LVM_DEPTH 32
/** Nodes in one parsed metadata text (bounds memory for 1 MiB of "[0,0,...]"). */
#define AWP_MAX_LVM_NODES 200000
/** Metadata areas per PV listed in the pv_header (lvm2 writes at most 2). */
#define AWP_MAX_LVM_MDAS 8
/** raw_locn entries read from one mda_header (lvm2 uses 1, plus precommit). */
#define AWP_MAX_LVM_RLOCNS 4
/** PVs in one VG (lvm2 has no hard cap; thousands would be absurd on a VM). */
#define AWP_MAX_LVM_PVS 1024
/** LVs in one VG (hidden sub-LVs included). */
#define AWP_MAX_LVM_LVS 8192
/** Segments of one LV (each lvextend may add one). */
#define AWP_MAX_LVM_SEGMENTS 65536
/** Stripes of one segment: lvm2's own maximum is 128. */
#define AWP_MAX_LVM_STRIPES 128
/** PV sources given to one assembly. */
#define AWP_MAX_LVM_SOURCES 4096

#define AWP_LVM_SECTOR 512u
#define AWP_LVM_MDA_HEADER_SIZE 512u
#define AWP_LVM_INITIAL_CRC 0xf597a6cfu

/* --- text metadata (lvm_config.c) --------------------------------------- */

typedef enum lvm_ckind {
	LVM_C_INT,     /* num (also floats, truncated) */
	LVM_C_STR,     /* str, unescaped */
	LVM_C_ARRAY,   /* child: the items (keys NULL) */
	LVM_C_SECTION, /* child: the members */
} lvm_ckind;

typedef struct lvm_cnode {
	const char *key;       /* NULL for array items */
	lvm_ckind kind;
	int64_t num;
	const char *str;
	struct lvm_cnode *child;
	struct lvm_cnode *next;
} lvm_cnode;

typedef struct lvm_config lvm_config;

/**
 * Parse LVM text metadata (`len` bytes, NUL bytes end it early, as lvm2
 * pads areas with zeros). On failure returns AWP_ECORRUPT / AWP_ELIMIT with
 * a message naming `what` and the line.
 */
int lvm_config_parse(lvm_config **out, const char *text, size_t len, const char *what);
void lvm_config_free(lvm_config *cfg);
/** The top-level section (members of the file). */
const lvm_cnode *lvm_config_root(const lvm_config *cfg);

/** Member `key` of section `sec` (NULL if absent or sec is not a section). */
const lvm_cnode *lvm_cfg_get(const lvm_cnode *sec, const char *key);
/** Member as a string, or NULL when absent or of another kind. */
const char *lvm_cfg_str(const lvm_cnode *sec, const char *key);
/** Member as an integer into *out: returns 1, or 0 when absent or of another kind. */
int lvm_cfg_int(const lvm_cnode *sec, const char *key, int64_t *out);
/** 1 if the array member `key` holds the string `flag` (status = ["READ", "VISIBLE"]). */
int lvm_cfg_has_flag(const lvm_cnode *sec, const char *key, const char *flag);

/* --- labels and metadata areas (lvm_label.c) ---------------------------- */

/** LVM's CRC: crc32 (reflected 0xEDB88320) without final inversion, seeded by `crc`. */
uint32_t lvm_crc(uint32_t crc, const void *buf, size_t len);

/** One copy of the metadata text found on a PV. */
typedef struct lvm_mda_text {
	char *text; /* NUL-terminated, owned */
	size_t len;
	uint64_t where; /* byte offset on the PV of the mda header, for messages */
} lvm_mda_text;

typedef struct lvm_pv_label {
	char uuid[33];      /* 32 characters, no dashes, NUL-terminated */
	uint64_t dev_size;  /* bytes, from the pv_header */
	lvm_mda_text mdas[AWP_MAX_LVM_MDAS];
	size_t nmdas;
} lvm_pv_label;

/**
 * Read the label, pv_header and every metadata area of `src`. Checksum
 * mismatches and unreadable areas are warnings on `d` (which may be NULL);
 * the metadata text of each area whose header is sane is returned.
 * @return 1 when a label was found, 0 when there is none, AWP_ENOMEM, or
 *         AWP_ECORRUPT for a label too damaged to use (also warned)
 */
int lvm_label_read(lvm_pv_label *out, awp_source *src, const char *name, awp_disk *d);
void lvm_label_clear(lvm_pv_label *pv);

/* --- assembly (lvm.c) --------------------------------------------------- */

/**
 * Assemble the volume groups found on the PV sources `pvs[0..n)` (which may
 * come from different disks; `pv_names` name them in messages, may be NULL)
 * and append one AWP_VOL_LVM volume per visible logical volume to `target`.
 * Sources of readable LVs reference the PV sources. Damage is a warning on
 * `target`; LVs that cannot be mapped are listed with a reason code.
 * @return 1 when at least one VG was found, 0 when none, AWP_ENOMEM
 */
int awp_lvm_assemble(awp_disk *target, awp_source *const *pvs, const char *const *pv_names, size_t n);

#endif
