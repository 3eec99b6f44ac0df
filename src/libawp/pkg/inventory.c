/*
 * pkg/inventory.c - the inventory object and one collection pass.
 */
#include "pkg/pkg_int.h"

#include "util/archive_dl.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/strbuf.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const awp_analyzer *const analyzers[] = {
#define AWP_ANALYZER(name) &awp_analyzer_##name,
#include "pkg/analyzers.def"
#undef AWP_ANALYZER
};
#define NANALYZERS (sizeof(analyzers) / sizeof(analyzers[0]))

const char *awp_inv_str(awp_inventory *inv, const char *s)
{
	return awp_arena_strdup(&inv->arena, s ? s : "");
}

int awp_inv_warn(awp_inventory *inv, const char *path, const char *fmt, ...)
{
	if (inv->nwarn >= AWP_MAX_WARNINGS && path[0]) {
		inv->warn_dropped++;
		return 0;
	}
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (AWP_GROW(inv->warns, inv->warncap, inv->nwarn + 1) < 0)
		return AWP_ENOMEM;
	awp_inventory_warning *w = &inv->warns[inv->nwarn];
	w->path = awp_inv_str(inv, path);
	w->message = awp_inv_str(inv, msg);
	if (!w->path || !w->message)
		return AWP_ENOMEM;
	inv->nwarn++;
	return 0;
}

int awp_inv_add(awp_inventory *inv, const awp_package *t, size_t *index)
{
	if (inv->count >= AWP_MAX_PACKAGES)
		return awp_error_set(AWP_ELIMIT, "more than %d packages", AWP_MAX_PACKAGES);
	/* arch is part of the key: multilib/multiarch installs (libc6:amd64 and
	 * libc6:i386, glibc.i686 and glibc.x86_64) are distinct packages. */
	char *key = awp_arena_printf(&inv->arena, "%s|%s|%s|%s|%s|%s", t->type ? t->type : "", t->name ? t->name : "",
				     t->version ? t->version : "", t->arch ? t->arch : "", t->path ? t->path : "",
				     t->entry ? t->entry : "");
	if (!key)
		return AWP_ENOMEM;
	size_t existing;
	if (awp_strmap_get(&inv->keys, key, &existing)) {
		if (index)
			*index = existing;
		return 0;
	}
	if (AWP_GROW(inv->pkgs, inv->cap, inv->count + 1) < 0)
		return AWP_ENOMEM;
	awp_package *p = &inv->pkgs[inv->count];
	memset(p, 0, sizeof(*p));
#define COPY(f) if (!(p->f = awp_inv_str(inv, t->f))) return AWP_ENOMEM
	COPY(type); COPY(name); COPY(version); COPY(source_name); COPY(source_version); COPY(arch);
	COPY(path); COPY(entry); COPY(manager); COPY(purl); COPY(license); COPY(vendor); COPY(modularity);
#undef COPY
	if (t->alias_count && awp_inv_set_aliases(inv, inv->count, t->aliases, t->alias_count) < 0)
		return AWP_ENOMEM;
	if (awp_strmap_put(&inv->keys, key, inv->count) < 0)
		return AWP_ENOMEM;
	if (index)
		*index = inv->count;
	inv->count++;
	return 0;
}

int awp_inv_set_aliases(awp_inventory *inv, size_t pkg, const char *const *aliases, size_t n)
{
	const char **a = n ? awp_arena_alloc(&inv->arena, n * sizeof(*a)) : NULL;
	if (n && !a)
		return AWP_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!(a[i] = awp_inv_str(inv, aliases[i])))
			return AWP_ENOMEM;
	inv->pkgs[pkg].aliases = a;
	inv->pkgs[pkg].alias_count = n;
	return 0;
}

int awp_inv_set_deps(awp_inventory *inv, size_t pkg, const size_t *deps, size_t n)
{
	size_t *d = n ? awp_arena_alloc(&inv->arena, n * sizeof(*d)) : NULL;
	if (n && !d)
		return AWP_ENOMEM;
	if (n)
		memcpy(d, deps, n * sizeof(*d));
	inv->pkgs[pkg].deps = d;
	inv->pkgs[pkg].dep_count = n;
	return 0;
}

int awp_inv_own_file(awp_inventory *inv, size_t pkg, const char *path, const char *digest)
{
	if (inv->nowned >= AWP_MAX_OWNED_FILES && !awp_strmap_get(&inv->owned, path, NULL))
		return awp_error_set(AWP_ELIMIT, "more than %d files owned by packages", AWP_MAX_OWNED_FILES);
	if (AWP_GROW(inv->owned_files, inv->ownedcap, inv->nowned + 1) < 0)
		return AWP_ENOMEM;
	const char *key = awp_inv_str(inv, path);
	const char *dg = digest && digest[0] ? awp_inv_str(inv, digest) : "";
	if (!key || !dg)
		return AWP_ENOMEM;
	size_t idx;
	int added = awp_strmap_add(&inv->owned, key, inv->nowned, &idx);
	if (added < 0)
		return AWP_ENOMEM;
	if (!added) {
		/* Shared files and diversions: the first owner wins; a digest
		 * arriving later fills a missing one. (The key's copy stays in the
		 * arena, unused: rare.) */
		if (dg[0] && !inv->owned_files[idx].digest[0])
			inv->owned_files[idx].digest = dg;
		return 0;
	}
	inv->owned_files[inv->nowned++] = (struct owned_file){pkg, dg};
	return 0;
}

int awp_inv_compact(awp_inventory *inv, const unsigned char *keep)
{
	size_t *map = awp_calloc(inv->count ? inv->count : 1, sizeof(*map));
	if (!map)
		return AWP_ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < inv->count; i++) {
		map[i] = keep[i] ? n : SIZE_MAX;
		if (keep[i])
			inv->pkgs[n++] = inv->pkgs[i];
	}
	for (size_t i = 0; i < n; i++) {
		awp_package *p = &inv->pkgs[i];
		size_t *d = (size_t *)p->deps, m = 0;
		for (size_t j = 0; j < p->dep_count; j++)
			if (map[d[j]] != SIZE_MAX)
				d[m++] = map[d[j]];
		p->dep_count = m;
	}
	for (size_t i = 0; i < inv->nowned; i++)
		if (map[inv->owned_files[i].pkg] != SIZE_MAX)
			inv->owned_files[i].pkg = map[inv->owned_files[i].pkg];
	/* The dedup keys point at old indices: rebuild them. */
	awp_strmap_free(&inv->keys);
	for (size_t i = 0; i < n; i++) {
		awp_package *p = &inv->pkgs[i];
		char *key = awp_arena_printf(&inv->arena, "%s|%s|%s|%s|%s|%s", p->type, p->name, p->version, p->arch,
					     p->path, p->entry);
		if (!key || awp_strmap_put(&inv->keys, key, i) < 0) {
			free(map);
			return AWP_ENOMEM;
		}
	}
	inv->count = n;
	free(map);
	return 0;
}

int awp_inv_read_file(awp_inventory *inv, awp_fs *fs, const char *path, size_t max, char **out, size_t *len)
{
	int err = awp_fs_read_file(fs, path, max, out, len);
	if (err < 0 && err != AWP_ENOMEM)
		awp_inv_warn(inv, path, "%s", awp_error_last());
	return err;
}

/* --- collection ------------------------------------------------------------ */

/*
 * Files met by a walk that runs beside the OS databases and parsed after
 * it, their packages spliced in where the walk met them:
 * - executables, parsed once it is known whether an OS package installed
 *   them (then they are not read: pkg/lang_elf.c);
 * - Java archives, because reading one needs libarchive, whose loading
 *   (with libxml2 and ICU) costs ~2.5 ms: the first archive met starts a
 *   thread that loads it while the walk goes on.
 */
struct deferred {
	const awp_analyzer *a;
	const char *path; /* in the walk inventory's arena */
	awp_stat st;
	size_t pos;         /* walk inventory's package count when met: where its packages go */
	size_t first, last; /* its packages in the deferred files' inventory */
};

struct defer_list {
	struct deferred *v;
	size_t n, cap;
	pthread_t loader;
	int loading;      /* the loader thread runs */
	int loader_tried; /* started once (or failed to start: the parse loads it) */
	/* The OS-database thread, its databases in, parses items while the walk
	 * still queues them (it is usually done first); under mu: */
	pthread_mutex_t mu;
	pthread_cond_t more;
	size_t next;   /* the first item nobody has taken */
	int walk_done; /* no more items come */
};

static void *load_libarchive(void *unused)
{
	(void)unused;
	awp_archive_load(); /* a failure is reported by the parse that needs it */
	return NULL;
}

struct walk_ctx {
	awp_inventory *inv;
	int err;
	awp_inventory_entry_cb hook;
	void *hook_payload;
	struct defer_list *defer; /* NULL: every file parsed as met */
};

static int walk_cb(awp_fs *fs, const awp_walk_entry *e, void *payload)
{
	struct walk_ctx *w = payload;
	if (e->st.type == AWP_FT_DIR) {
		/* Pseudo filesystems of a live host directory hold no packages. */
		if (e->depth == 1 && (strcmp(e->path, "/proc") == 0 || strcmp(e->path, "/sys") == 0 ||
				      strcmp(e->path, "/dev") == 0))
			return AWP_WALK_SKIP;
	}
	if (w->hook) {
		int err = w->hook(fs, e, w->inv, w->hook_payload);
		if (err < 0) {
			w->err = err;
			return err;
		}
	}
	if (e->hardlink_repeat)
		return 0;
	for (size_t i = 0; i < NANALYZERS; i++) {
		const awp_analyzer *a = analyzers[i];
		if (!a->wants || !a->wants(e->path, e->name, &e->st))
			continue;
		/* (past the cap, files are parsed as met: bounded memory) */
		if (w->defer && (a == &awp_analyzer_lang_binary || a == &awp_analyzer_lang_java) &&
		    w->defer->n < AWP_MAX_DEFERRED_FILES) {
			struct defer_list *d = w->defer;
			const char *path = awp_inv_str(w->inv, e->path);
			pthread_mutex_lock(&d->mu);
			int grown = path ? AWP_GROW(d->v, d->cap, d->n + 1) : AWP_ENOMEM;
			if (grown == 0) {
				d->v[d->n++] = (struct deferred){a, path, e->st, w->inv->count, 0, 0};
				pthread_cond_signal(&d->more);
			}
			pthread_mutex_unlock(&d->mu);
			if (grown < 0) {
				w->err = AWP_ENOMEM;
				return w->err;
			}
			if (a == &awp_analyzer_lang_java && !d->loader_tried) {
				d->loader_tried = 1;
				d->loading = pthread_create(&d->loader, NULL, load_libarchive, NULL) == 0;
			}
			break;
		}
		int err = a->parse(w->inv, fs, e->path, &e->st);
		if (err == AWP_ENOMEM || err == AWP_ELIMIT) {
			w->err = err;
			return err;
		}
		break;
	}
	return 0;
}

static void walk_error(const char *path, int code, const char *message, void *payload)
{
	(void)code;
	awp_inv_warn(payload, path, "%s", message);
}

/* Read the OS package databases (dpkg, rpm, apk) into inv. */
static int collect_os_packages(awp_inventory *inv, awp_fs *fs)
{
	for (size_t i = 0; i < NANALYZERS; i++) {
		int err;
		if (analyzers[i]->collect && strcmp(analyzers[i]->name, "os") != 0 &&
		    (err = analyzers[i]->collect(inv, fs)) < 0)
			return err;
	}
	return 0;
}

static int walk_lang(awp_inventory *inv, awp_fs *fs, awp_inventory_entry_cb hook, void *payload,
		     struct defer_list *defer)
{
	struct walk_ctx w = {inv, 0, hook, payload, defer};
	awp_walk_options wo = AWP_WALK_OPTIONS_INIT;
	wo.on_error = walk_error;
	wo.error_payload = inv;
	int err = awp_fs_walk(fs, &wo, walk_cb, &w);
	return w.err < 0 ? w.err : err;
}

/* Run the finish() steps: those before dedup (`before_dedup`), or dedup and
 * what follows it. */
static int finish(awp_inventory *inv, int before_dedup)
{
	int after = 0;
	for (size_t i = 0; i < NANALYZERS; i++) {
		after |= i == AWP_ANALYZER_IDX_dedup;
		int err;
		if (after != !before_dedup || !analyzers[i]->finish)
			continue;
		if ((err = analyzers[i]->finish(inv)) < 0)
			return err;
	}
	return 0;
}

/* Append `from` (language packages, warnings) to `inv`: package indices
 * shift, so dependency edges are remapped. */
/* Add `from`'s packages to `inv` (deps remapped), their indices into map. */
static int add_packages(awp_inventory *inv, const awp_inventory *from, size_t lo, size_t hi, size_t *map)
{
	for (size_t i = lo; i < hi; i++) {
		int err = awp_inv_add(inv, &from->pkgs[i], &map[i]);
		if (err < 0)
			return err;
	}
	return 0;
}

static int remap_deps(awp_inventory *inv, const awp_inventory *from, const size_t *map)
{
	for (size_t i = 0; i < from->count; i++) {
		const awp_package *p = &from->pkgs[i];
		size_t *d = p->dep_count ? awp_arena_alloc(&inv->arena, p->dep_count * sizeof(*d)) : NULL;
		if (p->dep_count && !d)
			return AWP_ENOMEM;
		for (size_t k = 0; k < p->dep_count; k++)
			d[k] = p->deps[k] < from->count ? map[p->deps[k]] : p->deps[k];
		inv->pkgs[map[i]].deps = d;
		inv->pkgs[map[i]].dep_count = p->dep_count;
	}
	return 0;
}

static int add_warnings(awp_inventory *inv, const awp_inventory *from)
{
	int err = 0;
	for (size_t i = 0; i < from->nwarn && err >= 0; i++)
		err = awp_inv_warn(inv, from->warns[i].path, "%s", from->warns[i].message);
	inv->warn_dropped += from->warn_dropped;
	return err;
}

/* Merge the walk's inventory into `inv`; the packages of deferred files
 * (`elf`, may be NULL) go where the walk met them, so the order is the one
 * a single walk would have given. */
static int merge(awp_inventory *inv, const awp_inventory *from, const awp_inventory *elf, const struct defer_list *d)
{
	size_t *map = awp_calloc(from->count + 1, sizeof(*map));
	size_t *emap = elf ? awp_calloc(elf->count + 1, sizeof(*emap)) : NULL;
	int err = !map || (elf && !emap) ? AWP_ENOMEM : 0;
	size_t c = 0, nc = elf && d ? d->n : 0;
	for (size_t i = 0; i <= from->count && err >= 0; i++) {
		for (; c < nc && d->v[c].pos <= i && err >= 0; c++)
			err = add_packages(inv, elf, d->v[c].first, d->v[c].last, emap);
		if (i < from->count && err >= 0)
			err = add_packages(inv, from, i, i + 1, map);
	}
	if (err >= 0)
		err = remap_deps(inv, from, map);
	if (err >= 0 && elf)
		err = remap_deps(inv, elf, emap);
	if (err >= 0)
		err = add_warnings(inv, from);
	if (err >= 0 && elf)
		err = add_warnings(inv, elf);
	free(map);
	free(emap);
	return err;
}

/* One deferred file into the deferred files' inventory `elf`, its packages
 * at [*first, *last); an executable that an OS package installed (owners'
 * file lists) is not read: its packages would be dropped as the OS
 * package's, and its advisories are that package's. */
static int parse_one(const awp_inventory *owners, awp_fs *fs, awp_inventory *elf, const struct deferred *c,
		     size_t *first, size_t *last)
{
	*first = *last = elf->count;
	if (c->a == &awp_analyzer_lang_binary && awp_inventory_owner(owners, c->path, NULL) >= 0)
		return 0;
	int err = c->a->parse(elf, fs, c->path, &c->st);
	if (err == AWP_ENOMEM || err == AWP_ELIMIT)
		return err;
	*last = elf->count;
	return 0;
}

/* The OS-database thread's share: items as the walk queues them, in order,
 * until the walk is done and none is left. */
static int take_deferred(struct defer_list *d, const awp_inventory *owners, awp_fs *fs, awp_inventory *elf)
{
	int err = 0;
	pthread_mutex_lock(&d->mu);
	while (err >= 0) {
		if (d->next < d->n) {
			size_t i = d->next++, first, last;
			struct deferred c = d->v[i]; /* v may move while unlocked */
			pthread_mutex_unlock(&d->mu);
			err = parse_one(owners, fs, elf, &c, &first, &last);
			pthread_mutex_lock(&d->mu);
			d->v[i].first = first;
			d->v[i].last = last;
		} else if (d->walk_done) {
			break;
		} else {
			pthread_cond_wait(&d->more, &d->mu);
		}
	}
	pthread_mutex_unlock(&d->mu);
	return err;
}

/* The items the OS-database thread left (after it was joined). */
static int parse_deferred(const awp_inventory *owners, awp_fs *fs, awp_inventory *elf, struct defer_list *d)
{
	if (d->loading) {
		pthread_join(d->loader, NULL);
		d->loading = 0;
	}
	for (; d->next < d->n; d->next++) {
		struct deferred *c = &d->v[d->next];
		int err = parse_one(owners, fs, elf, c, &c->first, &c->last);
		if (err < 0)
			return err;
	}
	return 0;
}

/* The OS databases on a thread of their own (own filesystem handle) while
 * the calling thread walks for language packages; then the deferred files
 * the walk has queued. */
struct os_job {
	awp_inventory *inv;
	awp_fs *fs;
	struct defer_list *defer;
	awp_inventory *elf;
	int err, defer_err;
	char msg[512];
};

static void *os_main(void *arg)
{
	struct os_job *j = arg;
	if ((j->err = collect_os_packages(j->inv, j->fs)) < 0)
		snprintf(j->msg, sizeof j->msg, "%s", awp_error_last());
	else if (j->elf && (j->defer_err = take_deferred(j->defer, j->inv, j->fs, j->elf)) < 0)
		snprintf(j->msg, sizeof j->msg, "%s", awp_error_last());
	return NULL;
}

/* Language packages into a second inventory while a thread reads the OS
 * databases into `inv`, then one inventory. 1 when it ran, 0 when it could
 * not start (no second handle or thread: the caller goes sequential). */
static void detect_usr_merge(awp_inventory *inv, awp_fs *fs);

static int collect_parallel(awp_inventory *inv, awp_fs *fs)
{
	struct defer_list defer = {0};
	if (pthread_mutex_init(&defer.mu, NULL) != 0)
		return 0;
	if (pthread_cond_init(&defer.more, NULL) != 0) {
		pthread_mutex_destroy(&defer.mu);
		return 0;
	}
	awp_inventory *lang = awp_calloc(1, sizeof(*lang)), *elf = awp_calloc(1, sizeof(*elf));
	/* The deferred files carry inode numbers of this handle: the other
	 * thread may open them through its own only where the numbers are the
	 * filesystem's (a host directory numbers inodes per handle). */
	const char *type = awp_fs_info_get(fs)->type;
	int same_inos = strncmp(type, "ext", 3) == 0 || strcmp(type, "xfs") == 0;
	struct os_job j = {inv, NULL, &defer, same_inos ? elf : NULL, 0, 0, ""};
	pthread_t th;
	if (!lang || !elf || awp_fs_reopen(&j.fs, fs) < 0 || pthread_create(&th, NULL, os_main, &j) != 0) {
		free(lang);
		free(elf);
		awp_fs_free(j.fs);
		pthread_cond_destroy(&defer.more);
		pthread_mutex_destroy(&defer.mu);
		return 0;
	}
	lang->os = elf->os = inv->os; /* read only (strings in inv's arena) */
	int err = walk_lang(lang, fs, NULL, NULL, &defer);
	pthread_mutex_lock(&defer.mu);
	defer.walk_done = 1;
	pthread_cond_broadcast(&defer.more);
	pthread_mutex_unlock(&defer.mu);
	if (err >= 0)
		err = finish(lang, 1);
	pthread_join(th, NULL);
	awp_fs_free(j.fs);
	if (err >= 0 && (j.err < 0 || j.defer_err < 0))
		err = awp_error_set(j.err < 0 ? j.err : j.defer_err, "%s", j.msg);
	if (err >= 0)
		err = parse_deferred(inv, fs, elf, &defer);
	if (err >= 0)
		err = merge(inv, lang, elf, &defer);
	if (defer.loading)
		pthread_join(defer.loader, NULL);
	free(defer.v);
	pthread_cond_destroy(&defer.more);
	pthread_mutex_destroy(&defer.mu);
	awp_inventory_free(elf);
	awp_inventory_free(lang);
	return err < 0 ? err : 1;
}

AWP_EXTERN int awp_inventory_collect(awp_inventory **out, awp_fs *fs, const awp_inventory_options *opts)
{
	awp_inventory_options defaults = AWP_INVENTORY_OPTIONS_INIT;
	if (!opts)
		opts = &defaults;
	awp_inventory *inv = awp_calloc(1, sizeof(*inv));
	if (!inv)
		return AWP_ENOMEM;
	inv->no_digests = opts->version >= 3 && !opts->file_digests;
	detect_usr_merge(inv, fs);
	int err = awp_analyzer_os.collect(inv, fs); /* first: the others read inv->os */
	if (err < 0)
		goto fail;
	awp_inventory_entry_cb hook = opts->version >= 2 ? opts->on_entry : NULL;
	void *payload = opts->version >= 2 ? opts->entry_payload : NULL;
	/* A walk hook sees package ownership during the walk: databases first. */
	int done = 0;
	if (opts->os_packages && opts->lang_packages && !hook && (err = collect_parallel(inv, fs)) < 0)
		goto fail;
	done = err > 0;
	if (!done) {
		if (opts->os_packages && (err = collect_os_packages(inv, fs)) < 0)
			goto fail;
		if (opts->lang_packages && (err = walk_lang(inv, fs, hook, payload, NULL)) < 0)
			goto fail;
		if ((err = finish(inv, 1)) < 0)
			goto fail;
	}
	if ((err = finish(inv, 0)) < 0)
		goto fail;
	if (inv->warn_dropped && awp_inv_warn(inv, "", "%zu more warnings not kept", inv->warn_dropped) < 0) {
		err = AWP_ENOMEM;
		goto fail;
	}
	*out = inv;
	return 0;
fail:
	awp_inventory_free(inv);
	return err;
}

AWP_EXTERN void awp_inventory_free(awp_inventory *inv)
{
	if (!inv)
		return;
	awp_strmap_free(&inv->owned);
	awp_strmap_free(&inv->keys);
	free(inv->owned_files);
	free(inv->pkgs);
	free(inv->warns);
	for (size_t i = 0; i < sizeof(inv->analyzer_state) / sizeof(inv->analyzer_state[0]); i++)
		free(inv->analyzer_state[i]);
	awp_arena_free(&inv->arena);
	free(inv);
}

AWP_EXTERN const awp_os_info *awp_inventory_os(const awp_inventory *inv) { return &inv->os; }
AWP_EXTERN size_t awp_inventory_count(const awp_inventory *inv) { return inv->count; }
AWP_EXTERN const awp_package *awp_inventory_get(const awp_inventory *inv, size_t i)
{
	return i < inv->count ? &inv->pkgs[i] : NULL;
}
AWP_EXTERN size_t awp_inventory_warning_count(const awp_inventory *inv) { return inv->nwarn; }
AWP_EXTERN const awp_inventory_warning *awp_inventory_warning_get(const awp_inventory *inv, size_t i)
{
	return i < inv->nwarn ? &inv->warns[i] : NULL;
}
AWP_EXTERN size_t awp_inventory_owned_file_count(const awp_inventory *inv) { return inv->nowned; }

/* Merged /usr (Debian 12, Fedora, RHEL 9, ...): /bin is a link to usr/bin
 * and so on, so /usr/bin/ls is the file that dpkg's list still calls
 * /bin/ls. Only directories that are such links on this filesystem are
 * treated as one: elsewhere /bin/x and /usr/bin/x are different files. */
static const char *const usr_twins[] = {"bin", "sbin", "lib", "lib32", "lib64", "libx32"};

static void detect_usr_merge(awp_inventory *inv, awp_fs *fs)
{
	for (size_t i = 0; i < sizeof usr_twins / sizeof usr_twins[0]; i++) {
		char top[16], want[24];
		awp_stat st;
		char *target = NULL;
		snprintf(top, sizeof top, "/%s", usr_twins[i]);
		if (awp_fs_lookup(fs, top, 0, &st) < 0 || st.type != AWP_FT_SYMLINK || awp_fs_readlink(fs, st.ino, &target) < 0)
			continue;
		snprintf(want, sizeof want, "usr/%s", usr_twins[i]);
		const char *t = target[0] == '/' ? target + 1 : target;
		size_t n = strlen(t);
		while (n && t[n - 1] == '/')
			n--;
		if (n == strlen(want) && memcmp(t, want, n) == 0)
			inv->usr_merged |= 1u << i;
		free(target);
	}
}

static long owner_exact(const awp_inventory *inv, const char *path, const char **digest)
{
	size_t idx;
	if (!awp_strmap_get(&inv->owned, path, &idx))
		return -1;
	if (digest)
		*digest = inv->owned_files[idx].digest;
	return (long)inv->owned_files[idx].pkg;
}

AWP_EXTERN long awp_inventory_owner(const awp_inventory *inv, const char *path, const char **digest)
{
	if (digest)
		*digest = "";
	long o = owner_exact(inv, path, digest);
	if (o >= 0 || !inv->usr_merged)
		return o;
	/* the twin name: /usr/bin/x <-> /bin/x */
	int in_usr = strncmp(path, "/usr/", 5) == 0;
	const char *rest = path + (in_usr ? 5 : 1);
	for (size_t i = 0; i < sizeof usr_twins / sizeof usr_twins[0]; i++) {
		size_t n = strlen(usr_twins[i]);
		if (!(inv->usr_merged & (1u << i)) || strncmp(rest, usr_twins[i], n) != 0 || rest[n] != '/')
			continue;
		if (in_usr)
			return owner_exact(inv, path + 4, digest);
		awp_strbuf alt = AWP_STRBUF_INIT;
		if (awp_strbuf_puts(&alt, "/usr") < 0 || awp_strbuf_puts(&alt, path) < 0) {
			awp_strbuf_free(&alt);
			return -1;
		}
		o = owner_exact(inv, alt.ptr, digest);
		awp_strbuf_free(&alt);
		return o;
	}
	return -1;
}
