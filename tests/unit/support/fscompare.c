/*
 * tests/unit/support/fscompare.c - tree comparison for filesystem tests.
 */
#include "fscompare.h"

#include <awp/walk.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cmp {
	awp_fs *actual;
	unsigned flags;
	const char *const *ignore;
	fscompare_result *r;
	int counting_extra;
	size_t actual_entries;
};

static int ignored(const char *const *ignore, const char *path)
{
	for (size_t i = 0; ignore && ignore[i]; i++)
		if (strcmp(ignore[i], path) == 0)
			return 1;
	return 0;
}

static void mismatch(struct cmp *c, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "fscompare: %s: ", path);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	c->r->mismatches++;
}

static int compare_content(struct cmp *c, awp_fs *efs, const awp_walk_entry *e, uint64_t aino)
{
	awp_file *ef = NULL, *af = NULL;
	int err = awp_file_open(&ef, efs, e->st.ino);
	if (err < 0) {
		mismatch(c, e->path, "cannot open expected: %s", awp_error_last());
		return 0;
	}
	if ((err = awp_file_open(&af, c->actual, aino)) < 0) {
		mismatch(c, e->path, "cannot open actual: %s", awp_error_last());
		awp_file_free(ef);
		return 0;
	}
	enum { CHUNK = 1 << 20 };
	char *a = malloc(CHUNK), *b = malloc(CHUNK);
	uint64_t off = 0;
	for (;;) {
		size_t na = 0, nb = 0;
		if (awp_file_read(ef, a, CHUNK, off, &na) < 0) {
			mismatch(c, e->path, "read expected at %llu: %s", (unsigned long long)off, awp_error_last());
			break;
		}
		if (awp_file_read(af, b, CHUNK, off, &nb) < 0) {
			mismatch(c, e->path, "read actual at %llu: %s", (unsigned long long)off, awp_error_last());
			break;
		}
		/* Backends may return short reads; compare the common prefix and go on. */
		size_t n = na < nb ? na : nb;
		if (n == 0) {
			if (na != nb)
				mismatch(c, e->path, "length differs at %llu", (unsigned long long)off);
			break;
		}
		if (memcmp(a, b, n) != 0) {
			size_t i = 0;
			while (a[i] == b[i])
				i++;
			mismatch(c, e->path, "content differs at byte %llu", (unsigned long long)(off + i));
			break;
		}
		off += n;
		c->r->bytes += n;
	}
	free(a);
	free(b);
	awp_file_free(ef);
	awp_file_free(af);
	return 0;
}

static int expected_cb(awp_fs *efs, const awp_walk_entry *e, void *payload)
{
	struct cmp *c = payload;
	if (ignored(c->ignore, e->path))
		return e->st.type == AWP_FT_DIR ? AWP_WALK_SKIP : 0;
	c->r->entries++;
	awp_stat a;
	if (awp_fs_lookup(c->actual, e->path, 0, &a) < 0) {
		mismatch(c, e->path, "missing in actual (%s)", awp_error_last());
		return e->st.type == AWP_FT_DIR ? AWP_WALK_SKIP : 0;
	}
	if (a.type != e->st.type) {
		mismatch(c, e->path, "type %s != %s", awp_ftype_name(a.type), awp_ftype_name(e->st.type));
		return e->st.type == AWP_FT_DIR ? AWP_WALK_SKIP : 0;
	}
	if ((c->flags & FSCMP_MODE) && a.mode != e->st.mode)
		mismatch(c, e->path, "mode %o != %o", a.mode, e->st.mode);
	if ((c->flags & FSCMP_OWNER) && (a.uid != e->st.uid || a.gid != e->st.gid))
		mismatch(c, e->path, "owner %u:%u != %u:%u", a.uid, a.gid, e->st.uid, e->st.gid);
	if ((c->flags & FSCMP_MTIME) && a.mtime != e->st.mtime)
		mismatch(c, e->path, "mtime %lld != %lld", (long long)a.mtime, (long long)e->st.mtime);
	switch (e->st.type) {
	case AWP_FT_REG:
		c->r->files++;
		if (a.size != e->st.size)
			mismatch(c, e->path, "size %llu != %llu", (unsigned long long)a.size,
				 (unsigned long long)e->st.size);
		else
			compare_content(c, efs, e, a.ino);
		break;
	case AWP_FT_DIR:
		c->r->dirs++;
		break;
	case AWP_FT_SYMLINK: {
		c->r->symlinks++;
		char *t1 = NULL, *t2 = NULL;
		if (awp_fs_readlink(efs, e->st.ino, &t1) < 0 || awp_fs_readlink(c->actual, a.ino, &t2) < 0)
			mismatch(c, e->path, "readlink failed: %s", awp_error_last());
		else if (strcmp(t1, t2) != 0)
			mismatch(c, e->path, "symlink target '%s' != '%s'", t2, t1);
		free(t1);
		free(t2);
		break;
	}
	default:
		c->r->others++;
		if (a.rdev_major != e->st.rdev_major || a.rdev_minor != e->st.rdev_minor)
			mismatch(c, e->path, "device numbers differ");
		break;
	}
	return 0;
}

struct extra {
	awp_fs *expected;
	const char *const *ignore;
	struct cmp *c;
};

static int actual_cb(awp_fs *afs, const awp_walk_entry *e, void *payload)
{
	(void)afs;
	struct extra *x = payload;
	if (ignored(x->ignore, e->path))
		return e->st.type == AWP_FT_DIR ? AWP_WALK_SKIP : 0;
	awp_stat st;
	if (awp_fs_lookup(x->expected, e->path, 0, &st) < 0)
		mismatch(x->c, e->path, "extra in actual");
	return 0;
}

static void on_error(const char *path, int code, const char *msg, void *payload)
{
	struct cmp *c = payload;
	mismatch(c, path, "walk error %d: %s", code, msg);
}

int fscompare(awp_fs *expected, awp_fs *actual, unsigned flags, const char *const *ignore,
	      fscompare_result *out)
{
	memset(out, 0, sizeof(*out));
	struct cmp c = {.actual = actual, .flags = flags, .ignore = ignore, .r = out};
	awp_walk_options opts = AWP_WALK_OPTIONS_INIT;
	opts.on_error = on_error;
	opts.error_payload = &c;
	int err = awp_fs_walk(expected, &opts, expected_cb, &c);
	if (err < 0)
		return err;
	struct extra x = {expected, ignore, &c};
	return awp_fs_walk(actual, &opts, actual_cb, &x);
}

int test_sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	int st = system(cmd);
	if (st == -1)
		return -1;
	return (st >> 8) & 0xff;
}

char *test_tmpdir(void)
{
	char tmpl[] = "/tmp/awp-test-XXXXXX";
	char *d = mkdtemp(tmpl);
	return d ? strdup(d) : NULL;
}

void test_rmtree(const char *path)
{
	if (path && strncmp(path, "/tmp/awp-test-", 14) == 0)
		test_sh("rm -rf '%s'", path);
}
