/*
 * fs/dir.c - a directory of the host read as a filesystem (`awp ls DIR`,
 * `awp scan DIR`).
 *
 * The backend interface speaks inode numbers, which a host directory cannot
 * be opened by; so every (st_dev, st_ino) met in readdir gets a small id and
 * the relative path it was met at. All opens go through openat() from the
 * root's descriptor with O_NOFOLLOW, and symlinks are resolved by fs.c, so
 * nothing outside the directory is ever read.
 */
#include <awp/sys/fs.h>

#include "util/error.h"
#include "util/mem.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

struct node {
	dev_t dev;
	ino_t ino;
	char *rel;      /* "." for the root, else "a/b" */
};

struct hostdir {
	int rootfd;
	char *path;
	struct node *nodes; /* id = index + 1 */
	size_t count, cap;
	uint32_t *table;    /* open addressing: id or 0 */
	size_t tcap;
};

static size_t hash_key(dev_t dev, ino_t ino, size_t cap)
{
	uint64_t k = (uint64_t)ino * 0x9E3779B97F4A7C15ULL ^ (uint64_t)dev;
	k ^= k >> 29;
	return (size_t)(k & (cap - 1));
}

static int table_grow(struct hostdir *h)
{
	size_t ncap = h->tcap ? h->tcap * 2 : 1024;
	uint32_t *nt = awp_calloc(ncap, sizeof(*nt));
	if (!nt)
		return AWP_ENOMEM;
	for (size_t i = 0; i < h->count; i++) {
		size_t j = hash_key(h->nodes[i].dev, h->nodes[i].ino, ncap);
		while (nt[j])
			j = (j + 1) & (ncap - 1);
		nt[j] = (uint32_t)(i + 1);
	}
	free(h->table);
	h->table = nt;
	h->tcap = ncap;
	return 0;
}

/* Id of (dev, ino), adding it with path `rel` when new. */
static int node_id(struct hostdir *h, dev_t dev, ino_t ino, const char *rel, uint64_t *id)
{
	if ((h->count + 1) * 2 > h->tcap && table_grow(h) < 0)
		return AWP_ENOMEM;
	size_t j = hash_key(dev, ino, h->tcap);
	while (h->table[j]) {
		struct node *n = &h->nodes[h->table[j] - 1];
		if (n->dev == dev && n->ino == ino) {
			*id = h->table[j];
			return 0;
		}
		j = (j + 1) & (h->tcap - 1);
	}
	if (h->count >= UINT32_MAX - 1)
		return awp_error_set(AWP_ELIMIT, "%s: too many files", h->path);
	if (AWP_GROW(h->nodes, h->cap, h->count + 1) < 0)
		return AWP_ENOMEM;
	char *r = awp_strdup(rel);
	if (!r)
		return AWP_ENOMEM;
	h->nodes[h->count] = (struct node){dev, ino, r};
	h->table[j] = (uint32_t)(h->count + 1);
	*id = ++h->count;
	return 0;
}

static struct node *node_get(struct hostdir *h, uint64_t id)
{
	if (id == 0 || id > h->count) {
		awp_error_set(AWP_ENOTFOUND, "%s: unknown inode %llu", h->path, (unsigned long long)id);
		return NULL;
	}
	return &h->nodes[id - 1];
}

static awp_ftype ftype_of(mode_t m)
{
	if (S_ISREG(m)) return AWP_FT_REG;
	if (S_ISDIR(m)) return AWP_FT_DIR;
	if (S_ISLNK(m)) return AWP_FT_SYMLINK;
	if (S_ISCHR(m)) return AWP_FT_CHR;
	if (S_ISBLK(m)) return AWP_FT_BLK;
	if (S_ISFIFO(m)) return AWP_FT_FIFO;
	if (S_ISSOCK(m)) return AWP_FT_SOCK;
	return AWP_FT_UNKNOWN;
}

static int dir_probe(awp_source *src)
{
	(void)src;
	return 0; /* only opened explicitly through awp_fs_open_dir */
}

static void dir_close(void *ctx)
{
	struct hostdir *h = ctx;
	if (!h)
		return;
	if (h->rootfd >= 0)
		close(h->rootfd);
	for (size_t i = 0; i < h->count; i++)
		free(h->nodes[i].rel);
	free(h->nodes);
	free(h->table);
	free(h->path);
	free(h);
}

static int dir_open(void **ctx, awp_source *src, const char *name, awp_fs_info *info, uint64_t *root_ino)
{
	(void)src;
	struct hostdir *h = awp_calloc(1, sizeof(*h));
	if (!h)
		return AWP_ENOMEM;
	h->rootfd = -1;
	int err = 0;
	struct stat st;
	if (!(h->path = awp_strdup(name))) {
		err = AWP_ENOMEM;
		goto fail;
	}
	h->rootfd = open(name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (h->rootfd < 0 || fstat(h->rootfd, &st) < 0) {
		err = awp_error_errno(errno, "%s", name);
		goto fail;
	}
	if ((err = node_id(h, st.st_dev, st.st_ino, ".", root_ino)) < 0)
		goto fail;
	memset(info, 0, sizeof(*info));
	info->type = "dir";
	info->block_size = 4096;
	*ctx = h;
	return 0;
fail:
	dir_close(h);
	return err;
}

static int dir_stat(void *ctx, uint64_t id, awp_stat *out)
{
	struct hostdir *h = ctx;
	struct node *n = node_get(h, id);
	if (!n)
		return AWP_ENOTFOUND;
	struct stat st;
	if (fstatat(h->rootfd, n->rel, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return awp_error_errno(errno, "%s/%s", h->path, n->rel);
	out->type = ftype_of(st.st_mode);
	out->mode = st.st_mode & 07777;
	out->uid = st.st_uid;
	out->gid = st.st_gid;
	out->nlink = (uint32_t)st.st_nlink;
	out->size = (uint64_t)st.st_size;
	out->allocated = (uint64_t)st.st_blocks * 512;
	out->mtime = st.st_mtim.tv_sec;
	out->mtime_nsec = (uint32_t)st.st_mtim.tv_nsec;
	out->rdev_major = major(st.st_rdev);
	out->rdev_minor = minor(st.st_rdev);
	return 0;
}

static int dir_readdir(void *ctx, uint64_t id, awp_dirent_cb cb, void *payload)
{
	struct hostdir *h = ctx;
	struct node *n = node_get(h, id);
	if (!n)
		return AWP_ENOTFOUND;
	char *dirrel = awp_strdup(n->rel); /* nodes may move when the array grows */
	if (!dirrel)
		return AWP_ENOMEM;
	int err = 0;
	int fd = openat(h->rootfd, dirrel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		err = awp_error_errno(errno, "%s/%s", h->path, dirrel);
		if (fd >= 0)
			close(fd);
		free(dirrel);
		return err;
	}
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		struct stat st;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue; /* vanished while listing */
		char *rel = strcmp(dirrel, ".") == 0 ? awp_strdup(de->d_name)
						     : awp_asprintf("%s/%s", dirrel, de->d_name);
		uint64_t cid;
		if (!rel) {
			err = AWP_ENOMEM;
			break;
		}
		err = node_id(h, st.st_dev, st.st_ino, rel, &cid);
		free(rel);
		if (err < 0)
			break;
		awp_dirent ent = {.name = de->d_name, .ino = cid, .type = ftype_of(st.st_mode)};
		int r = cb(&ent, payload);
		if (r != 0) {
			err = r;
			break;
		}
	}
	closedir(d);
	free(dirrel);
	return err;
}

static int dir_readlink(void *ctx, uint64_t id, char **out)
{
	struct hostdir *h = ctx;
	struct node *n = node_get(h, id);
	if (!n)
		return AWP_ENOTFOUND;
	char buf[4096];
	ssize_t len = readlinkat(h->rootfd, n->rel, buf, sizeof buf - 1);
	if (len < 0)
		return awp_error_errno(errno, "%s/%s", h->path, n->rel);
	buf[len] = '\0';
	*out = awp_strdup(buf);
	return *out ? 0 : AWP_ENOMEM;
}

/* One name in a directory without listing it (fs.c otherwise scans readdir,
 * which is quadratic when a caller looks up every path of a large tree). */
static int dir_lookup(void *ctx, uint64_t id, const char *name, uint64_t *ino)
{
	struct hostdir *h = ctx;
	struct node *n = node_get(h, id);
	if (!n)
		return AWP_ENOTFOUND;
	if (strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return AWP_ENOTFOUND;
	char *rel = strcmp(n->rel, ".") == 0 ? awp_strdup(name) : awp_asprintf("%s/%s", n->rel, name);
	if (!rel)
		return AWP_ENOMEM;
	struct stat st;
	int err;
	if (fstatat(h->rootfd, rel, &st, AT_SYMLINK_NOFOLLOW) < 0)
		err = errno == ENOENT || errno == ENOTDIR ? AWP_ENOTFOUND : awp_error_errno(errno, "%s/%s", h->path, rel);
	else
		err = node_id(h, st.st_dev, st.st_ino, rel, ino);
	free(rel);
	return err;
}

struct dir_file {
	int fd;
	char *name;
};

static int dir_file_open(void *ctx, uint64_t id, void **fh, uint64_t *size)
{
	struct hostdir *h = ctx;
	struct node *n = node_get(h, id);
	if (!n)
		return AWP_ENOTFOUND;
	int fd = openat(h->rootfd, n->rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		int err = awp_error_errno(errno, "%s/%s", h->path, n->rel);
		if (fd >= 0)
			close(fd);
		return err;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return awp_error_set(AWP_EINVAL, "%s/%s: not a regular file", h->path, n->rel);
	}
	struct dir_file *f = awp_calloc(1, sizeof(*f));
	if (!f || !(f->name = awp_asprintf("%s/%s", h->path, n->rel))) {
		free(f);
		close(fd);
		return AWP_ENOMEM;
	}
	f->fd = fd;
	*fh = f;
	*size = (uint64_t)st.st_size;
	return 0;
}

static int dir_file_read(void *fh, void *buf, size_t len, uint64_t off, size_t *nread)
{
	struct dir_file *f = fh;
	size_t got = 0;
	while (got < len) {
		ssize_t n = pread(f->fd, (char *)buf + got, len - got, (off_t)(off + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return awp_error_errno(errno, "%s", f->name);
		if (n == 0)
			break;
		got += (size_t)n;
	}
	*nread = got;
	return 0;
}

static void dir_file_close(void *fh)
{
	struct dir_file *f = fh;
	close(f->fd);
	free(f->name);
	free(f);
}

const awp_fs_ops awp_fs_dir_ops = {
	.version = AWP_FS_OPS_VERSION,
	.type = "dir",
	.probe = dir_probe,
	.open = dir_open,
	.close = dir_close,
	.stat = dir_stat,
	.readdir = dir_readdir,
	.readlink = dir_readlink,
	.file_open = dir_file_open,
	.file_read = dir_file_read,
	.file_close = dir_file_close,
	.lookup = dir_lookup,
};
