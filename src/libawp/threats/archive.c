/*
 * threats/archive.c - look inside archives (zip/jar/war, tar, gzip, bzip2,
 * xz, zstd) with libarchive, from memory or streamed from the file, and
 * scan each entry like a file (YARA, hash lists, nested archives).
 *
 * Limits (options): nesting depth, entries per archive, inflated bytes per
 * top-level archive. An entry larger than one block is scanned by YARA
 * block by block (with the same overlap as files) but not hashed or opened
 * as a nested archive. Every limit hit, and every archive libarchive cannot
 * read to the end, is reported as a scan_limit threat ("not fully
 * scanned"): never passed off as clean. Memory: one block per nesting
 * level at most.
 */
#include "threats/threats_int.h"

#include "util/archive_dl.h"
#include "util/error.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

const char *awp_archive_magic(const uint8_t *b, size_t n)
{
	if (n >= 4 && !memcmp(b, "PK\x03\x04", 4))
		return "zip";
	if (n >= 3 && b[0] == 0x1f && b[1] == 0x8b && b[2] == 8)
		return "gzip";
	if (n >= 4 && !memcmp(b, "BZh", 3) && b[3] >= '1' && b[3] <= '9')
		return "bzip2";
	if (n >= 6 && !memcmp(b, "\xfd" "7zXZ\0", 6))
		return "xz";
	if (n >= 4 && !memcmp(b, "\x28\xb5\x2f\xfd", 4))
		return "zstd";
	if (n >= 262 && !memcmp(b + 257, "ustar", 5))
		return "tar";
	return NULL;
}

static int limit(scan_ctx *c, const char *path, const char *rule, const char *what)
{
	char desc[300];
	snprintf(desc, sizeof desc, "not fully scanned: %s", what);
	return awp_report_add(c->r, AWP_THREAT_SCAN_LIMIT, AWP_SEV_LOW, rule, "awp", path, 0, "", desc,
			      "Extract the archive and scan its contents, or raise the archive limits.", "");
}

static struct archive *new_reader(const char *magic)
{
	struct archive *a = archive_read_new();
	if (!a)
		return NULL;
	archive_read_support_filter_all(a);
	if (!strcmp(magic, "zip")) {
		archive_read_support_format_zip(a);
	} else if (!strcmp(magic, "tar")) {
		archive_read_support_format_tar(a);
	} else {
		/* A compressed stream: a tar inside, or one plain file (raw). */
		archive_read_support_format_tar(a);
		archive_read_support_format_cpio(a);
		archive_read_support_format_raw(a);
	}
	return a;
}

/* Scan an entry too large for one block: YARA only, block by block. */
static int big_entry(scan_ctx *c, struct archive *a, const char *epath, uint8_t *buf, size_t have,
		     uint64_t *inflated, int *stop)
{
	size_t overlap = 0;
	/* Class from the first block; the size is not known: all sizes. */
	int set = awp_rules_pick(c->db->rules, awp_scan_class(epath, buf, have), UINT64_MAX);
	for (;;) {
		size_t saved = c->nseen;
		c->nseen = 0;
		int err = awp_scan_yara(c, set, epath, buf, overlap + have, 0);
		c->nseen = saved;
		if (err < 0)
			return err;
		size_t keep = AWP_BLOCK_OVERLAP < overlap + have ? AWP_BLOCK_OVERLAP : overlap + have;
		memmove(buf, buf + overlap + have - keep, keep);
		overlap = keep;
		have = 0;
		while (overlap + have < c->block) {
			la_ssize_t n = archive_read_data(a, buf + overlap + have, c->block - overlap - have);
			if (n < 0)
				return limit(c, epath, "archive-corrupt", archive_error_string(a) ? archive_error_string(a)
												  : "damaged entry");
			if (n == 0)
				break;
			have += (size_t)n;
			*inflated += (uint64_t)n;
			if (*inflated > c->archive_inflated) {
				*stop = 1;
				return limit(c, epath, "archive-inflated", "archive inflates past the size limit");
			}
		}
		if (have == 0)
			break;
	}
	return limit(c, epath, "archive-entry-size",
		     "archive entry larger than one block: scanned by rules block by block, not hashed or opened");
}

static int scan_reader(scan_ctx *c, const char *path, struct archive *a, unsigned depth, uint64_t *inflated)
{
	struct archive_entry *ent;
	size_t entries = 0;
	int err = 0, stop = 0, rc;
	uint8_t *buf = awp_malloc(c->block + 1);
	if (!buf)
		return AWP_ENOMEM;
	c->r->stats.archives++;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	while (!stop && (rc = archive_read_next_header(a, &ent)) == ARCHIVE_OK) {
		if (++entries > c->archive_entries) {
			err = limit(c, path, "archive-entries", "archive has more entries than the limit");
			break;
		}
		if (archive_entry_filetype(ent) != AE_IFREG)
			continue;
		const char *name = archive_entry_pathname(ent);
		char raw[256];
		if (archive_format(a) == ARCHIVE_FORMAT_RAW || !name || !*name) {
			/* Compressed single file: name it after the archive without its suffix. */
			snprintf(raw, sizeof raw, "%s", base);
			char *dot = strrchr(raw, '.');
			if (dot && dot != raw)
				*dot = 0;
			name = raw;
		}
		char *epath = awp_asprintf("%s!/%.*s", path, AWP_MAX_ARCHIVE_ENTRY_NAME, name);
		if (!epath) {
			err = AWP_ENOMEM;
			break;
		}
		size_t have = 0;
		int big = 0;
		while (have < c->block) {
			la_ssize_t n = archive_read_data(a, buf + have, c->block - have);
			if (n < 0) {
				err = limit(c, epath, "archive-corrupt",
					    archive_error_string(a) ? archive_error_string(a) : "damaged entry");
				stop = 1;
				break;
			}
			if (n == 0)
				break;
			have += (size_t)n;
			*inflated += (uint64_t)n;
			if (*inflated > c->archive_inflated) {
				err = limit(c, epath, "archive-inflated", "archive inflates past the size limit");
				stop = 1;
				break;
			}
		}
		if (!stop && have == c->block) {
			/* Is there more? One byte decides. */
			la_ssize_t n = archive_read_data(a, buf + have, 1);
			if (n > 0) {
				big = 1;
				have += 1;
			}
		}
		c->r->stats.archive_entries++;
		if (err >= 0 && !stop) {
			if (big)
				err = big_entry(c, a, epath, buf, have, inflated, &stop);
			else
				err = awp_scan_entry(c, epath, buf, have, (archive_entry_mode(ent) & 0111) != 0, depth);
		}
		free(epath);
		if (err < 0)
			break;
	}
	if (err >= 0 && !stop && entries <= c->archive_entries && rc != ARCHIVE_EOF && rc != ARCHIVE_OK) {
		const char *msg = archive_error_string(a);
		/* An archive that cannot even be opened was probably not one (a
		 * file that merely starts with the magic): a warning. One that
		 * breaks half way is reported as not fully scanned. */
		if (entries == 0)
			err = awp_report_warn(c->r, "%s: not read as an archive: %s", path, msg ? msg : "unreadable");
		else
			err = limit(c, path, "archive-corrupt", msg ? msg : "archive damaged after some entries");
	}
	free(buf);
	return err;
}

int awp_scan_archive_mem(scan_ctx *c, const char *path, const uint8_t *buf, size_t len, unsigned depth)
{
	const char *magic = awp_archive_magic(buf, len);
	if (!magic)
		return 0;
	if (awp_archive_load() < 0) /* libarchive missing: scanned as one file only */
		return awp_report_warn(c->r, "%s: not scanned as an archive: %s", path, awp_error_last());
	struct archive *a = new_reader(magic);
	if (!a)
		return awp_error_set(AWP_ENOMEM, "libarchive: out of memory");
	uint64_t inflated = 0;
	int err;
	if (archive_read_open_memory(a, buf, len) != ARCHIVE_OK)
		err = awp_report_warn(c->r, "%s: not read as an archive: %s", path,
				      archive_error_string(a) ? archive_error_string(a) : "unreadable");
	else
		err = scan_reader(c, path, a, depth, &inflated);
	archive_read_free(a);
	return err;
}

/* ---- streamed from a file ---- */

typedef struct file_src {
	awp_file *f;
	uint64_t off, size;
	uint8_t buf[1 << 16];
} file_src;

static la_ssize_t src_read(struct archive *a, void *p, const void **out)
{
	(void)a;
	file_src *s = p;
	size_t n = 0;
	if (s->off < s->size && awp_file_read(s->f, s->buf, sizeof s->buf, s->off, &n) < 0) {
		archive_set_error(a, -1, "%s", awp_error_last());
		return -1;
	}
	s->off += n;
	*out = s->buf;
	return (la_ssize_t)n;
}

static la_int64_t src_seek(struct archive *a, void *p, la_int64_t off, int whence)
{
	(void)a;
	file_src *s = p;
	int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (int64_t)s->off : (int64_t)s->size;
	int64_t to = base + off;
	if (to < 0)
		return ARCHIVE_FATAL;
	s->off = (uint64_t)to;
	return to;
}

static la_int64_t src_skip(struct archive *a, void *p, la_int64_t n)
{
	(void)a;
	file_src *s = p;
	if (n < 0)
		return 0;
	uint64_t left = s->off < s->size ? s->size - s->off : 0;
	uint64_t k = (uint64_t)n < left ? (uint64_t)n : left;
	s->off += k;
	return (la_int64_t)k;
}

int awp_scan_archive_file(scan_ctx *c, const char *path, awp_file *f)
{
	uint8_t head[512];
	size_t got = 0;
	if (awp_file_read(f, head, sizeof head, 0, &got) < 0)
		return awp_report_warn(c->r, "%s: %s", path, awp_error_last());
	const char *magic = awp_archive_magic(head, got);
	if (!magic)
		return 0;
	if (awp_archive_load() < 0)
		return awp_report_warn(c->r, "%s: not scanned as an archive: %s", path, awp_error_last());
	file_src *s = awp_calloc(1, sizeof(*s));
	struct archive *a = s ? new_reader(magic) : NULL;
	if (!a) {
		free(s);
		return awp_error_set(AWP_ENOMEM, "libarchive: out of memory");
	}
	s->f = f;
	s->size = awp_file_size(f);
	archive_read_set_callback_data(a, s);
	archive_read_set_read_callback(a, src_read);
	archive_read_set_seek_callback(a, src_seek);
	archive_read_set_skip_callback(a, src_skip);
	uint64_t inflated = 0;
	int err;
	if (archive_read_open1(a) != ARCHIVE_OK)
		err = awp_report_warn(c->r, "%s: not read as an archive: %s", path,
				      archive_error_string(a) ? archive_error_string(a) : "unreadable");
	else
		err = scan_reader(c, path, a, 1, &inflated);
	archive_read_free(a);
	free(s);
	return err;
}
