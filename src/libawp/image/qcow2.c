/*
 * image/qcow2.c - qcow2 v2/v3 images through libqcow, with backing chains.
 *
 * We parse the header ourselves first (docs/interop/qcow2.txt in qemu) to
 * refuse what libqcow cannot read correctly, with a clear reason: encryption,
 * zstd compression (incompatible bit 3), external data files (bit 2) and
 * extended L2 entries (bit 4).
 *
 * Backing files: libqcow only chains to another libqcow file, so a raw or
 * vmdk backing file could not be attached. Instead, when an image has a
 * backing file we open that file with awp's own detection (any format,
 * recursively, with loop and depth checks in image/chain.c) and decide per
 * cluster ourselves from the L1/L2 tables: an allocated or compressed cluster
 * is read through libqcow, a "reads as zero" cluster is zeros, and an
 * unallocated one is read from the backing source (zeros past its end, as
 * qemu does).
 *
 * We walk L1/L2 for images without a backing file too: libqcow (2020,
 * unmaintained) trusts table entries, and a crafted entry (an unaligned L2 or
 * data offset) made it copy past a heap buffer under the fuzzer. Every entry
 * is checked here (reserved bits zero, alignment, inside the file) before
 * libqcow is asked for that cluster, and unallocated clusters never reach it.
 *
 * libqcow handles are not thread safe: thread_safe = 0, the core serialises.
 */
#include "image/image_int.h"

#include "util/bytes.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/yal_dl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define QCOW2_HEADER_V2_LEN 72
#define QCOW2_INCOMPAT_DIRTY 0x1ull
#define QCOW2_INCOMPAT_CORRUPT 0x2ull
#define QCOW2_INCOMPAT_DATA_FILE 0x4ull
#define QCOW2_INCOMPAT_COMPRESSION 0x8ull
#define QCOW2_INCOMPAT_EXTL2 0x10ull
#define QCOW2_EXT_BACKING_FORMAT 0xE2792ACAu
/* Bits 9..55 hold a host offset in L1 and standard L2 entries. */
#define QCOW2_OFFSET_MASK 0x00fffffffffffe00ull
#define QCOW2_L2_COMPRESSED (1ull << 62)
#define QCOW2_L2_ZERO 0x1ull
/* Reserved bits that must be zero (qcow2.txt "L1 table entry", "Standard Cluster Descriptor"). */
#define QCOW2_L1_RESERVED 0x7f000000000001ffull
#define QCOW2_L2_RESERVED 0x3f000000000001feull

struct qhdr {
	uint32_t version;
	uint64_t backing_offset;
	uint32_t backing_size;
	uint32_t cluster_bits;
	uint64_t size;
	uint32_t crypt_method;
	uint32_t l1_size;
	uint64_t l1_offset;
	uint64_t incompat;
	uint32_t header_length;
	char backing_format[32];
};

struct qcow2 {
	libqcow_file_t *file;
	libqcow_file_t *guard;  /* see open_guard() */
	char *path;
	int fd;                 /* our own reads of L1/L2 (only with a backing file) */
	awp_source *backing;    /* NULL: no backing file */
	uint64_t size;
	uint64_t file_size;
	uint32_t version;
	uint32_t cluster_bits;
	uint64_t *l1;           /* host-endian copy of the L1 table */
	uint32_t l1_size;
	uint64_t l2_cached_off; /* 0: empty */
	uint8_t *l2;            /* one cluster */
};

enum cluster_state { CL_DATA, CL_ZERO, CL_BACKING };

static int yal(int code, const char *path, libqcow_error_t **e)
{
	char msg[AWP_YAL_MSG_MAX] = "";
	if (*e)
		libqcow_error_sprint(*e, msg, sizeof msg);
	libqcow_error_free(e);
	char what[1100];
	snprintf(what, sizeof what, "qcow2 %s", path);
	return awp_image_yal_error(code, what, msg);
}

static int pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	char *p = buf;
	while (len > 0) {
		ssize_t n = pread(fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : AWP_ECORRUPT;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

/* Parse and vet the header; fills h and reads the backing file name into
 * name (empty when none). */
static int read_header(int fd, const char *path, struct qhdr *h, char *name, size_t name_cap)
{
	uint8_t b[4096];
	memset(b, 0, sizeof b);
	ssize_t got = pread(fd, b, sizeof b, 0);
	if (got < QCOW2_HEADER_V2_LEN)
		return awp_error_set(AWP_ECORRUPT, "qcow2 %s: header is truncated", path);
	size_t bl = (size_t)got;
	memset(h, 0, sizeof(*h));
	h->version = awp_be32(b, bl, 4);
	h->backing_offset = awp_be64(b, bl, 8);
	h->backing_size = awp_be32(b, bl, 16);
	h->cluster_bits = awp_be32(b, bl, 20);
	h->size = awp_be64(b, bl, 24);
	h->crypt_method = awp_be32(b, bl, 32);
	h->l1_size = awp_be32(b, bl, 36);
	h->l1_offset = awp_be64(b, bl, 40);
	h->header_length = QCOW2_HEADER_V2_LEN;
	if (h->version >= 3) {
		h->incompat = awp_be64(b, bl, 72);
		h->header_length = awp_be32(b, bl, 100);
		if (h->header_length < 104 || h->header_length > bl)
			return awp_error_set(AWP_ECORRUPT, "qcow2 %s: header length %u is invalid", path,
					     h->header_length);
	}
	if (h->cluster_bits < AWP_MIN_QCOW2_CLUSTER_BITS || h->cluster_bits > AWP_MAX_QCOW2_CLUSTER_BITS)
		return awp_error_set(AWP_ECORRUPT, "qcow2 %s: cluster_bits %u is outside 9..21", path, h->cluster_bits);
	if (h->crypt_method != 0)
		return awp_error_set(AWP_EUNSUPPORTED, "qcow2 %s: image is encrypted (%s); awp cannot read encrypted images",
				     path, h->crypt_method == 1 ? "AES" : h->crypt_method == 2 ? "LUKS" : "unknown method");
	if (h->incompat & QCOW2_INCOMPAT_COMPRESSION)
		return awp_error_set(AWP_EUNSUPPORTED,
				     "qcow2 %s: zstd compression (incompatible feature bit 3) is not supported; "
				     "convert with qemu-img convert -O qcow2 -o compression_type=zlib", path);
	if (h->incompat & QCOW2_INCOMPAT_DATA_FILE)
		return awp_error_set(AWP_EUNSUPPORTED, "qcow2 %s: external data files are not supported", path);
	if (h->incompat & QCOW2_INCOMPAT_EXTL2)
		return awp_error_set(AWP_EUNSUPPORTED, "qcow2 %s: extended L2 entries (subclusters) are not supported", path);
	uint64_t unknown = h->incompat & ~(QCOW2_INCOMPAT_DIRTY | QCOW2_INCOMPAT_CORRUPT | QCOW2_INCOMPAT_DATA_FILE |
					  QCOW2_INCOMPAT_COMPRESSION | QCOW2_INCOMPAT_EXTL2);
	if (unknown)
		return awp_error_set(AWP_EUNSUPPORTED, "qcow2 %s: unknown incompatible features 0x%llx", path,
				     (unsigned long long)unknown);

	/* Header extensions: only the backing file format matters here. */
	size_t pos = h->header_length;
	while (pos + 8 <= bl) {
		uint32_t type = awp_be32(b, bl, pos), len = awp_be32(b, bl, pos + 4);
		if (type == 0 || len > bl - pos - 8)
			break;
		if (type == QCOW2_EXT_BACKING_FORMAT && len < sizeof h->backing_format) {
			memcpy(h->backing_format, b + pos + 8, len);
			h->backing_format[len] = '\0';
		}
		pos += 8 + (((size_t)len + 7) & ~(size_t)7);
	}

	name[0] = '\0';
	if (h->backing_offset != 0) {
		if (h->backing_size == 0 || h->backing_size > AWP_MAX_BACKING_NAME || h->backing_size >= name_cap)
			return awp_error_set(AWP_ECORRUPT, "qcow2 %s: backing file name length %u is invalid", path,
					     h->backing_size);
		if (pread_all(fd, name, h->backing_size, h->backing_offset) < 0)
			return awp_error_set(AWP_ECORRUPT, "qcow2 %s: cannot read backing file name", path);
		name[h->backing_size] = '\0';
		if (strlen(name) != h->backing_size)
			return awp_error_set(AWP_ECORRUPT, "qcow2 %s: backing file name contains a NUL byte", path);
	}
	return 0;
}

static int load_l1(struct qcow2 *q, const struct qhdr *h)
{
	uint64_t bytes = (uint64_t)h->l1_size * 8;
	if (bytes > AWP_MAX_QCOW2_L1_BYTES)
		return awp_error_set(AWP_ELIMIT, "qcow2 %s: L1 table of %u entries exceeds the limit", q->path, h->l1_size);
	q->l1_size = h->l1_size;
	q->l1 = awp_calloc(h->l1_size ? h->l1_size : 1, 8);
	uint8_t *raw = awp_malloc(bytes ? bytes : 1);
	q->l2 = awp_malloc((size_t)1 << h->cluster_bits);
	if (!q->l1 || !raw || !q->l2) {
		free(raw);
		return AWP_ENOMEM;
	}
	int err = 0;
	if (bytes && pread_all(q->fd, raw, bytes, h->l1_offset) < 0)
		err = awp_error_set(AWP_ECORRUPT, "qcow2 %s: cannot read L1 table at offset %llu", q->path,
				    (unsigned long long)h->l1_offset);
	for (uint32_t i = 0; err == 0 && i < h->l1_size; i++)
		q->l1[i] = awp_be64(raw, bytes, (size_t)i * 8);
	free(raw);
	return err;
}

/* Where the bytes of guest cluster `ci` come from; a table entry that
 * points outside the file, is misaligned or has reserved bits set is
 * AWP_ECORRUPT. */
static int cluster_state(struct qcow2 *q, uint64_t ci, enum cluster_state *st)
{
	uint32_t l2_bits = q->cluster_bits - 3;
	uint64_t l1i = ci >> l2_bits;
	uint64_t cs = 1ull << q->cluster_bits;
	*st = CL_BACKING;
	if (l1i >= q->l1_size)
		return 0;
	uint64_t l1e = q->l1[l1i];
	uint64_t l2off = l1e & QCOW2_OFFSET_MASK;
	if ((l1e & QCOW2_L1_RESERVED) || (l2off & (cs - 1)) || (l2off && (l2off >= q->file_size || cs > q->file_size - l2off)))
		return awp_error_set(AWP_ECORRUPT, "qcow2 %s: L1 entry %llu (0x%016llx) is invalid", q->path,
				     (unsigned long long)l1i, (unsigned long long)l1e);
	if (l2off == 0)
		return 0;
	if (q->l2_cached_off != l2off) {
		q->l2_cached_off = 0;
		if (pread_all(q->fd, q->l2, (size_t)cs, l2off) < 0)
			return awp_error_set(AWP_ECORRUPT, "qcow2 %s: cannot read L2 table at offset %llu", q->path,
					     (unsigned long long)l2off);
		q->l2_cached_off = l2off;
	}
	uint64_t e = awp_be64(q->l2, (size_t)cs, (size_t)(ci & ((1ull << l2_bits) - 1)) * 8);
	if (e & QCOW2_L2_COMPRESSED) {
		/* Compressed descriptor: host offset in bits 0..x-1, x = 62 - (cluster_bits - 8). */
		uint32_t x = 62 - (q->cluster_bits - 8);
		uint64_t host = e & ((1ull << x) - 1);
		if (host >= q->file_size)
			return awp_error_set(AWP_ECORRUPT, "qcow2 %s: compressed cluster %llu lies outside the file",
					     q->path, (unsigned long long)ci);
		*st = CL_DATA;
		return 0;
	}
	uint64_t host = e & QCOW2_OFFSET_MASK;
	if ((e & QCOW2_L2_RESERVED) || (host & (cs - 1)) || (host && (host >= q->file_size || cs > q->file_size - host)))
		return awp_error_set(AWP_ECORRUPT, "qcow2 %s: L2 entry for cluster %llu (0x%016llx) is invalid", q->path,
				     (unsigned long long)ci, (unsigned long long)e);
	if (q->version >= 3 && (e & QCOW2_L2_ZERO))
		*st = CL_ZERO;
	else if (host)
		*st = CL_DATA;
	return 0;
}

static int libqcow_read(struct qcow2 *q, char *p, size_t len, uint64_t off)
{
	while (len > 0) {
		libqcow_error_t *e = NULL;
		ssize_t n = libqcow_file_read_buffer_at_offset(q->file, p, len, (off64_t)off, &e);
		if (n < 0)
			return yal(AWP_ECORRUPT, q->path, &e);
		if (n == 0)
			return awp_error_set(AWP_ECORRUPT, "qcow2 %s: short read at offset %llu", q->path,
					     (unsigned long long)off);
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static int qcow2_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct qcow2 *q = ctx;
	char *p = buf;
	uint64_t cs = 1ull << q->cluster_bits;
	while (len > 0) {
		size_t n = (size_t)(cs - (off & (cs - 1)));
		if (n > len)
			n = len;
		enum cluster_state st, next;
		int err = cluster_state(q, off >> q->cluster_bits, &st);
		if (err < 0)
			return err;
		/* Extend over following clusters in the same state: one libqcow
		 * call (or one backing read) per run, not per cluster. */
		while (n < len) {
			if ((err = cluster_state(q, (off + n) >> q->cluster_bits, &next)) < 0)
				return err;
			if (next != st)
				break;
			n = len - n < cs ? len : n + (size_t)cs;
		}
		if (st == CL_DATA) {
			err = libqcow_read(q, p, n, off);
		} else if (st == CL_ZERO) {
			memset(p, 0, n);
		} else if (!q->backing) {
			memset(p, 0, n);
		} else {
			uint64_t bsize = awp_source_size(q->backing);
			size_t from = off >= bsize ? 0 : (size_t)(bsize - off < n ? bsize - off : n);
			err = awp_source_read(q->backing, p, from, off);
			memset(p + from, 0, n - from);
		}
		if (err < 0)
			return err;
		p += n;
		len -= n;
		off += n;
	}
	return 0;
}

static void qcow2_close(void *ctx)
{
	struct qcow2 *q = ctx;
	if (q->file) {
		libqcow_file_close(q->file, NULL);
		libqcow_file_free(&q->file, NULL);
	}
	if (q->guard) {
		libqcow_file_close(q->guard, NULL);
		libqcow_file_free(&q->guard, NULL);
	}
	if (q->fd >= 0)
		close(q->fd);
	awp_source_free(q->backing);
	free(q->l1);
	free(q->l2);
	free(q->path);
	free(q);
}

static const awp_source_ops qcow2_ops = {
	.version = AWP_SOURCE_OPS_VERSION, .format = "qcow2", .thread_safe = 0,
	.read = qcow2_read, .close = qcow2_close,
};

/*
 * libqcow refuses every read of an image that names a backing file until a
 * parent libqcow file is attached. We only ask it for allocated clusters, so
 * attach a second handle on the same image as a guard: should libqcow ever
 * consult its parent, that handle has no parent either and the read fails
 * cleanly ("missing parent file") instead of returning wrong bytes.
 */
static int open_guard(struct qcow2 *q)
{
	libqcow_error_t *e = NULL;
	if (libqcow_file_initialize(&q->guard, &e) != 1)
		return yal(AWP_ENOMEM, q->path, &e);
	if (libqcow_file_open(q->guard, q->path, LIBQCOW_OPEN_READ, &e) != 1) {
		int err = yal(AWP_ECORRUPT, q->path, &e);
		libqcow_file_free(&q->guard, NULL);
		return err;
	}
	if (libqcow_file_set_parent_file(q->file, q->guard, &e) != 1)
		return yal(AWP_ECORRUPT, q->path, &e);
	return 0;
}

static int open_backing(struct qcow2 *q, const char *name, const char *format, const awp_image_chain *chain)
{
	char *bpath = awp_image_resolve_path(q->path, name);
	if (!bpath)
		return AWP_ENOMEM;
	int err;
	if (strcmp(format, "raw") == 0) {
		/* The image says raw: do not probe (qemu does not either; a raw
		 * backing file whose guest wrote a qcow2 header stays raw). */
		awp_image_chain self;
		int fd = open(bpath, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			err = awp_error_errno(errno, "qcow2 %s: backing file %s", q->path, bpath);
		else if ((err = awp_image_chain_push(&self, chain, bpath)) < 0)
			close(fd);
		else
			err = awp_image_open_raw(&q->backing, fd, bpath, 0);
	} else {
		err = awp_image_open_chained(&q->backing, bpath, chain);
		if (err < 0 && err != AWP_ENOMEM)
			awp_error_prefix(err, "qcow2 %s: backing file: ", q->path);
	}
	free(bpath);
	return err;
}

int awp_image_open_qcow2(awp_source **out, const char *path, const awp_image_chain *chain)
{
	struct qcow2 *q = awp_calloc(1, sizeof(*q));
	if (!q)
		return AWP_ENOMEM;
	q->fd = -1;
	int err = 0;
	if (!(q->path = awp_strdup(path))) {
		err = AWP_ENOMEM;
		goto fail;
	}
	q->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (q->fd < 0) {
		err = awp_error_errno(errno, "%s", path);
		goto fail;
	}
	struct qhdr h;
	char name[AWP_MAX_BACKING_NAME + 1];
	if ((err = read_header(q->fd, path, &h, name, sizeof name)) < 0)
		goto fail;
	q->version = h.version;
	q->cluster_bits = h.cluster_bits;

	if ((err = awp_qcow_load()) < 0)
		goto fail;
	libqcow_error_t *e = NULL;
	if (libqcow_file_initialize(&q->file, &e) != 1) {
		err = yal(AWP_ENOMEM, path, &e);
		goto fail;
	}
	if (libqcow_file_open(q->file, path, LIBQCOW_OPEN_READ, &e) != 1) {
		err = yal(AWP_ECORRUPT, path, &e);
		libqcow_file_free(&q->file, NULL);
		goto fail;
	}
	size64_t media = 0;
	if (libqcow_file_get_media_size(q->file, &media, &e) != 1) {
		err = yal(AWP_ECORRUPT, path, &e);
		goto fail;
	}
	q->size = media;

	struct stat st;
	if (fstat(q->fd, &st) < 0) {
		err = awp_error_errno(errno, "%s", path);
		goto fail;
	}
	q->file_size = (uint64_t)st.st_size;
	if ((err = load_l1(q, &h)) < 0)
		goto fail;
	if (name[0]) {
		if ((err = open_guard(q)) < 0 || (err = open_backing(q, name, h.backing_format, chain)) < 0)
			goto fail;
	}
	return awp_source_new(out, &qcow2_ops, q, q->size, path);
fail:
	qcow2_close(q);
	return err;
}
