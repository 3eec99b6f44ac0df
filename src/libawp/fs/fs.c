/*
 * fs/fs.c - the filesystem front end: probe and open a backend, resolve
 * paths with symlinks confined to the filesystem, open and read files.
 *
 * Invariant: every path lookup starts at the filesystem's root inode and
 * ".." is handled here from the stack of visited directories, so no symlink
 * or ".." can reach the host's filesystem or climb above the image's root.
 */
#include "fs/fs_int.h"

#include "util/error.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

/* Probe order: cheap and unambiguous magics first. */
static const awp_fs_ops *const backends[] = {
	&awp_fs_ext_ops,
	&awp_fs_xfs_ops,
	&awp_fs_vfat_ops,
};

static int fs_new(awp_fs **out, const awp_fs_ops *ops, awp_source *src, const char *name)
{
	awp_fs *fs = awp_calloc(1, sizeof(*fs));
	if (!fs)
		return AWP_ENOMEM;
	fs->name = awp_strdup(name ? name : (src ? awp_source_name(src) : "?"));
	if (!fs->name) {
		free(fs);
		return AWP_ENOMEM;
	}
	fs->ops = ops;
	int err = ops->open(&fs->ctx, src, fs->name, &fs->info, &fs->root_ino);
	if (err < 0) {
		free(fs->name);
		free(fs);
		return err;
	}
	if (!fs->info.type)
		fs->info.type = ops->type;
	if (!fs->info.label)
		fs->info.label = "";
	if (!fs->info.uuid)
		fs->info.uuid = "";
	fs->src = src ? awp_source_ref(src) : NULL;
	*out = fs;
	return 0;
}

AWP_EXTERN int awp_fs_open(awp_fs **out, awp_source *src, const char *name)
{
	const char *nm = name ? name : awp_source_name(src);
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		if (backends[i]->probe(src) == 1)
			return fs_new(out, backends[i], src, nm);
	}
	const char *what = awp_fs_probe(src);
	if (what)
		return awp_error_set(AWP_EUNSUPPORTED, "%s: %s is not a filesystem awp reads", nm, what);
	return awp_error_set(AWP_EUNSUPPORTED, "%s: no known filesystem signature", nm);
}

AWP_EXTERN int awp_fs_open_dir(awp_fs **out, const char *path)
{
	return fs_new(out, &awp_fs_dir_ops, NULL, path);
}

AWP_EXTERN int awp_fs_reopen(awp_fs **out, const awp_fs *fs)
{
	/* The dir backend opens by name (its path); others read the source. */
	return fs_new(out, fs->ops, fs->src, fs->name);
}

AWP_EXTERN void awp_fs_free(awp_fs *fs)
{
	if (!fs)
		return;
	fs->ops->close(fs->ctx);
	for (size_t i = 0; i < sizeof(fs->cache) / sizeof(fs->cache[0]); i++) {
		awp_strmap_free(&fs->cache[i].map);
		awp_arena_free(&fs->cache[i].arena);
	}
	awp_source_free(fs->src);
	free(fs->name);
	free(fs);
}

AWP_EXTERN const awp_fs_info *awp_fs_info_get(const awp_fs *fs)
{
	return &fs->info;
}

AWP_EXTERN const char *awp_fs_name(const awp_fs *fs)
{
	return fs->name;
}

AWP_EXTERN int awp_fs_stat(awp_fs *fs, uint64_t ino, awp_stat *out)
{
	memset(out, 0, sizeof(*out));
	int err = fs->ops->stat(fs->ctx, ino, out);
	out->ino = ino;
	return err;
}

AWP_EXTERN int awp_fs_readlink(awp_fs *fs, uint64_t ino, char **out)
{
	return fs->ops->readlink(fs->ctx, ino, out);
}

AWP_EXTERN int awp_fs_readdir(awp_fs *fs, uint64_t dir_ino, awp_dirent_cb cb, void *payload)
{
	return fs->ops->readdir(fs->ctx, dir_ino, cb, payload);
}

AWP_EXTERN const char *awp_ftype_name(awp_ftype t)
{
	switch (t) {
	case AWP_FT_REG: return "file";
	case AWP_FT_DIR: return "dir";
	case AWP_FT_SYMLINK: return "symlink";
	case AWP_FT_CHR: return "char";
	case AWP_FT_BLK: return "block";
	case AWP_FT_FIFO: return "fifo";
	case AWP_FT_SOCK: return "socket";
	default: return "unknown";
	}
}

/* --- path resolution ----------------------------------------------------- */

struct find_ctx {
	const char *name;
	size_t len;
	uint64_t ino;
	int found;
};

static int find_cb(const awp_dirent *ent, void *payload)
{
	struct find_ctx *f = payload;
	if (strlen(ent->name) == f->len && memcmp(ent->name, f->name, f->len) == 0) {
		f->ino = ent->ino;
		f->found = 1;
		return 1;
	}
	return 0;
}

struct cache_fill {
	struct dir_cache *c;
	int err;
	int too_big;
};

static void cache_drop(struct dir_cache *c)
{
	awp_strmap_free(&c->map);
	awp_arena_free(&c->arena);
	c->valid = 0;
}

static int cache_cb(const awp_dirent *ent, void *payload)
{
	struct cache_fill *cf = payload;
	if (cf->c->map.count >= AWP_FS_DIR_CACHE_MAX) {
		cf->too_big = 1;
		return 1;
	}
	char *key = awp_arena_strdup(&cf->c->arena, ent->name);
	if (!key || awp_strmap_put(&cf->c->map, key, (size_t)ent->ino) < 0) {
		cf->err = AWP_ENOMEM;
		return -1;
	}
	return 0;
}

static int cache_get(struct dir_cache *c, const char *name, size_t len, uint64_t *ino)
{
	char small[256];
	char *buf = len < sizeof small ? small : awp_malloc(len + 1);
	if (!buf)
		return AWP_ENOMEM;
	memcpy(buf, name, len);
	buf[len] = '\0';
	size_t v;
	int found = awp_strmap_get(&c->map, buf, &v);
	if (buf != small)
		free(buf);
	if (!found)
		return AWP_ENOTFOUND;
	*ino = (uint64_t)v;
	return 0;
}

static int dir_lookup(awp_fs *fs, uint64_t dir, const char *name, size_t len, uint64_t *ino)
{
	if (fs->ops->lookup) {
		char small[256];
		char *buf = len < sizeof small ? small : awp_malloc(len + 1);
		if (!buf)
			return AWP_ENOMEM;
		memcpy(buf, name, len);
		buf[len] = '\0';
		int err = fs->ops->lookup(fs->ctx, dir, buf, ino);
		if (buf != small)
			free(buf);
		return err;
	}
	const size_t n = sizeof(fs->cache) / sizeof(fs->cache[0]);
	for (size_t i = 0; i < n; i++)
		if (fs->cache[i].valid && fs->cache[i].dir == dir)
			return cache_get(&fs->cache[i], name, len, ino);
	struct dir_cache *c = &fs->cache[fs->cache_next++ % n];
	cache_drop(c);
	struct cache_fill cf = {c, 0, 0};
	int err = fs->ops->readdir(fs->ctx, dir, cache_cb, &cf);
	if (cf.err < 0) {
		cache_drop(c);
		return cf.err;
	}
	if (err < 0 || cf.too_big) {
		/* Damaged or huge directory: no cache, plain scan. */
		cache_drop(c);
		struct find_ctx f = {name, len, 0, 0};
		int e2 = fs->ops->readdir(fs->ctx, dir, find_cb, &f);
		if (f.found) {
			*ino = f.ino;
			return 0;
		}
		return e2 < 0 ? e2 : AWP_ENOTFOUND;
	}
	c->dir = dir;
	c->valid = 1;
	return cache_get(c, name, len, ino);
}

int awp_fs_child(awp_fs *fs, uint64_t dir, const char *name, uint64_t *ino)
{
	return dir_lookup(fs, dir, name, strlen(name), ino);
}

/*
 * Resolve `path` from the root. The work list is a string we consume from
 * the front; a symlink's target is spliced in front of the remainder.
 */
AWP_EXTERN int awp_fs_lookup(awp_fs *fs, const char *path, int follow, awp_stat *out)
{
	enum { MAX_DEPTH = 256 };
	uint64_t stack[MAX_DEPTH];
	size_t depth = 0;
	int links = 0, err = 0;
	char *work = awp_strdup(path);
	if (!work)
		return AWP_ENOMEM;
	stack[depth++] = fs->root_ino;
	char *p = work;
	awp_stat st;
	if ((err = awp_fs_stat(fs, fs->root_ino, &st)) < 0)
		goto done;

	for (;;) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		int last = 1;
		for (char *q = p + len; *q; q++)
			if (*q != '/') {
				last = 0;
				break;
			}
		if (len == 1 && p[0] == '.') {
			p += len;
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (depth > 1)
				depth--;
			p += len;
			if ((err = awp_fs_stat(fs, stack[depth - 1], &st)) < 0)
				goto done;
			continue;
		}
		if (st.type != AWP_FT_DIR) {
			err = awp_error_set(AWP_ENOTFOUND, "%s: %s: not a directory on the way", fs->name, path);
			goto done;
		}
		uint64_t ino;
		err = dir_lookup(fs, stack[depth - 1], p, len, &ino);
		if (err == AWP_ENOTFOUND) {
			awp_error_set(AWP_ENOTFOUND, "%s: %s: no such file or directory", fs->name, path);
			goto done;
		}
		if (err < 0)
			goto done;
		if ((err = awp_fs_stat(fs, ino, &st)) < 0)
			goto done;
		p += len;
		if (st.type == AWP_FT_SYMLINK && (!last || follow)) {
			if (++links > AWP_FS_MAX_SYMLINKS) {
				err = awp_error_set(AWP_ELIMIT, "%s: %s: too many levels of symbolic links", fs->name, path);
				goto done;
			}
			char *target = NULL;
			if ((err = awp_fs_readlink(fs, ino, &target)) < 0)
				goto done;
			if (strlen(target) + strlen(p) + 2 > AWP_FS_MAX_PATH * 4) {
				free(target);
				err = awp_error_set(AWP_ELIMIT, "%s: %s: path too long while resolving links", fs->name, path);
				goto done;
			}
			char *nw = awp_asprintf("%s/%s", target, p);
			if (target[0] == '/')
				depth = 1; /* absolute targets restart at this filesystem's root */
			free(target);
			if (!nw) {
				err = AWP_ENOMEM;
				goto done;
			}
			free(work);
			work = p = nw;
			if ((err = awp_fs_stat(fs, stack[depth - 1], &st)) < 0)
				goto done;
			continue;
		}
		if (depth >= MAX_DEPTH) {
			err = awp_error_set(AWP_ELIMIT, "%s: %s: path nests too deep", fs->name, path);
			goto done;
		}
		stack[depth++] = ino;
	}
	*out = st;
done:
	free(work);
	return err;
}

/* --- files ------------------------------------------------------------------ */

AWP_EXTERN int awp_file_open(awp_file **out, awp_fs *fs, uint64_t ino)
{
	awp_file *f = awp_calloc(1, sizeof(*f));
	if (!f)
		return AWP_ENOMEM;
	f->fs = fs;
	f->ino = ino;
	int err = fs->ops->file_open(fs->ctx, ino, &f->fh, &f->size);
	if (err < 0) {
		free(f);
		return err;
	}
	*out = f;
	return 0;
}

AWP_EXTERN int awp_file_read(awp_file *f, void *buf, size_t len, uint64_t off, size_t *nread)
{
	*nread = 0;
	if (off >= f->size || len == 0)
		return 0;
	if (len > f->size - off)
		len = (size_t)(f->size - off);
	return f->fs->ops->file_read(f->fh, buf, len, off, nread);
}

AWP_EXTERN uint64_t awp_file_size(const awp_file *f)
{
	return f->size;
}

AWP_EXTERN void awp_file_free(awp_file *f)
{
	if (!f)
		return;
	f->fs->ops->file_close(f->fh);
	free(f);
}

AWP_EXTERN int awp_fs_read_file(awp_fs *fs, const char *path, size_t max_size, char **out, size_t *out_len)
{
	awp_stat st;
	awp_file *f = NULL;
	char *buf = NULL;
	int err = awp_fs_lookup(fs, path, 1, &st);
	if (err < 0)
		return err;
	if (st.type != AWP_FT_REG)
		return awp_error_set(AWP_EINVAL, "%s: %s: not a regular file", fs->name, path);
	if (st.size > max_size)
		return awp_error_set(AWP_ELIMIT, "%s: %s: %llu bytes exceeds the limit of %zu", fs->name, path,
				     (unsigned long long)st.size, max_size);
	if ((err = awp_file_open(&f, fs, st.ino)) < 0)
		return err;
	size_t size = (size_t)awp_file_size(f);
	if (size > max_size) {
		err = awp_error_set(AWP_ELIMIT, "%s: %s: too large", fs->name, path);
		goto done;
	}
	buf = awp_malloc(size + 1);
	if (!buf) {
		err = AWP_ENOMEM;
		goto done;
	}
	size_t got = 0;
	while (got < size) {
		size_t n = 0;
		if ((err = awp_file_read(f, buf + got, size - got, got, &n)) < 0)
			goto done;
		if (n == 0)
			break;
		got += n;
	}
	buf[got] = '\0';
	*out = buf;
	*out_len = got;
	buf = NULL;
done:
	free(buf);
	awp_file_free(f);
	return err;
}
