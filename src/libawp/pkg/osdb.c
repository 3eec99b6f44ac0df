/*
 * pkg/osdb.c - helpers shared by the OS package database readers: a
 * random-access reader over an awp_file or memory, and a chunked line
 * reader (databases are read in 64 KiB chunks, never whole).
 */
#include "pkg/osdb_int.h"

#include "util/error.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

enum { CHUNK = 64 * 1024 };

int awp_osdb_read(const awp_osdb_reader *r, void *buf, size_t len, uint64_t off, size_t *nread)
{
	if (r->mem) {
		size_t n = 0;
		if (off < r->size) {
			n = r->size - off < len ? (size_t)(r->size - off) : len;
			memcpy(buf, r->mem + off, n);
		}
		*nread = n;
		return 0;
	}
	return r->read(r->ctx, buf, len, off, nread);
}

int awp_osdb_pread(const awp_osdb_reader *r, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;
	while (done < len) {
		size_t n = 0;
		int err = awp_osdb_read(r, (char *)buf + done, len - done, off + done, &n);
		if (err < 0)
			return err;
		if (n == 0)
			return awp_error_set(AWP_ECORRUPT, "%s: truncated: %zu bytes at offset %llu past end of file",
					     r->name, len, (unsigned long long)off);
		done += n;
	}
	return 0;
}

static int file_read(void *ctx, void *buf, size_t len, uint64_t off, size_t *nread)
{
	return awp_file_read(ctx, buf, len, off, nread);
}

void awp_osdb_reader_file(awp_osdb_reader *r, awp_file *f, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->read = file_read;
	r->ctx = f;
	r->size = awp_file_size(f);
	r->name = name;
}

int awp_osdb_open(awp_inventory *inv, awp_fs *fs, const char *path, uint64_t ino, awp_file **f, awp_osdb_reader *r)
{
	*f = NULL;
	int err = awp_file_open(f, fs, ino);
	if (err < 0)
		return err == AWP_ENOMEM ? err : awp_inv_warn(inv, path, "%s", awp_error_last());
	awp_osdb_reader_file(r, *f, path);
	return 1;
}

void awp_osdb_reader_mem(awp_osdb_reader *r, const void *data, size_t len, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->mem = data;
	r->size = len;
	r->name = name;
}

int awp_linereader_init(awp_linereader *lr, const awp_osdb_reader *r, uint64_t limit)
{
	memset(lr, 0, sizeof(*lr));
	lr->r = r;
	lr->limit = limit;
	lr->buf = awp_malloc(CHUNK);
	lr->cap = 256;
	lr->line = awp_malloc(lr->cap);
	if (!lr->buf || !lr->line) {
		awp_linereader_free(lr);
		return AWP_ENOMEM;
	}
	return 0;
}

void awp_linereader_free(awp_linereader *lr)
{
	free(lr->buf);
	free(lr->line);
	lr->buf = lr->line = NULL;
}

int awp_linereader_next(awp_linereader *lr, size_t *outlen)
{
	size_t n = 0;
	int any = 0;
	lr->cut = 0;
	for (;;) {
		if (lr->pos == lr->len) {
			if (lr->off >= lr->limit)
				break;
			uint64_t want = lr->limit - lr->off < CHUNK ? lr->limit - lr->off : CHUNK;
			size_t got = 0;
			int err = awp_osdb_read(lr->r, lr->buf, (size_t)want, lr->off, &got);
			if (err < 0)
				return err;
			if (got == 0)
				break;
			lr->off += got;
			lr->pos = 0;
			lr->len = got;
		}
		any = 1;
		char *start = lr->buf + lr->pos;
		size_t avail = lr->len - lr->pos;
		char *nl = memchr(start, '\n', avail);
		size_t take = nl ? (size_t)(nl - start) : avail;
		size_t keep = take;
		if (n + keep > AWP_MAX_DB_LINE) {
			keep = n < AWP_MAX_DB_LINE ? AWP_MAX_DB_LINE - n : 0;
			lr->cut = 1;
		}
		if (keep && AWP_GROW(lr->line, lr->cap, n + keep + 1) < 0)
			return AWP_ENOMEM;
		memcpy(lr->line + n, start, keep);
		n += keep;
		lr->pos += take + (nl ? 1 : 0);
		if (nl)
			break;
	}
	if (!any)
		return 0;
	if (n && lr->line[n - 1] == '\r')
		n--;
	lr->line[n] = '\0';
	if (outlen)
		*outlen = n;
	return 1;
}

awp_inventory *awp_inv_new(void)
{
	return awp_calloc(1, sizeof(awp_inventory));
}
