/*
 * fs/walk.c - depth-first walk in name order.
 *
 * Loops: every directory inode is entered at most once (a set of visited
 * directory inodes), so a damaged filesystem whose directory points back at
 * an ancestor cannot make the walk spin. Memory: one sorted entry list per
 * level of the current path, so usage follows depth x directory size, not
 * the size of the filesystem.
 */
#include <awp/walk.h>

#include "fs/fs_int.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include "util/u64set.h"

#include <stdlib.h>
#include <string.h>

struct walker {
	awp_fs *fs;
	const awp_walk_options *opts;
	awp_walk_cb cb;
	void *payload;
	unsigned max_depth;
	awp_u64set dirs_seen;
	awp_u64set links_seen;
	awp_strbuf path;
};

struct entry {
	uint64_t head; /* the name's first 8 bytes, big-endian, zero-padded: most comparisons end here */
	const char *name;
	size_t at; /* the name's offset in the list's names (its address once they stop moving) */
	uint64_t ino;
};

/* A directory's entries; their names end to end in one buffer (one
 * allocation per directory instead of one per name). */
struct entry_list {
	struct entry *items;
	size_t count, cap;
	awp_strbuf names;
	int err;
};

static int collect_cb(const awp_dirent *ent, void *payload)
{
	struct entry_list *l = payload;
	if (strcmp(ent->name, ".") == 0 || strcmp(ent->name, "..") == 0 || ent->name[0] == '\0')
		return 0;
	if (strchr(ent->name, '/'))
		return 0; /* a name with '/' cannot be addressed; damaged directory */
	size_t at = l->names.len;
	if (AWP_GROW(l->items, l->cap, l->count + 1) < 0 || awp_strbuf_add(&l->names, ent->name, strlen(ent->name) + 1) < 0) {
		l->err = AWP_ENOMEM;
		return -1;
	}
	struct entry *e = &l->items[l->count++];
	e->at = at;
	e->ino = ent->ino;
	e->head = 0;
	for (size_t i = 0; i < 8 && ent->name[i]; i++)
		e->head |= (uint64_t)(unsigned char)ent->name[i] << (56 - 8 * i);
	return 0;
}

/* strcmp order (bytes as unsigned char), the 8-byte heads first */
static int by_name(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	if (x->head != y->head)
		return x->head < y->head ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void report(struct walker *w, const char *path, int code)
{
	w->fs->walk_errors++;
	if (w->opts && w->opts->on_error)
		w->opts->on_error(path, code, awp_error_last(), w->opts->error_payload);
}

static int walk_dir(struct walker *w, uint64_t dir_ino, unsigned depth)
{
	struct entry_list l = {0};
	int err = awp_fs_readdir(w->fs, dir_ino, collect_cb, &l);
	if (l.err < 0) {
		err = l.err;
		goto done;
	}
	if (err < 0) {
		/* Entries read before the damage are still walked. */
		report(w, awp_strbuf_cstr(&w->path), err);
		err = 0;
	}
	for (size_t i = 0; i < l.count; i++)
		l.items[i].name = l.names.ptr + l.items[i].at;
	if (l.count > 1) /* qsort(NULL, 0) is undefined behaviour (empty directory) */
		qsort(l.items, l.count, sizeof(*l.items), by_name);
	size_t base = w->path.len;
	for (size_t i = 0; i < l.count && err >= 0; i++) {
		awp_strbuf_truncate(&w->path, base);
		if ((base == 1 ? 0 : awp_strbuf_putc(&w->path, '/')) < 0 ||
		    awp_strbuf_puts(&w->path, l.items[i].name) < 0) {
			err = AWP_ENOMEM;
			break;
		}
		awp_walk_entry e = {.path = w->path.ptr, .name = l.items[i].name, .depth = depth + 1};
		int serr = awp_fs_stat(w->fs, l.items[i].ino, &e.st);
		if (serr < 0) {
			report(w, w->path.ptr, serr);
			continue;
		}
		e.st.ino = l.items[i].ino;
		if (e.st.type != AWP_FT_DIR && e.st.nlink > 1) {
			int added = awp_u64set_add(&w->links_seen, e.st.ino);
			if (added < 0) {
				err = added;
				break;
			}
			e.hardlink_repeat = !added;
		}
		int r = w->cb(w->fs, &e, w->payload);
		if (r < 0) {
			err = r;
			break;
		}
		if (e.st.type != AWP_FT_DIR || r == AWP_WALK_SKIP)
			continue;
		int added = awp_u64set_add(&w->dirs_seen, e.st.ino);
		if (added < 0) {
			err = added;
			break;
		}
		if (!added) {
			awp_error_set(AWP_ECORRUPT, "%s: %s: directory inode %llu already visited (directory loop)",
				      w->fs->name, w->path.ptr, (unsigned long long)e.st.ino);
			report(w, w->path.ptr, AWP_ECORRUPT);
			continue;
		}
		if (depth + 1 >= w->max_depth) {
			awp_error_set(AWP_ELIMIT, "%s: %s: deeper than %u levels, not descended", w->fs->name,
				      w->path.ptr, w->max_depth);
			report(w, w->path.ptr, AWP_ELIMIT);
			continue;
		}
		err = walk_dir(w, e.st.ino, depth + 1);
	}
	awp_strbuf_truncate(&w->path, base);
done:
	awp_strbuf_free(&l.names);
	free(l.items);
	return err;
}

AWP_EXTERN int awp_fs_walk(awp_fs *fs, const awp_walk_options *opts, awp_walk_cb cb, void *payload)
{
	struct walker w = {.fs = fs, .opts = opts, .cb = cb, .payload = payload};
	const char *start = opts && opts->start ? opts->start : "/";
	w.max_depth = opts && opts->max_depth && opts->max_depth < AWP_WALK_MAX_DEPTH ? opts->max_depth
										       : AWP_WALK_MAX_DEPTH;
	fs->walk_errors = 0;
	awp_walk_entry root = {.name = "/", .depth = 0};
	int err = awp_fs_lookup(fs, start, 1, &root.st);
	if (err < 0)
		return err;
	/* Normalise the start path: "/" or "/a/b" without a trailing slash. */
	if ((err = awp_strbuf_puts(&w.path, start[0] == '/' ? start : "/")) < 0)
		goto done;
	while (w.path.len > 1 && w.path.ptr[w.path.len - 1] == '/')
		awp_strbuf_truncate(&w.path, w.path.len - 1);
	root.path = w.path.ptr;
	int r = cb(fs, &root, payload);
	if (r < 0) {
		err = r;
		goto done;
	}
	if (root.st.type == AWP_FT_DIR && r != AWP_WALK_SKIP) {
		if ((err = awp_u64set_add(&w.dirs_seen, root.st.ino)) < 0)
			goto done;
		err = walk_dir(&w, root.st.ino, 0);
	}
done:
	awp_u64set_free(&w.dirs_seen);
	awp_u64set_free(&w.links_seen);
	awp_strbuf_free(&w.path);
	return err < 0 ? err : 0;
}

AWP_EXTERN size_t awp_fs_walk_errors(const awp_fs *fs)
{
	return fs->walk_errors;
}
