/*
 * cli/cmd_ls.c - `awp ls TARGET [PATH]`: list files inside an image, a
 * device or a directory, without mounting anything.
 *
 * Exit: 0 listed everything, 1 listed with errors (unreadable directories
 * or files are reported on stderr), 2 usage, 3 nothing could be listed.
 */
#include "cli.h"

#include <awp/target.h>
#include <awp/walk.h>

#include "util/mem.h"
#include "util/sha256.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct ls_opts {
	int longfmt, recursive, sha256;
	size_t errors;
	awp_sha256 *hash;
	char *buf;
};

enum { READ_CHUNK = 1 << 20 };

static char type_char(awp_ftype t)
{
	switch (t) {
	case AWP_FT_DIR: return 'd';
	case AWP_FT_SYMLINK: return 'l';
	case AWP_FT_CHR: return 'c';
	case AWP_FT_BLK: return 'b';
	case AWP_FT_FIFO: return 'p';
	case AWP_FT_SOCK: return 's';
	case AWP_FT_REG: return '-';
	default: return '?';
	}
}

static void mode_string(const awp_stat *st, char out[11])
{
	static const char rwx[] = "rwxrwxrwx";
	out[0] = type_char(st->type);
	for (int i = 0; i < 9; i++)
		out[1 + i] = (st->mode & (0400u >> i)) ? rwx[i] : '-';
	if (st->mode & 04000)
		out[3] = (st->mode & 0100) ? 's' : 'S';
	if (st->mode & 02000)
		out[6] = (st->mode & 0010) ? 's' : 'S';
	if (st->mode & 01000)
		out[9] = (st->mode & 0001) ? 't' : 'T';
	out[10] = '\0';
}

/* Hash a regular file's content in chunks; "-" for anything else. */
static int file_digest(awp_fs *fs, const awp_stat *st, struct ls_opts *o, char hex[65])
{
	snprintf(hex, 65, "-");
	if (st->type != AWP_FT_REG)
		return 0;
	awp_file *f = NULL;
	int err = awp_file_open(&f, fs, st->ino);
	if (err < 0)
		return err;
	uint64_t off = 0;
	for (;;) {
		size_t n = 0;
		if ((err = awp_file_read(f, o->buf, READ_CHUNK, off, &n)) < 0)
			break;
		if (n == 0)
			break;
		awp_sha256_update(o->hash, o->buf, n);
		off += n;
	}
	awp_file_free(f);
	uint8_t d[32];
	awp_sha256_final(o->hash, d);
	if (err >= 0)
		awp_hex(d, 32, hex);
	return err;
}

static void print_entry(awp_fs *fs, const char *shown, const awp_stat *st, struct ls_opts *o)
{
	if (o->sha256) {
		char hex[65];
		if (file_digest(fs, st, o, hex) < 0) {
			cli_warn("%s", awp_error_last());
			o->errors++;
			snprintf(hex, sizeof hex, "!");
		}
		printf("%s  ", hex);
	}
	if (o->longfmt) {
		char mode[11], when[32];
		time_t t = (time_t)st->mtime;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
		mode_string(st, mode);
		if (st->type == AWP_FT_CHR || st->type == AWP_FT_BLK)
			printf("%s %3u %5u %5u %6u,%-6u %s ", mode, st->nlink, st->uid, st->gid, st->rdev_major,
			       st->rdev_minor, when);
		else
			printf("%s %3u %5u %5u %13llu %s ", mode, st->nlink, st->uid, st->gid,
			       (unsigned long long)st->size, when);
	}
	fputs(shown, stdout);
	if (o->longfmt && st->type == AWP_FT_SYMLINK) {
		char *target = NULL;
		if (awp_fs_readlink(fs, st->ino, &target) == 0)
			printf(" -> %s", target);
		free(target);
	}
	if (o->longfmt && st->type == AWP_FT_REG && st->allocated && st->allocated < st->size)
		printf("  (sparse)");
	putchar('\n');
}

static int walk_cb(awp_fs *fs, const awp_walk_entry *e, void *payload)
{
	if (e->depth == 0)
		return 0;
	print_entry(fs, e->path, &e->st, payload);
	return 0;
}

static void walk_error(const char *path, int code, const char *msg, void *payload)
{
	(void)path;
	(void)code;
	struct ls_opts *o = payload;
	cli_warn("%s", msg);
	o->errors++;
}

struct name_list {
	char **names;
	uint64_t *inos;
	size_t count, cap;
};

static int collect(const awp_dirent *ent, void *payload)
{
	struct name_list *l = payload;
	if (AWP_GROW(l->names, l->cap, l->count + 1) < 0)
		return -1;
	size_t cap2 = l->cap;
	l->inos = awp_reallocarray(l->inos, cap2, sizeof(*l->inos));
	if (!l->inos || !(l->names[l->count] = awp_strdup(ent->name)))
		return -1;
	l->inos[l->count++] = ent->ino;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_dir(awp_fs *fs, const awp_stat *dir, struct ls_opts *o)
{
	struct name_list l = {0};
	int err = awp_fs_readdir(fs, dir->ino, collect, &l);
	if (err < 0) {
		cli_warn("%s", awp_error_last());
		o->errors++;
	}
	/* Sort names, carrying inode numbers along. */
	size_t n = l.count;
	char **pairs = awp_calloc(n ? n : 1, sizeof(char *));
	for (size_t i = 0; pairs && i < n; i++) {
		char *p = awp_asprintf("%s%c%llu", l.names[i], '\0', (unsigned long long)l.inos[i]);
		pairs[i] = p;
	}
	if (pairs)
		qsort(pairs, n, sizeof(char *), by_name);
	for (size_t i = 0; pairs && i < n; i++) {
		if (!pairs[i])
			continue;
		uint64_t ino = strtoull(pairs[i] + strlen(pairs[i]) + 1, NULL, 10);
		awp_stat st;
		if (awp_fs_stat(fs, ino, &st) < 0) {
			cli_warn("%s", awp_error_last());
			o->errors++;
			continue;
		}
		print_entry(fs, pairs[i], &st, o);
	}
	for (size_t i = 0; i < n; i++) {
		free(l.names[i]);
		if (pairs)
			free(pairs[i]);
	}
	free(pairs);
	free(l.names);
	free(l.inos);
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: awp ls [-l] [-R] [--sha256] [--volume NAME] TARGET [PATH]\n\n"
		     "List files inside a disk image, block device or directory without\n"
		     "mounting it. PATH defaults to '/'. Symlinks resolve inside the image only.\n\n"
		     "  -l             long format: mode, links, uid, gid, size, mtime (UTC), symlink target\n"
		     "  -R             recursive: every path below PATH, in name order\n"
		     "  --sha256       prefix each regular file with the SHA-256 of its content\n"
		     "  -V, --volume NAME  volume to read: name from 'awp inspect' (p1, vg0/root),\n"
		     "                 partition number, label or UUID (default: the root filesystem)\n"
		     "  -h, --help     this help\n\n"
		     "exit: 0 ok, 1 some entries could not be read, 2 usage, 3 nothing could be read\n");
}

int cmd_ls(int argc, char **argv)
{
	static const struct option opts[] = {{"long", no_argument, NULL, 'l'},
					     {"recursive", no_argument, NULL, 'R'},
					     {"sha256", no_argument, NULL, 's'},
					     {"volume", required_argument, NULL, 'V'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	struct ls_opts o = {0};
	const char *volume = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "lRV:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l': o.longfmt = 1; break;
		case 'R': o.recursive = 1; break;
		case 's': o.sha256 = 1; break;
		case 'V': volume = optarg; break;
		case 'h': usage(stdout); return AWP_EXIT_OK;
		default: usage(stderr); return AWP_EXIT_USAGE;
		}
	}
	if (optind >= argc || argc - optind > 2) {
		usage(stderr);
		return AWP_EXIT_USAGE;
	}
	const char *path = argc - optind == 2 ? argv[optind + 1] : "/";
	if (path[0] != '/') {
		cli_error("PATH must be absolute inside the target: %s", path);
		return AWP_EXIT_USAGE;
	}
	awp_target *t = cli_open_target(argv[optind]);
	if (!t)
		return AWP_EXIT_FAILED;
	int rc = AWP_EXIT_OK;
	awp_fs *fs = awp_target_pick_fs(t, volume);
	if (!fs) {
		cli_error("%s", awp_error_last());
		rc = AWP_EXIT_FAILED;
		goto done;
	}
	if (o.sha256 && (!(o.hash = awp_sha256_new()) || !(o.buf = malloc(READ_CHUNK)))) {
		cli_error("%s", o.hash ? "out of memory" : awp_error_last()); /* libcrypto may be missing */
		rc = AWP_EXIT_FAILED;
		goto done;
	}
	awp_stat st;
	if (awp_fs_lookup(fs, path, 1, &st) < 0) {
		cli_error("%s", awp_error_last());
		rc = AWP_EXIT_FAILED;
		goto done;
	}
	if (o.recursive) {
		awp_walk_options wo = AWP_WALK_OPTIONS_INIT;
		wo.start = path;
		wo.on_error = walk_error;
		wo.error_payload = &o;
		if (awp_fs_walk(fs, &wo, walk_cb, &o) < 0) {
			cli_error("%s", awp_error_last());
			rc = AWP_EXIT_FAILED;
			goto done;
		}
	} else if (st.type == AWP_FT_DIR) {
		list_dir(fs, &st, &o);
	} else {
		print_entry(fs, path, &st, &o);
	}
	if (fflush(stdout) != 0)
		rc = AWP_EXIT_FAILED;
	else if (o.errors)
		rc = AWP_EXIT_PARTIAL;
done:
	awp_sha256_free(o.hash);
	free(o.buf);
	awp_target_free(t);
	return rc;
}
