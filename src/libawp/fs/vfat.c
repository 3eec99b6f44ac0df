/*
 * fs/vfat.c - a read-only FAT12/16/32 reader (EFI system partitions, boot
 * partitions, USB-style data volumes).
 *
 * Layout and FAT type rules follow Microsoft's FAT specification (see
 * vfat_int.h). Two deliberate deviations, both as Linux does: a BPB whose
 * 16-bit FAT size is 0 is FAT32 whatever its cluster count (mkfs.fat -F 32
 * makes small FAT32 volumes below 65525 clusters), and a FAT too small for
 * the cluster count clamps the count instead of failing.
 *
 * Inode numbers: the root is 1. A directory is (1 << 63) | its first
 * cluster, so two entries pointing at the same directory (a loop in a
 * damaged volume) give the same inode and the walker enters it once; its
 * attributes and time come from its own "." entry. A file is the byte offset
 * of its short directory entry in the volume (a multiple of 32, never 1).
 *
 * Invariants: every cluster number is checked against 2..nclusters+1 before
 * use; cluster chains are bounded (a file's by its size, a directory's by the
 * spec's 65536 entries) and checked for repeats (Brent's cycle detection
 * while walking, then an exact overlap check of the runs); the FAT is read
 * through a 64 KiB window, never loaded whole.
 */
#include <awp/sys/fs.h>

#include "fs/vfat_int.h"
#include "util/bytes.h"
#include "util/utf8.h"
#include "util/error.h"
#include "util/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define VFAT_ROOT_INO 1u
#define VFAT_DIR_TAG (1ull << 63)

struct vfat {
	awp_source *src;
	char *name;
	unsigned fat_bits;        /* 12, 16 or 32 */
	uint32_t bps, cluster_bytes;
	uint64_t fat_off;         /* byte offset of the FAT in use */
	uint64_t fat_bytes;       /* bytes of it that describe clusters 0..nclusters+1 */
	uint64_t root_off;        /* FAT12/16 fixed root directory */
	uint32_t root_bytes;
	uint32_t root_cluster;    /* FAT32 */
	uint64_t data_off;
	uint32_t nclusters;       /* data clusters are numbered 2..nclusters+1 */
	uint8_t *win;             /* FAT window */
	uint64_t win_start;
	size_t win_len;
	int win_valid;
	char label[48];
	char uuid[16];
	char warning[160];
};

struct run {
	uint32_t start, count;    /* clusters start..start+count-1 */
	uint64_t idx;             /* index of `start` within the chain */
};

struct chain {
	struct run *runs;
	size_t n, cap;
	uint64_t clusters;
};

struct vfat_file {
	struct vfat *v;
	uint64_t ino;
	struct chain ch;
	size_t last;              /* run of the previous read (sequential reads) */
};

/* CP437 bytes 0x80-0xFF as Unicode (the OEM code page Linux assumes). */
static const uint16_t cp437_high[128] = {
	0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7, 0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE, 0x00EC, 0x00C4, 0x00C5,
	0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9, 0x00FF, 0x00D6, 0x00DC, 0x00A2, 0x00A3, 0x00A5, 0x20A7, 0x0192,
	0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA, 0x00BA, 0x00BF, 0x2310, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB,
	0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556, 0x2555, 0x2563, 0x2551, 0x2557, 0x255D, 0x255C, 0x255B, 0x2510,
	0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F, 0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567,
	0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256B, 0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580,
	0x03B1, 0x00DF, 0x0393, 0x03C0, 0x03A3, 0x03C3, 0x00B5, 0x03C4, 0x03A6, 0x0398, 0x03A9, 0x03B4, 0x221E, 0x03C6, 0x03B5, 0x2229,
	0x2261, 0x00B1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00F7, 0x2248, 0x00B0, 0x2219, 0x00B7, 0x221A, 0x207F, 0x00B2, 0x25A0, 0x00A0,
};

static int fail(const struct vfat *v, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(const struct vfat *v, int code, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return awp_error_set(code, "vfat (%s): %s", v->name, msg);
}

/* --- names ----------------------------------------------------------------- */

static size_t put_utf8(char *out, size_t cap, size_t pos, uint32_t cp)
{
	char b[4];
	size_t n = awp_utf8_encode(cp, b);
	if (pos + n >= cap)
		return pos;
	memcpy(out + pos, b, n);
	return pos + n;
}

/* One OEM byte of a short name as Unicode, lowered when the NT case flag says so. */
static uint32_t oem_char(uint8_t c, int lower)
{
	uint32_t cp = c < 0x80 ? c : cp437_high[c - 0x80];
	if (c < 0x20)
		cp = 0xFFFD;
	if (lower && ((cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)))
		cp += 0x20;
	return cp;
}

/* The 8.3 name of a short entry ("README.TXT", "readme.txt" with case flags). */
static void short_name(const uint8_t *e, char *out, size_t cap)
{
	size_t blen = 8, elen = 3, pos = 0;
	while (blen > 0 && e[blen - 1] == ' ')
		blen--;
	while (elen > 0 && e[8 + elen - 1] == ' ')
		elen--;
	for (size_t i = 0; i < blen; i++) {
		uint8_t c = (i == 0 && e[0] == VFAT_DIR_KANJI_E5) ? 0xE5 : e[i];
		pos = put_utf8(out, cap, pos, oem_char(c, e[12] & VFAT_NTRES_LOWER_BASE));
	}
	if (elen) {
		pos = put_utf8(out, cap, pos, '.');
		for (size_t i = 0; i < elen; i++)
			pos = put_utf8(out, cap, pos, oem_char(e[8 + i], e[12] & VFAT_NTRES_LOWER_EXT));
	}
	out[pos] = '\0';
}

/* A volume label entry or BPB label: 11 OEM bytes, trailing spaces trimmed. */
static void label_text(const uint8_t *p, char *out, size_t cap)
{
	size_t len = 11, pos = 0;
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\0'))
		len--;
	for (size_t i = 0; i < len; i++)
		pos = put_utf8(out, cap, pos, oem_char(p[i], 0));
	out[pos] = '\0';
}

static uint8_t short_checksum(const uint8_t *e)
{
	uint8_t sum = 0;
	for (int i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + e[i]);
	return sum;
}

/* Long file name assembly (spec section 7): entries are stored last part
 * first, ord N|0x40 down to 1, each carrying the short entry's checksum. */
struct lfn {
	int count;       /* entries announced by the first one; 0 = none in progress */
	int expect;      /* ord of the entry seen last */
	uint8_t csum;
	uint16_t u[AWP_VFAT_MAX_LFN_ENTRIES * VFAT_LFN_CHARS];
};

static const uint8_t lfn_offsets[VFAT_LFN_CHARS] = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};

static void lfn_add(struct lfn *l, const uint8_t *e)
{
	int ord = e[0] & 0x3F;
	if ((e[0] & 0x80) || ord < 1 || ord > AWP_VFAT_MAX_LFN_ENTRIES || e[12] != 0) {
		l->count = 0;
		return;
	}
	if (e[0] & VFAT_LFN_LAST) {
		l->count = ord;
		l->csum = e[13];
	} else if (!l->count || ord != l->expect - 1 || e[13] != l->csum) {
		l->count = 0;
		return;
	}
	l->expect = ord;
	for (int i = 0; i < VFAT_LFN_CHARS; i++)
		l->u[(ord - 1) * VFAT_LFN_CHARS + i] = awp_le16(e, VFAT_DIRENT_SIZE, lfn_offsets[i]);
}

/* The long name for short entry e into out, or 0 when there is no valid one. */
static int lfn_name(const struct lfn *l, const uint8_t *e, char *out, size_t cap)
{
	if (!l->count || l->expect != 1 || l->csum != short_checksum(e))
		return 0;
	size_t n = (size_t)l->count * VFAT_LFN_CHARS, pos = 0;
	for (size_t i = 0; i < n && l->u[i] != 0; i++) {
		uint32_t cp = l->u[i];
		if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < n && l->u[i + 1] >= 0xDC00 && l->u[i + 1] <= 0xDFFF) {
			cp = 0x10000 + ((cp - 0xD800) << 10) + (l->u[i + 1] - 0xDC00);
			i++;
		} else if (cp >= 0xD800 && cp <= 0xDFFF) {
			cp = 0xFFFD; /* unpaired surrogate */
		}
		pos = put_utf8(out, cap, pos, cp);
	}
	out[pos] = '\0';
	return pos > 0;
}

/* --- FAT and cluster chains -------------------------------------------------- */

static int cluster_ok(const struct vfat *v, uint32_t c)
{
	return c >= 2 && c - 2 < v->nclusters;
}

static uint64_t cluster_off(const struct vfat *v, uint32_t c)
{
	return v->data_off + (uint64_t)(c - 2) * v->cluster_bytes;
}

static uint32_t eoc_min(const struct vfat *v)
{
	return v->fat_bits == 12 ? 0xFF8u : v->fat_bits == 16 ? 0xFFF8u : 0x0FFFFFF8u;
}

/* FAT entry of cluster n (n <= nclusters + 1). */
static int fat_get(struct vfat *v, uint32_t n, uint32_t *out)
{
	uint64_t off = v->fat_bits == 12 ? (uint64_t)n + n / 2 : (uint64_t)n * (v->fat_bits / 8);
	size_t w = v->fat_bits == 32 ? 4 : 2;
	if (off + w > v->fat_bytes)
		return fail(v, AWP_ECORRUPT, "cluster %u: FAT entry outside the FAT", n);
	if (!v->win_valid || off < v->win_start || off + w > v->win_start + v->win_len) {
		uint64_t start = off - off % VFAT_FAT_WINDOW;
		if (off + w > start + VFAT_FAT_WINDOW)
			start = off; /* a FAT12 entry straddling the window's end */
		size_t len = v->fat_bytes - start < VFAT_FAT_WINDOW ? (size_t)(v->fat_bytes - start) : VFAT_FAT_WINDOW;
		v->win_valid = 0;
		int err = awp_source_read(v->src, v->win, len, v->fat_off + start);
		if (err < 0)
			return awp_error_prefix(err, "vfat (%s): reading the FAT: ", v->name);
		v->win_start = start;
		v->win_len = len;
		v->win_valid = 1;
	}
	size_t p = (size_t)(off - v->win_start);
	uint32_t val;
	if (v->fat_bits == 12) {
		val = awp_le16(v->win, v->win_len, p);
		val = (n & 1) ? val >> 4 : val & 0xFFF;
	} else if (v->fat_bits == 16) {
		val = awp_le16(v->win, v->win_len, p);
	} else {
		val = awp_le32(v->win, v->win_len, p) & 0x0FFFFFFFu;
	}
	*out = val;
	return 0;
}

static int by_start(const void *a, const void *b)
{
	uint32_t x = ((const struct run *)a)->start, y = ((const struct run *)b)->start;
	return x < y ? -1 : x > y;
}

/* First cluster used twice in the chain, or 0 when none is. */
static int chain_repeat(const struct chain *ch, uint32_t *dup)
{
	*dup = 0;
	if (ch->n < 2)
		return 0;
	struct run *s = awp_reallocarray(NULL, ch->n, sizeof(*s));
	if (!s)
		return AWP_ENOMEM;
	memcpy(s, ch->runs, ch->n * sizeof(*s));
	qsort(s, ch->n, sizeof(*s), by_start);
	for (size_t i = 0; i + 1 < ch->n; i++)
		if ((uint64_t)s[i].start + s[i].count > s[i + 1].start) {
			*dup = s[i + 1].start;
			break;
		}
	free(s);
	return 0;
}

static int chain_add(struct vfat *v, struct chain *ch, uint32_t c, const char *what)
{
	struct run *last = ch->n ? &ch->runs[ch->n - 1] : NULL;
	if (last && (uint64_t)last->start + last->count == c) {
		last->count++;
	} else {
		if (ch->n >= AWP_VFAT_MAX_RUNS)
			return fail(v, AWP_ELIMIT, "%s: more than %u fragments", what, AWP_VFAT_MAX_RUNS);
		if (AWP_GROW(ch->runs, ch->cap, ch->n + 1) < 0)
			return AWP_ENOMEM;
		ch->runs[ch->n++] = (struct run){c, 1, ch->clusters};
	}
	ch->clusters++;
	return 0;
}

/*
 * Follow the chain from `first`. want > 0: exactly `want` clusters are needed
 * (a file; a shorter chain is damage, the rest of a longer one is ignored).
 * want == 0: up to the end-of-chain mark, at most `max` clusters (a directory).
 */
static int chain_load(struct vfat *v, uint32_t first, uint64_t want, uint64_t max, const char *what,
		      struct chain *ch)
{
	uint32_t cur = first, tortoise = first, dup = 0;
	uint64_t power = 1, lam = 0;
	int err;
	memset(ch, 0, sizeof(*ch));
	for (;;) {
		if (!cluster_ok(v, cur)) {
			err = fail(v, AWP_ECORRUPT, "%s: cluster chain reaches cluster %u, outside 2..%u", what, cur,
				   v->nclusters + 1);
			goto fail;
		}
		if (ch->clusters >= max) {
			if ((err = chain_repeat(ch, &dup)) < 0)
				goto fail;
			err = dup ? fail(v, AWP_ECORRUPT, "%s: cluster chain loops (cluster %u repeats)", what, dup)
				  : fail(v, AWP_ECORRUPT, "%s: cluster chain longer than %llu clusters", what,
					 (unsigned long long)max);
			goto fail;
		}
		if ((err = chain_add(v, ch, cur, what)) < 0)
			goto fail;
		if (want && ch->clusters == want)
			break;
		uint32_t next;
		if ((err = fat_get(v, cur, &next)) < 0)
			goto fail;
		if (next >= eoc_min(v)) {
			if (want) {
				err = fail(v, AWP_ECORRUPT, "%s: cluster chain ends after %llu of %llu clusters", what,
					   (unsigned long long)ch->clusters, (unsigned long long)want);
				goto fail;
			}
			break;
		}
		if (next == 0) {
			err = fail(v, AWP_ECORRUPT, "%s: cluster %u links to a free cluster", what, cur);
			goto fail;
		}
		cur = next;
		/* Brent: stop a long loop early instead of walking it up to the cap. */
		if (cur == tortoise) {
			err = fail(v, AWP_ECORRUPT, "%s: cluster chain loops (cluster %u repeats)", what, cur);
			goto fail;
		}
		if (++lam == power) {
			tortoise = cur;
			power <<= 1;
			lam = 0;
		}
	}
	if ((err = chain_repeat(ch, &dup)) < 0)
		goto fail;
	if (dup) {
		err = fail(v, AWP_ECORRUPT, "%s: cluster chain loops (cluster %u repeats)", what, dup);
		goto fail;
	}
	return 0;
fail:
	free(ch->runs);
	memset(ch, 0, sizeof(*ch));
	return err;
}

/* --- directories -------------------------------------------------------------- */

static uint32_t entry_cluster(const struct vfat *v, const uint8_t *e)
{
	uint32_t c = awp_le16(e, VFAT_DIRENT_SIZE, 26);
	if (v->fat_bits == 32)
		c |= (uint32_t)awp_le16(e, VFAT_DIRENT_SIZE, 20) << 16;
	return c;
}

static uint64_t dir_ino_of(const struct vfat *v, uint32_t cluster)
{
	if (cluster == 0 || (v->fat_bits == 32 && cluster == v->root_cluster))
		return VFAT_ROOT_INO; /* ".." convention: cluster 0 is the root */
	return VFAT_DIR_TAG | cluster;
}

static int is_dot_entry(const uint8_t *e)
{
	return memcmp(e, ".          ", 11) == 0 || memcmp(e, "..         ", 11) == 0;
}

/* A complete short entry met in a directory, with its name. */
struct vent {
	const uint8_t *raw;
	uint64_t off;       /* byte offset of the short entry in the volume */
	const char *name;   /* long name when valid, else the 8.3 name; "" for labels */
	int is_label;
};

typedef int (*vent_cb)(struct vfat *v, const struct vent *e, void *payload);

struct dir_region {
	uint64_t off, len;
};

/* Call cb for every live short entry of directory `ino`; a nonzero return stops. */
static int dir_scan(struct vfat *v, uint64_t ino, vent_cb cb, void *payload)
{
	struct chain ch = {0};
	struct dir_region one, *regions = &one;
	size_t nregions = 1;
	uint8_t *buf = NULL;
	struct lfn *lfn = NULL;
	char *name = NULL;
	enum { NAME_CAP = AWP_VFAT_MAX_LFN_ENTRIES * VFAT_LFN_CHARS * 3 + 8 };
	int err = 0;

	if (ino == VFAT_ROOT_INO && v->fat_bits != 32) {
		one = (struct dir_region){v->root_off, v->root_bytes};
	} else {
		uint32_t c = ino == VFAT_ROOT_INO ? v->root_cluster : (uint32_t)(ino & ~VFAT_DIR_TAG);
		if (ino != VFAT_ROOT_INO && (!(ino & VFAT_DIR_TAG) || (ino & ~VFAT_DIR_TAG) > UINT32_MAX))
			return fail(v, AWP_EINVAL, "inode %llu is not a directory", (unsigned long long)ino);
		char what[64];
		snprintf(what, sizeof what, "directory at cluster %u", c);
		uint64_t max = (AWP_VFAT_MAX_DIR_BYTES + v->cluster_bytes - 1) / v->cluster_bytes;
		if (max > v->nclusters)
			max = v->nclusters;
		if ((err = chain_load(v, c, 0, max, what, &ch)) < 0)
			return err;
		nregions = ch.n;
		regions = awp_reallocarray(NULL, nregions, sizeof(*regions));
		if (!regions) {
			err = AWP_ENOMEM;
			regions = &one;
			goto done;
		}
		for (size_t i = 0; i < ch.n; i++)
			regions[i] = (struct dir_region){cluster_off(v, ch.runs[i].start),
							 (uint64_t)ch.runs[i].count * v->cluster_bytes};
	}
	buf = awp_malloc(VFAT_DIR_CHUNK);
	lfn = awp_calloc(1, sizeof(*lfn));
	name = awp_malloc(NAME_CAP);
	if (!buf || !lfn || !name) {
		err = AWP_ENOMEM;
		goto done;
	}
	for (size_t r = 0; r < nregions; r++) {
		for (uint64_t pos = 0; pos < regions[r].len;) {
			size_t n = regions[r].len - pos < VFAT_DIR_CHUNK ? (size_t)(regions[r].len - pos) : VFAT_DIR_CHUNK;
			n -= n % VFAT_DIRENT_SIZE;
			if (n == 0)
				break;
			if ((err = awp_source_read(v->src, buf, n, regions[r].off + pos)) < 0) {
				err = awp_error_prefix(err, "vfat (%s): reading directory %llu: ", v->name,
						       (unsigned long long)ino);
				goto done;
			}
			for (size_t i = 0; i < n; i += VFAT_DIRENT_SIZE) {
				const uint8_t *e = buf + i;
				if (e[0] == VFAT_DIR_FREE_ALL)
					goto done; /* this and every later entry are free */
				if (e[0] == VFAT_DIR_DELETED) {
					lfn->count = 0;
					continue;
				}
				if ((e[11] & VFAT_ATTR_LONG_NAME_MASK) == VFAT_ATTR_LONG_NAME) {
					lfn_add(lfn, e);
					continue;
				}
				struct vent ve = {.raw = e, .off = regions[r].off + pos + i, .name = name};
				if (e[11] & VFAT_ATTR_VOLUME_ID) {
					ve.is_label = 1;
					name[0] = '\0';
				} else if (!lfn_name(lfn, e, name, NAME_CAP)) {
					short_name(e, name, NAME_CAP);
				}
				lfn->count = 0;
				if ((err = cb(v, &ve, payload)) != 0)
					goto done;
			}
			pos += n;
		}
	}
done:
	if (regions != &one)
		free(regions);
	free(ch.runs);
	free(buf);
	free(lfn);
	free(name);
	return err;
}

/* --- stat ------------------------------------------------------------------- */

static int64_t days_from_1970(int y, int m, int d)
{
	static const int cum[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	int64_t leaps = (y - 1) / 4 - (y - 1) / 100 + (y - 1) / 400 - (1969 / 4 - 1969 / 100 + 1969 / 400);
	return (int64_t)(y - 1970) * 365 + leaps + cum[m - 1] + (m > 2 && leap) + d - 1;
}

/* FAT date/time (local time of the writer, taken as UTC) to epoch seconds. */
static int64_t fat_time(uint16_t date, uint16_t time)
{
	int y = 1980 + (date >> 9), m = (date >> 5) & 15, d = date & 31;
	if (date == 0 || m < 1 || m > 12 || d < 1)
		return 0;
	int hh = time >> 11, mi = (time >> 5) & 63, ss = (time & 31) * 2;
	return days_from_1970(y, m, d) * 86400 + hh * 3600 + mi * 60 + ss;
}

static void stat_from_entry(const struct vfat *v, const uint8_t *e, awp_stat *out)
{
	int ro = e[11] & VFAT_ATTR_READ_ONLY;
	out->mtime = fat_time(awp_le16(e, VFAT_DIRENT_SIZE, 24), awp_le16(e, VFAT_DIRENT_SIZE, 22));
	if (out->type == AWP_FT_DIR) {
		out->mode = ro ? 0555 : 0755;
	} else {
		out->mode = ro ? 0444 : 0644;
		out->size = awp_le32(e, VFAT_DIRENT_SIZE, 28);
		out->allocated = (out->size + v->cluster_bytes - 1) / v->cluster_bytes * v->cluster_bytes;
	}
}

/* Read and check the short entry behind a file inode. */
static int file_entry(struct vfat *v, uint64_t ino, uint8_t e[VFAT_DIRENT_SIZE])
{
	int in_root = v->fat_bits != 32 && ino >= v->root_off && ino - v->root_off < v->root_bytes;
	int in_data = ino >= v->data_off && ino - v->data_off < (uint64_t)v->nclusters * v->cluster_bytes;
	if ((ino & VFAT_DIR_TAG) || ino % VFAT_DIRENT_SIZE || (!in_root && !in_data))
		return fail(v, AWP_EINVAL, "inode %llu does not name a directory entry", (unsigned long long)ino);
	int err = awp_source_read(v->src, e, VFAT_DIRENT_SIZE, ino);
	if (err < 0)
		return awp_error_prefix(err, "vfat (%s): entry at byte %llu: ", v->name, (unsigned long long)ino);
	if (e[0] == VFAT_DIR_FREE_ALL || e[0] == VFAT_DIR_DELETED ||
	    (e[11] & VFAT_ATTR_LONG_NAME_MASK) == VFAT_ATTR_LONG_NAME ||
	    (e[11] & (VFAT_ATTR_VOLUME_ID | VFAT_ATTR_DIRECTORY)))
		return fail(v, AWP_ECORRUPT, "entry at byte %llu is not a file", (unsigned long long)ino);
	return 0;
}

static int vfat_stat(void *ctx, uint64_t ino, awp_stat *out)
{
	struct vfat *v = ctx;
	uint8_t e[VFAT_DIRENT_SIZE];
	memset(out, 0, sizeof(*out));
	out->ino = ino;
	if (ino == VFAT_ROOT_INO) {
		out->type = AWP_FT_DIR;
		out->mode = 0755;
		out->nlink = 2;
		return 0;
	}
	if (ino & VFAT_DIR_TAG) {
		uint64_t c = ino & ~VFAT_DIR_TAG;
		if (c > UINT32_MAX || !cluster_ok(v, (uint32_t)c))
			return fail(v, AWP_ECORRUPT, "directory at cluster %llu: outside 2..%u", (unsigned long long)c,
				    v->nclusters + 1);
		out->type = AWP_FT_DIR;
		out->mode = 0755;
		out->nlink = 2;
		int err = awp_source_read(v->src, e, sizeof e, cluster_off(v, (uint32_t)c));
		if (err < 0)
			return awp_error_prefix(err, "vfat (%s): directory at cluster %llu: ", v->name,
						(unsigned long long)c);
		if (memcmp(e, ".          ", 11) == 0)
			stat_from_entry(v, e, out);
		return 0;
	}
	int err = file_entry(v, ino, e);
	if (err < 0)
		return err;
	out->type = AWP_FT_REG;
	out->nlink = 1;
	stat_from_entry(v, e, out);
	return 0;
}

/* --- readdir / lookup ------------------------------------------------------------ */

struct rd {
	awp_dirent_cb cb;
	void *payload;
};

static int skip_entry(const struct vent *e)
{
	return e->is_label || is_dot_entry(e->raw) || e->name[0] == '\0' || strcmp(e->name, ".") == 0 ||
	       strcmp(e->name, "..") == 0;
}

static void to_dirent(struct vfat *v, const struct vent *e, awp_dirent *d)
{
	int dir = e->raw[11] & VFAT_ATTR_DIRECTORY;
	d->name = e->name;
	d->type = dir ? AWP_FT_DIR : AWP_FT_REG;
	d->ino = dir ? dir_ino_of(v, entry_cluster(v, e->raw)) : e->off;
}

static int readdir_cb(struct vfat *v, const struct vent *e, void *payload)
{
	struct rd *r = payload;
	if (skip_entry(e))
		return 0;
	awp_dirent d;
	to_dirent(v, e, &d);
	return r->cb(&d, r->payload);
}

static int vfat_readdir(void *ctx, uint64_t dir_ino, awp_dirent_cb cb, void *payload)
{
	struct rd r = {cb, payload};
	return dir_scan(ctx, dir_ino, readdir_cb, &r);
}

struct lk {
	const char *name;
	uint64_t ino;
	int found;       /* 2 exact, 1 case-insensitive */
};

static int lookup_cb(struct vfat *v, const struct vent *e, void *payload)
{
	struct lk *l = payload;
	if (skip_entry(e))
		return 0;
	int exact = strcmp(e->name, l->name) == 0;
	if (!exact && (l->found || strcasecmp(e->name, l->name) != 0))
		return 0;
	awp_dirent d;
	to_dirent(v, e, &d);
	l->ino = d.ino;
	l->found = exact ? 2 : 1;
	return exact;
}

/* FAT names are case-insensitive: an exact match wins, else the first ASCII
 * case-insensitive one (as a mounted volume would resolve it). */
static int vfat_lookup(void *ctx, uint64_t dir_ino, const char *name, uint64_t *ino)
{
	struct lk l = {name, 0, 0};
	int err = dir_scan(ctx, dir_ino, lookup_cb, &l);
	if (err < 0)
		return err;
	if (!l.found)
		return AWP_ENOTFOUND;
	*ino = l.ino;
	return 0;
}

static int vfat_readlink(void *ctx, uint64_t ino, char **out)
{
	(void)out;
	return fail(ctx, AWP_EINVAL, "inode %llu: FAT has no symbolic links", (unsigned long long)ino);
}

/* --- files -------------------------------------------------------------------- */

static int vfat_file_open(void *ctx, uint64_t ino, void **fh, uint64_t *size)
{
	struct vfat *v = ctx;
	uint8_t e[VFAT_DIRENT_SIZE];
	if (ino == VFAT_ROOT_INO || (ino & VFAT_DIR_TAG))
		return fail(v, AWP_EINVAL, "inode %llu is a directory", (unsigned long long)ino);
	int err = file_entry(v, ino, e);
	if (err < 0)
		return err;
	struct vfat_file *f = awp_calloc(1, sizeof(*f));
	if (!f)
		return AWP_ENOMEM;
	f->v = v;
	f->ino = ino;
	uint64_t len = awp_le32(e, sizeof e, 28);
	uint64_t want = (len + v->cluster_bytes - 1) / v->cluster_bytes;
	uint32_t first = entry_cluster(v, e);
	char what[64];
	snprintf(what, sizeof what, "file at byte %llu", (unsigned long long)ino);
	if (want > v->nclusters) {
		err = fail(v, AWP_ECORRUPT, "%s: size %llu exceeds the volume", what, (unsigned long long)len);
		goto fail;
	}
	if (want && (err = chain_load(v, first, want, want, what, &f->ch)) < 0)
		goto fail;
	*fh = f;
	*size = len;
	return 0;
fail:
	free(f);
	return err;
}

static int vfat_file_read(void *fh, void *buf, size_t len, uint64_t off, size_t *nread)
{
	struct vfat_file *f = fh;
	struct vfat *v = f->v;
	size_t done = 0;
	while (done < len) {
		uint64_t pos = off + done, idx = pos / v->cluster_bytes;
		const struct run *r = NULL;
		if (f->last < f->ch.n && idx >= f->ch.runs[f->last].idx &&
		    idx - f->ch.runs[f->last].idx < f->ch.runs[f->last].count) {
			r = &f->ch.runs[f->last];
		} else {
			size_t lo = 0, hi = f->ch.n;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				if (f->ch.runs[mid].idx + f->ch.runs[mid].count <= idx)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo < f->ch.n && idx >= f->ch.runs[lo].idx) {
				r = &f->ch.runs[lo];
				f->last = lo;
			}
		}
		if (!r)
			return fail(v, AWP_ECORRUPT, "file at byte %llu: offset %llu beyond its clusters",
				    (unsigned long long)f->ino, (unsigned long long)pos);
		uint64_t in = pos % v->cluster_bytes;
		uint64_t avail = (r->idx + r->count - idx) * v->cluster_bytes - in;
		size_t n = len - done < avail ? len - done : (size_t)avail;
		uint64_t src_off = cluster_off(v, (uint32_t)(r->start + (idx - r->idx))) + in;
		int err = awp_source_read(v->src, (uint8_t *)buf + done, n, src_off);
		if (err < 0)
			return awp_error_prefix(err, "vfat (%s): file at byte %llu: ", v->name,
						(unsigned long long)f->ino);
		done += n;
	}
	*nread = done;
	return 0;
}

static void vfat_file_close(void *fh)
{
	struct vfat_file *f = fh;
	if (!f)
		return;
	free(f->ch.runs);
	free(f);
}

/* --- probe / open ------------------------------------------------------------- */

static int bpb_basic_ok(const uint8_t *bs)
{
	uint16_t bps = awp_le16(bs, 512, VFAT_BPB_BYTS_PER_SEC);
	uint8_t spc = bs[VFAT_BPB_SEC_PER_CLUS];
	return bs[510] == 0x55 && bs[511] == 0xAA && (bs[0] == 0xEB || bs[0] == 0xE9) && bps >= 512 &&
	       bps <= 4096 && !(bps & (bps - 1)) && spc && !(spc & (spc - 1));
}

static int vfat_probe(awp_source *src)
{
	uint8_t bs[512];
	if (awp_source_size(src) < sizeof bs || awp_source_read(src, bs, sizeof bs, 0) < 0)
		return 0;
	if (!bpb_basic_ok(bs))
		return 0;
	/* The type string is informational, but with it a damaged BPB gets a
	 * "corrupt" verdict from open instead of "not a filesystem". */
	if (memcmp(bs + 0x36, "FAT", 3) == 0 || memcmp(bs + 0x52, "FAT32", 5) == 0)
		return 1;
	return awp_le16(bs, 512, VFAT_BPB_RSVD_SEC_CNT) > 0 && bs[VFAT_BPB_NUM_FATS] > 0;
}

struct label_scan {
	char *out;
	size_t cap;
};

static int label_cb(struct vfat *v, const struct vent *e, void *payload)
{
	(void)v;
	struct label_scan *l = payload;
	if (!e->is_label || (e->raw[11] & VFAT_ATTR_DIRECTORY))
		return 0;
	label_text(e->raw, l->out, l->cap);
	return 1;
}

/* Bounded count of allocated clusters; 0 when unknown. */
static int count_used(struct vfat *v, uint16_t fsinfo_sec, uint16_t rsvd, uint64_t *used)
{
	*used = 0;
	if (v->fat_bytes <= AWP_VFAT_MAX_USED_SCAN_BYTES && v->fat_bits != 12) {
		/* FAT16/32: whole windows, entries counted in place (every target
		 * open probes the EFI partition: one call per entry cost 0.3 ms) */
		size_t w = v->fat_bits / 8;
		uint64_t n = 0, first = 2, end = (uint64_t)v->nclusters + 2;
		if (end * w > v->fat_bytes)
			return fail(v, AWP_ECORRUPT, "the FAT holds fewer entries than the %u clusters", v->nclusters);
		for (uint64_t c = first; c < end;) {
			uint32_t val;
			int err = fat_get(v, (uint32_t)c, &val); /* loads the window holding c */
			if (err < 0)
				return err;
			size_t p = (size_t)(c * w - v->win_start);
			uint64_t last = (v->win_start + v->win_len) / w;
			if (last > end)
				last = end;
			for (; c < last; c++, p += w)
				n += (w == 4 ? awp_le32(v->win, v->win_len, p) & 0x0FFFFFFFu : awp_le16(v->win, v->win_len, p)) != 0;
		}
		*used = n * v->cluster_bytes;
		return 0;
	}
	if (v->fat_bytes <= AWP_VFAT_MAX_USED_SCAN_BYTES) {
		uint64_t n = 0;
		for (uint32_t c = 2; c - 2 < v->nclusters; c++) {
			uint32_t val;
			int err = fat_get(v, c, &val);
			if (err < 0)
				return err;
			n += val != 0;
		}
		*used = n * v->cluster_bytes;
		return 0;
	}
	if (v->fat_bits == 32 && fsinfo_sec >= 1 && fsinfo_sec < rsvd) {
		uint8_t fsi[512];
		if (awp_source_read(v->src, fsi, sizeof fsi, (uint64_t)fsinfo_sec * v->bps) == 0 &&
		    awp_le32(fsi, sizeof fsi, 0) == VFAT_FSI_LEAD_SIG &&
		    awp_le32(fsi, sizeof fsi, VFAT_FSI_STRUC_SIG_OFF) == VFAT_FSI_STRUC_SIG) {
			uint32_t free_cl = awp_le32(fsi, sizeof fsi, VFAT_FSI_FREE_COUNT_OFF);
			if (free_cl <= v->nclusters)
				*used = (uint64_t)(v->nclusters - free_cl) * v->cluster_bytes;
		}
	}
	return 0;
}

static void vfat_close(void *ctx)
{
	struct vfat *v = ctx;
	if (!v)
		return;
	awp_source_free(v->src);
	free(v->win);
	free(v->name);
	free(v);
}

static int vfat_open(void **ctx, awp_source *src, const char *name, awp_fs_info *info, uint64_t *root_ino)
{
	uint8_t bs[512];
	int err;
	struct vfat *v = awp_calloc(1, sizeof(*v));
	if (!v)
		return AWP_ENOMEM;
	v->src = awp_source_ref(src);
	v->name = awp_strdup(name ? name : awp_source_name(src));
	v->win = awp_malloc(VFAT_FAT_WINDOW);
	if (!v->name || !v->win) {
		err = AWP_ENOMEM;
		goto fail;
	}
	uint64_t src_size = awp_source_size(src);
	if (src_size < sizeof bs) {
		err = fail(v, AWP_ECORRUPT, "volume of %llu bytes is too small", (unsigned long long)src_size);
		goto fail;
	}
	if ((err = awp_source_read(src, bs, sizeof bs, 0)) < 0) {
		err = awp_error_prefix(err, "vfat (%s): boot sector: ", v->name);
		goto fail;
	}

	/* BPB (spec section 3.1). */
	uint32_t bps = awp_le16(bs, sizeof bs, VFAT_BPB_BYTS_PER_SEC);
	uint32_t spc = bs[VFAT_BPB_SEC_PER_CLUS];
	uint32_t rsvd = awp_le16(bs, sizeof bs, VFAT_BPB_RSVD_SEC_CNT);
	uint32_t nfats = bs[VFAT_BPB_NUM_FATS];
	uint32_t root_ent = awp_le16(bs, sizeof bs, VFAT_BPB_ROOT_ENT_CNT);
	uint32_t fatsz16 = awp_le16(bs, sizeof bs, VFAT_BPB_FAT_SZ16);
	uint64_t fatsz = fatsz16 ? fatsz16 : awp_le32(bs, sizeof bs, VFAT_BPB32_FAT_SZ32);
	uint64_t totsec = awp_le16(bs, sizeof bs, VFAT_BPB_TOT_SEC16);
	if (totsec == 0)
		totsec = awp_le32(bs, sizeof bs, VFAT_BPB_TOT_SEC32);
	int fat32 = fatsz16 == 0;

	if (bps < 512 || bps > 4096 || (bps & (bps - 1))) {
		err = fail(v, AWP_ECORRUPT, "boot sector: %u bytes per sector", bps);
		goto fail;
	}
	if (spc == 0 || (spc & (spc - 1)) || bps * spc > AWP_VFAT_MAX_CLUSTER_BYTES) {
		err = fail(v, AWP_ECORRUPT, "boot sector: %u sectors per cluster", spc);
		goto fail;
	}
	if (rsvd == 0 || nfats == 0 || fatsz == 0 || totsec == 0) {
		err = fail(v, AWP_ECORRUPT, "boot sector: reserved sectors %u, FATs %u, FAT size %llu, total sectors %llu",
			   rsvd, nfats, (unsigned long long)fatsz, (unsigned long long)totsec);
		goto fail;
	}
	if (fat32 ? root_ent != 0 : root_ent == 0) {
		err = fail(v, AWP_ECORRUPT, "boot sector: %u root directory entries on a FAT%s volume", root_ent,
			   fat32 ? "32" : "12/16");
		goto fail;
	}
	uint64_t root_secs = ((uint64_t)root_ent * VFAT_DIRENT_SIZE + bps - 1) / bps;
	uint64_t meta = rsvd + nfats * fatsz + root_secs;
	if (meta >= totsec || (totsec - meta) / spc == 0) {
		err = fail(v, AWP_ECORRUPT, "boot sector: no data area (%llu sectors, %llu of metadata)",
			   (unsigned long long)totsec, (unsigned long long)meta);
		goto fail;
	}
	uint64_t count = (totsec - meta) / spc;
	v->fat_bits = fat32 ? 32 : count <= VFAT_FAT12_MAX_CLUSTERS ? 12 : 16;
	uint64_t type_max = v->fat_bits == 12 ? VFAT_FAT12_MAX_CLUSTERS
			    : v->fat_bits == 16 ? VFAT_FAT16_MAX_CLUSTERS : VFAT_FAT32_MAX_CLUSTERS;
	uint64_t fat_area = fatsz * bps;
	uint64_t fit = v->fat_bits == 12 ? fat_area * 2 / 3 : fat_area / (v->fat_bits / 8);
	fit = fit > 2 ? fit - 2 : 0; /* entries 0 and 1 are reserved */
	if (count > type_max)
		count = type_max;
	if (count > fit)
		count = fit;
	if (count == 0) {
		err = fail(v, AWP_ECORRUPT, "boot sector: FAT of %llu bytes holds no cluster", (unsigned long long)fat_area);
		goto fail;
	}
	v->nclusters = (uint32_t)count;
	v->bps = bps;
	v->cluster_bytes = bps * spc;
	uint64_t n_entries = count + 2;
	v->fat_bytes = v->fat_bits == 12 ? (n_entries * 3 + 1) / 2 : n_entries * (v->fat_bits / 8);
	unsigned active = 0;
	if (fat32) {
		uint16_t ext = awp_le16(bs, sizeof bs, VFAT_BPB32_EXT_FLAGS);
		if (ext & 0x80)
			active = ext & 0x0F; /* mirroring off: only this FAT is current */
		if (active >= nfats) {
			err = fail(v, AWP_ECORRUPT, "boot sector: active FAT %u of %u", active, nfats);
			goto fail;
		}
		v->root_cluster = awp_le32(bs, sizeof bs, VFAT_BPB32_ROOT_CLUS);
		if (!cluster_ok(v, v->root_cluster)) {
			err = fail(v, AWP_ECORRUPT, "boot sector: root directory cluster %u outside 2..%u",
				   v->root_cluster, v->nclusters + 1);
			goto fail;
		}
	}
	v->fat_off = ((uint64_t)rsvd + active * fatsz) * bps;
	v->root_off = ((uint64_t)rsvd + nfats * fatsz) * bps;
	v->root_bytes = root_ent * VFAT_DIRENT_SIZE;
	v->data_off = meta * bps;
	if (v->fat_off + v->fat_bytes > src_size) {
		err = fail(v, AWP_ECORRUPT, "the FAT (%llu bytes at %llu) extends beyond the volume (%llu bytes)",
			   (unsigned long long)v->fat_bytes, (unsigned long long)v->fat_off,
			   (unsigned long long)src_size);
		goto fail;
	}
	if (totsec * bps > src_size)
		snprintf(v->warning, sizeof v->warning,
			 "filesystem of %llu bytes is larger than its volume (%llu bytes); read as-is",
			 (unsigned long long)(totsec * bps), (unsigned long long)src_size);

	/* Serial and label (extended boot record; 0x28 has only the serial). */
	size_t sig_off = fat32 ? VFAT_BS32_BOOT_SIG : VFAT_BS16_BOOT_SIG;
	if (bs[sig_off] == 0x29 || bs[sig_off] == 0x28) {
		uint32_t id = awp_le32(bs, sizeof bs, fat32 ? VFAT_BS32_VOL_ID : VFAT_BS16_VOL_ID);
		snprintf(v->uuid, sizeof v->uuid, "%04X-%04X", id >> 16, id & 0xFFFF);
	}
	if (bs[sig_off] == 0x29) {
		const uint8_t *lab = bs + (fat32 ? VFAT_BS32_VOL_LAB : VFAT_BS16_VOL_LAB);
		if (memcmp(lab, "NO NAME    ", 11) != 0)
			label_text(lab, v->label, sizeof v->label);
	}
	/* The root directory's label entry is what other tools show; it wins.
	 * A damaged root is reported by readdir, not here. */
	char rl[sizeof v->label] = "";
	struct label_scan ls = {rl, sizeof rl};
	if (dir_scan(v, VFAT_ROOT_INO, label_cb, &ls) == 1 && rl[0])
		memcpy(v->label, rl, sizeof rl);

	uint64_t used = 0;
	if ((err = count_used(v, awp_le16(bs, sizeof bs, VFAT_BPB32_FS_INFO), (uint16_t)rsvd, &used)) < 0)
		goto fail;

	memset(info, 0, sizeof(*info));
	info->type = "vfat";
	info->label = v->label;
	info->uuid = v->uuid;
	info->size_bytes = totsec * bps;
	info->used_bytes = used;
	info->block_size = v->cluster_bytes;
	info->warning = v->warning[0] ? v->warning : NULL;
	*root_ino = VFAT_ROOT_INO;
	*ctx = v;
	return 0;
fail:
	vfat_close(v);
	return err;
}

const awp_fs_ops awp_fs_vfat_ops = {
	.version = AWP_FS_OPS_VERSION,
	.type = "vfat",
	.probe = vfat_probe,
	.open = vfat_open,
	.close = vfat_close,
	.stat = vfat_stat,
	.readdir = vfat_readdir,
	.readlink = vfat_readlink,
	.file_open = vfat_file_open,
	.file_read = vfat_file_read,
	.file_close = vfat_file_close,
	.lookup = vfat_lookup,
};
