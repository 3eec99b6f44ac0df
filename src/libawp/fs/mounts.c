/*
 * fs/mounts.c - a mount table presented as one filesystem: the root
 * filesystem with other filesystems in place of directories (/var, /opt),
 * as the running machine sees them. An instance's EBS volumes are assembled
 * this way so that the inventory and the scanners see one machine.
 *
 * Inode numbers: the entry index in the top 8 bits, the filesystem's own
 * inode number below (backends use far fewer than 2^56: ext4 32 bits, XFS
 * AG-relative numbers, host directories small ids); a larger number is
 * refused as AWP_ELIMIT rather than aliased.
 *
 * Invariant: a covered directory (a mount point) is never visible: every
 * path that reaches it - readdir, lookup, stat of the entry's parent -
 * yields the mounted filesystem's root instead. ".." and symlinks are
 * resolved by fs.c over the composite tree, so an absolute symlink on /var
 * restarts at the root filesystem, as on Linux.
 */
#include "fs/fs_int.h"

#include "util/error.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

/* Entries of one table: real machines mount a handful of filesystems. */
#define AWP_MAX_MOUNTS 64
#define INO_BITS 56
#define INO_MASK ((UINT64_C(1) << INO_BITS) - 1)

struct ment {
	char *path;
	awp_fs *fs;
	int parent;          /* entry whose filesystem holds the mount point, -1 for "/" */
	uint64_t covered;    /* the mount point's inode in the parent's filesystem */
	int placed;
};

struct mounts {
	struct ment *m;
	size_t n;
};

static int compose(uint64_t *out, size_t idx, uint64_t ino, const struct mounts *mt)
{
	if (ino > INO_MASK)
		return awp_error_set(AWP_ELIMIT, "%s: inode %llu too large for a mount table",
				     awp_fs_name(mt->m[idx].fs), (unsigned long long)ino);
	*out = ((uint64_t)idx << INO_BITS) | ino;
	return 0;
}

/* Which filesystem and inode a composite number names. */
static int split(const struct mounts *mt, uint64_t cino, size_t *idx, uint64_t *ino)
{
	size_t i = (size_t)(cino >> INO_BITS);
	if (i >= mt->n || !mt->m[i].placed)
		return awp_error_set(AWP_ENOTFOUND, "mounts: inode %llu: no such entry", (unsigned long long)cino);
	*idx = i;
	*ino = cino & INO_MASK;
	return 0;
}

/* The entry mounted on (idx, ino), or -1. */
static int mounted_on(const struct mounts *mt, size_t idx, uint64_t ino)
{
	for (size_t k = 0; k < mt->n; k++)
		if (mt->m[k].placed && mt->m[k].parent == (int)idx && mt->m[k].covered == ino)
			return (int)k;
	return -1;
}

/* Composite number of (idx, ino), crossing into a mounted filesystem. */
static int visible(const struct mounts *mt, size_t idx, uint64_t ino, uint64_t *out)
{
	int k;
	while ((k = mounted_on(mt, idx, ino)) >= 0) {
		idx = (size_t)k;
		ino = mt->m[k].fs->root_ino;
	}
	return compose(out, idx, ino, mt);
}

static int m_probe(awp_source *src)
{
	(void)src;
	return 0;
}

static int m_open(void **ctx, awp_source *src, const char *name, awp_fs_info *info, uint64_t *root_ino)
{
	(void)ctx, (void)src, (void)name, (void)info, (void)root_ino;
	return awp_error_set(AWP_EUNSUPPORTED, "mounts: opened with awp_fs_open_mounts only");
}

static void m_close(void *ctx)
{
	struct mounts *mt = ctx;
	if (!mt)
		return;
	for (size_t i = 0; i < mt->n; i++)
		free(mt->m[i].path);
	free(mt->m);
	free(mt);
}

static int m_stat(void *ctx, uint64_t cino, awp_stat *out)
{
	size_t i = 0;
	uint64_t ino = 0;
	int err = split(ctx, cino, &i, &ino);
	if (err < 0)
		return err;
	return awp_fs_stat(((struct mounts *)ctx)->m[i].fs, ino, out);
}

struct rd {
	const struct mounts *mt;
	size_t idx;
	awp_dirent_cb cb;
	void *payload;
	int err;
};

static int rd_cb(const awp_dirent *ent, void *payload)
{
	struct rd *r = payload;
	awp_dirent e = *ent;
	int k = mounted_on(r->mt, r->idx, ent->ino);
	if ((r->err = visible(r->mt, r->idx, ent->ino, &e.ino)) < 0)
		return -1;
	if (k >= 0)
		e.type = AWP_FT_DIR;
	return r->cb(&e, r->payload);
}

static int m_readdir(void *ctx, uint64_t cdir, awp_dirent_cb cb, void *payload)
{
	struct mounts *mt = ctx;
	size_t i = 0;
	uint64_t ino = 0;
	int err = split(mt, cdir, &i, &ino);
	if (err < 0)
		return err;
	struct rd r = {mt, i, cb, payload, 0};
	err = awp_fs_readdir(mt->m[i].fs, ino, rd_cb, &r);
	return r.err < 0 ? r.err : err;
}

static int m_readlink(void *ctx, uint64_t cino, char **out)
{
	struct mounts *mt = ctx;
	size_t i = 0;
	uint64_t ino = 0;
	int err = split(mt, cino, &i, &ino);
	return err < 0 ? err : awp_fs_readlink(mt->m[i].fs, ino, out);
}

static int m_lookup(void *ctx, uint64_t cdir, const char *name, uint64_t *out)
{
	struct mounts *mt = ctx;
	size_t i = 0;
	uint64_t dir = 0, ino = 0;
	int err = split(mt, cdir, &i, &dir);
	if (err < 0)
		return err;
	if ((err = awp_fs_child(mt->m[i].fs, dir, name, &ino)) < 0)
		return err;
	return visible(mt, i, ino, out);
}

static int m_file_open(void *ctx, uint64_t cino, void **fh, uint64_t *size)
{
	struct mounts *mt = ctx;
	size_t i = 0;
	uint64_t ino = 0;
	awp_file *f = NULL;
	int err = split(mt, cino, &i, &ino);
	if (err < 0 || (err = awp_file_open(&f, mt->m[i].fs, ino)) < 0)
		return err;
	*fh = f;
	*size = awp_file_size(f);
	return 0;
}

static int m_file_read(void *fh, void *buf, size_t len, uint64_t off, size_t *nread)
{
	return awp_file_read(fh, buf, len, off, nread);
}

static void m_file_close(void *fh)
{
	awp_file_free(fh);
}

static const awp_fs_ops mounts_ops = {
	.version = AWP_FS_OPS_VERSION,
	.type = "mounts",
	.probe = m_probe,
	.open = m_open,
	.close = m_close,
	.stat = m_stat,
	.readdir = m_readdir,
	.readlink = m_readlink,
	.file_open = m_file_open,
	.file_read = m_file_read,
	.file_close = m_file_close,
	.lookup = m_lookup,
};

/* "/var//log/" -> "/var/log"; NULL when not absolute or it has "." / "..". */
static char *norm_path(const char *p)
{
	if (!p || p[0] != '/')
		return NULL;
	char *out = awp_malloc(strlen(p) + 2);
	if (!out)
		return NULL;
	size_t o = 0;
	const char *s = p;
	while (*s) {
		while (*s == '/')
			s++;
		if (!*s)
			break;
		size_t len = strcspn(s, "/");
		if ((len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.')) {
			free(out);
			return NULL;
		}
		out[o++] = '/';
		memcpy(out + o, s, len);
		o += len;
		s += len;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return out;
}

static size_t depth_of(const char *p)
{
	size_t d = 0;
	for (; *p; p++)
		d += *p == '/';
	return strcmp(p - 1, "/") == 0 ? 0 : d;
}

/* 1 when `inner` lies under `outer` ("/" contains everything). */
static int under(const char *outer, const char *inner)
{
	size_t n = strlen(outer);
	if (strcmp(outer, "/") == 0)
		return 1;
	return strncmp(outer, inner, n) == 0 && inner[n] == '/';
}

/* Place entry k: find the deepest placed entry containing its path, and the
 * mount point there. Entries are placed in order of depth. */
static int place(struct mounts *mt, size_t k)
{
	struct ment *e = &mt->m[k];
	int parent = -1;
	for (size_t j = 0; j < mt->n; j++) {
		if (j == k || !mt->m[j].placed || !under(mt->m[j].path, e->path))
			continue;
		if (parent < 0 || strlen(mt->m[j].path) > strlen(mt->m[parent].path))
			parent = (int)j;
	}
	if (parent < 0)
		return 0;
	const char *rel = e->path + (strcmp(mt->m[parent].path, "/") == 0 ? 0 : strlen(mt->m[parent].path));
	awp_stat st;
	int err = awp_fs_lookup(mt->m[parent].fs, rel, 0, &st);
	if (err == AWP_ENOMEM)
		return err;
	if (err < 0 || st.type != AWP_FT_DIR)
		return 0; /* mount(2) needs an existing directory: left out */
	for (size_t j = 0; j < mt->n; j++) /* two entries on one directory: the first wins */
		if (mt->m[j].placed && mt->m[j].parent == parent && mt->m[j].covered == st.ino)
			return 0;
	e->parent = parent;
	e->covered = st.ino;
	e->placed = 1;
	return 0;
}

AWP_EXTERN int awp_fs_open_mounts(awp_fs **out, const awp_fs_mount *mounts, size_t n, const char *name,
				  int *placed)
{
	if (n > AWP_MAX_MOUNTS)
		return awp_error_set(AWP_ELIMIT, "mounts: %zu entries exceed the limit of %d", n, AWP_MAX_MOUNTS);
	int err = 0, root = -1;
	awp_fs *fs = NULL;
	struct mounts *mt = awp_calloc(1, sizeof(*mt));
	if (!mt || !(mt->m = awp_calloc(n ? n : 1, sizeof(*mt->m)))) {
		err = AWP_ENOMEM;
		goto fail;
	}
	mt->n = n;
	for (size_t i = 0; i < n; i++) {
		mt->m[i].fs = mounts[i].fs;
		mt->m[i].parent = -1;
		if (!mounts[i].fs || !(mt->m[i].path = norm_path(mounts[i].path))) {
			err = awp_error_set(AWP_EINVAL, "mounts: entry %zu: '%s' is not an absolute path with a filesystem",
					    i, mounts[i].path ? mounts[i].path : "(null)");
			goto fail;
		}
		if (strcmp(mt->m[i].path, "/") == 0) {
			if (root >= 0) {
				err = awp_error_set(AWP_EINVAL, "mounts: two entries for /");
				goto fail;
			}
			root = (int)i;
		}
	}
	if (root < 0) {
		err = awp_error_set(AWP_EINVAL, "mounts: no entry for /");
		goto fail;
	}
	mt->m[root].placed = 1;
	/* shallow paths first, so that /var is placed before /var/log */
	size_t maxd = 0;
	for (size_t i = 0; i < n; i++)
		if (depth_of(mt->m[i].path) > maxd)
			maxd = depth_of(mt->m[i].path);
	for (size_t d = 1; d <= maxd; d++)
		for (size_t i = 0; i < n; i++)
			if ((int)i != root && depth_of(mt->m[i].path) == d && (err = place(mt, i)) < 0)
				goto fail;

	if (!(fs = awp_calloc(1, sizeof(*fs))) || !(fs->name = awp_strdup(name ? name : "mounts"))) {
		err = AWP_ENOMEM;
		goto fail;
	}
	fs->ops = &mounts_ops;
	fs->ctx = mt;
	/* The machine is described by its root filesystem. */
	fs->info = *awp_fs_info_get(mt->m[root].fs);
	if ((err = compose(&fs->root_ino, (size_t)root, mt->m[root].fs->root_ino, mt)) < 0)
		goto fail;
	for (size_t i = 0; placed && i < n; i++)
		placed[i] = mt->m[i].placed;
	*out = fs;
	return 0;
fail:
	if (fs) {
		free(fs->name);
		free(fs);
	}
	m_close(mt);
	return err;
}
