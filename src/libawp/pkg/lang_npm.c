/*
 * pkg/lang_npm.c - npm packages: every node_modules/<name>/package.json and
 * node_modules/@scope/<name>/package.json (nested trees and global
 * /usr/lib/node_modules alike), and package-lock.json / npm-shrinkwrap.json
 * (lockfileVersion 1: the "dependencies" tree; 2 and 3: the "packages" map
 * keyed by node_modules paths).
 *
 * An application's own package.json (not under node_modules) is not an
 * installed package and is not wanted. Package records are kept in the
 * inventory's arena during the walk; finish() then
 *   - adds lock entries whose project has no installed node_modules at all:
 *     the lock is then the only evidence of what the project runs with
 *     (an image whose node_modules lives elsewhere, a source checkout). When
 *     the project's node_modules holds anything, it is the truth: lock
 *     entries missing from it were omitted on purpose (dev or optional
 *     dependencies, `npm ci --omit=dev`) and are not installed.
 *   - resolves each dependency name the way Node's require() does: in
 *     <dir>/node_modules/<name>, then in each ancestor's node_modules.
 * Symlinked package directories (npm link) are not followed by the walker.
 */
#include "pkg/lang_int.h"

#include "util/error.h"
#include "util/mem.h"
#include "util/strbuf.h"

#include <stdlib.h>
#include <string.h>

struct npm_rec {
	struct npm_rec *next;
	const char *dir;         /* where the package is (or would be) installed */
	const char *root;        /* lock records: the lock's directory */
	const char *name, *version, *license, *path;
	const char **deps;
	size_t ndeps;
	size_t index;            /* inventory index; SIZE_MAX until added */
	int from_lock;
};

struct npm_state {
	struct npm_rec *head;
};

static struct npm_state *state(awp_inventory *inv)
{
	return lang_state(inv, AWP_ANALYZER_IDX_lang_npm, sizeof(struct npm_state));
}

static int npm_wants(const char *path, const char *name, const awp_stat *st)
{
	if (st->type != AWP_FT_REG)
		return 0;
	if (strcmp(name, "package-lock.json") == 0 || strcmp(name, "npm-shrinkwrap.json") == 0)
		return strstr(path, "/node_modules/") == NULL;
	if (strcmp(name, "package.json") != 0)
		return 0;
	/* <...>/node_modules/<pkg>/package.json or <...>/node_modules/@scope/<pkg>/package.json */
	size_t n = strlen(path) - strlen("/package.json");
	const char *p = path;
	size_t i = n;
	while (i > 0 && p[i - 1] != '/')
		i--;
	if (i == 0)
		return 0;
	size_t parent_end = i - 1; /* p[parent_end] == '/' */
	static const char nm[] = "/node_modules";
	size_t m = sizeof nm - 1;
	if (parent_end >= m && memcmp(p + parent_end - m, nm, m) == 0)
		return 1;
	size_t j = parent_end;
	while (j > 0 && p[j - 1] != '/')
		j--;
	return j > 0 && p[j] == '@' && j - 1 >= m && memcmp(p + j - 1 - m, nm, m) == 0;
}

/* Names of the keys of obj[key] appended to *deps (arena strings). */
static int add_dep_names(awp_inventory *inv, const cJSON *obj, const char *key, const char ***deps, size_t *n,
			 size_t *cap)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(obj, key), *it;
	if (!cJSON_IsObject(d))
		return 0;
	cJSON_ArrayForEach(it, d) {
		if (!it->string || *n >= AWP_MAX_PKG_DEPS)
			continue;
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 8;
			const char **nd = awp_arena_alloc(&inv->arena, nc * sizeof(*nd));
			if (!nd)
				return AWP_ENOMEM;
			if (*n)
				memcpy(nd, *deps, *n * sizeof(*nd));
			*deps = nd;
			*cap = nc;
		}
		if (!((*deps)[(*n)++] = awp_inv_str(inv, it->string)))
			return AWP_ENOMEM;
	}
	return 0;
}

static int record(awp_inventory *inv, const cJSON *obj, const char *dir, const char *root, const char *name,
		  const char *version, const char *license, const char *path, int from_lock, const char *depkey1,
		  const char *depkey2)
{
	struct npm_state *s = state(inv);
	struct npm_rec *r = awp_arena_alloc(&inv->arena, sizeof(*r));
	if (!s || !r)
		return AWP_ENOMEM;
	memset(r, 0, sizeof(*r));
	r->dir = awp_inv_str(inv, dir);
	r->root = awp_inv_str(inv, root);
	r->name = awp_inv_str(inv, name);
	r->version = awp_inv_str(inv, version);
	r->license = awp_inv_str(inv, license);
	r->path = awp_inv_str(inv, path);
	if (!r->dir || !r->root || !r->name || !r->version || !r->license || !r->path)
		return AWP_ENOMEM;
	size_t cap = 0;
	int err;
	if ((err = add_dep_names(inv, obj, depkey1, &r->deps, &r->ndeps, &cap)) < 0 ||
	    (err = add_dep_names(inv, obj, depkey2, &r->deps, &r->ndeps, &cap)) < 0)
		return err;
	r->from_lock = from_lock;
	r->index = SIZE_MAX;
	if (!from_lock && (err = lang_add(inv, "npm", "npm", name, version, path, "", license, &r->index)) < 0)
		return err;
	r->next = s->head;
	s->head = r;
	return 0;
}

int lang_npm_parse_package(awp_inventory *inv, const char *path, const char *buf, size_t len)
{
	cJSON *j = NULL;
	int err = lang_json_parse(inv, path, buf, len, &j);
	if (err)
		return err < 0 ? err : 0;
	const char *name = lang_jstr(j, "name"), *version = lang_jstr(j, "version");
	if (!cJSON_IsObject(j) || !name || !*name || !version) {
		err = awp_inv_warn(inv, path, "package.json without a name and version");
		goto done;
	}
	char lic[256];
	lang_jlicense(cJSON_GetObjectItemCaseSensitive(j, "license"), lic, sizeof lic);
	if (!lic[0])
		lang_jlicense(cJSON_GetObjectItemCaseSensitive(j, "licenses"), lic, sizeof lic);
	const char *slash = strrchr(path, '/');
	char *dir = awp_strndup(path, slash ? (size_t)(slash - path) : 0);
	if (!dir) {
		err = AWP_ENOMEM;
		goto done;
	}
	err = record(inv, j, dir, "", name, version, lic, path, 0, "dependencies", "optionalDependencies");
	free(dir);
done:
	cJSON_Delete(j);
	return err;
}

/* lockfileVersion 1: { "dependencies": { name: { version, requires, dependencies } } } */
static int lock_v1(awp_inventory *inv, const char *path, const char *root, const cJSON *deps, const char *parent,
		   int depth)
{
	if (depth > AWP_MAX_LOCK_DEPTH)
		return awp_inv_warn(inv, path, "dependencies nested deeper than %d", AWP_MAX_LOCK_DEPTH);
	const cJSON *it;
	int err = 0;
	cJSON_ArrayForEach(it, deps) {
		const char *version = lang_jstr(it, "version");
		if (!it->string || !*it->string || !version)
			continue;
		char *dir = awp_asprintf("%s/node_modules/%s", parent, it->string);
		if (!dir)
			return AWP_ENOMEM;
		err = record(inv, it, dir, root, it->string, version, "", path, 1, "requires", "");
		const cJSON *sub = cJSON_GetObjectItemCaseSensitive(it, "dependencies");
		if (err == 0 && cJSON_IsObject(sub))
			err = lock_v1(inv, path, root, sub, dir, depth + 1);
		free(dir);
		if (err < 0)
			return err;
	}
	return 0;
}

int lang_npm_parse_lock(awp_inventory *inv, const char *path, const char *buf, size_t len)
{
	cJSON *j = NULL;
	int err = lang_json_parse(inv, path, buf, len, &j);
	if (err)
		return err < 0 ? err : 0;
	const char *slash = strrchr(path, '/');
	char *root = awp_strndup(path, slash ? (size_t)(slash - path) : 0);
	if (!root) {
		err = AWP_ENOMEM;
		goto done;
	}
	const cJSON *pkgs = cJSON_GetObjectItemCaseSensitive(j, "packages");
	const cJSON *deps = cJSON_GetObjectItemCaseSensitive(j, "dependencies");
	if (cJSON_IsObject(pkgs)) {
		/* v2/v3: keys are install paths relative to the lock's directory. */
		const cJSON *it;
		cJSON_ArrayForEach(it, pkgs) {
			const char *key = it->string, *nm = key ? strstr(key, "node_modules/") : NULL;
			const char *version = lang_jstr(it, "version");
			if (!nm || !version || cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "link")))
				continue;
			const char *name = lang_jstr(it, "name");
			if (!name) { /* the name is the path after the last node_modules/ */
				const char *last = nm;
				while ((nm = strstr(last + 1, "node_modules/")) != NULL)
					last = nm;
				name = last + strlen("node_modules/");
			}
			if (!*name)
				continue;
			char lic[256];
			lang_jlicense(cJSON_GetObjectItemCaseSensitive(it, "license"), lic, sizeof lic);
			char *dir = awp_asprintf("%s/%s", root, key);
			if (!dir) {
				err = AWP_ENOMEM;
				goto done;
			}
			err = record(inv, it, dir, root, name, version, lic, path, 1, "dependencies",
				     "optionalDependencies");
			free(dir);
			if (err < 0)
				goto done;
		}
	} else if (cJSON_IsObject(deps)) {
		if ((err = lock_v1(inv, path, root, deps, root, 0)) < 0)
			goto done;
	} else if (!cJSON_IsObject(j)) {
		err = awp_inv_warn(inv, path, "lock file is not a JSON object");
	}
done:
	free(root);
	cJSON_Delete(j);
	return err;
}

static int npm_parse(awp_inventory *inv, awp_fs *fs, const char *path, const awp_stat *st)
{
	char *buf = NULL;
	size_t len = 0;
	int err = lang_read(inv, fs, path, &buf, &len);
	if (err == 0)
		err = lang_suffix(path, "/package.json") ? lang_npm_parse_package(inv, path, buf, len)
							 : lang_npm_parse_lock(inv, path, buf, len);
	free(buf);
	return err < 0 ? err : 0;
}

/* The part of an installed package's dir before its first node_modules. */
static size_t project_len(const char *dir)
{
	const char *nm = strstr(dir, "/node_modules/");
	return nm ? (size_t)(nm - dir) : strlen(dir);
}

int lang_npm_finish(awp_inventory *inv)
{
	struct npm_state *s = inv->analyzer_state[AWP_ANALYZER_IDX_lang_npm];
	if (!s)
		return 0;
	awp_strmap dirs = {0}, projects = {0};
	awp_strbuf sb = AWP_STRBUF_INIT;
	size_t *edges = NULL, nedges = 0, edgecap = 0;
	int err = 0;
	struct npm_rec *r;
	for (r = s->head; r; r = r->next) {
		if (r->from_lock)
			continue;
		char *proj = awp_arena_strndup(&inv->arena, r->dir, project_len(r->dir));
		if (!proj || awp_strmap_put(&dirs, r->dir, (size_t)(uintptr_t)r) < 0 ||
		    awp_strmap_put(&projects, proj, 1) < 0)
			goto nomem;
	}
	size_t unused;
	for (r = s->head; r; r = r->next) {
		if (!r->from_lock || awp_strmap_get(&projects, r->root, &unused))
			continue;
		if ((err = lang_add(inv, "npm", "npm", r->name, r->version, r->path, "", r->license, &r->index)) < 0)
			goto done;
		if (!awp_strmap_get(&dirs, r->dir, &unused) && awp_strmap_put(&dirs, r->dir, (size_t)(uintptr_t)r) < 0)
			goto nomem;
	}
	for (r = s->head; r; r = r->next) {
		if (r->index == SIZE_MAX || !r->ndeps)
			continue;
		nedges = 0;
		for (size_t i = 0; i < r->ndeps; i++) {
			/* Node's lookup: <dir>/node_modules/<dep>, then up the tree,
			 * skipping directories that are themselves node_modules. */
			size_t cur = strlen(r->dir);
			size_t found = SIZE_MAX, v;
			for (;;) {
				int is_nm = cur >= 13 && memcmp(r->dir + cur - 13, "/node_modules", 13) == 0;
				if (!is_nm) {
					awp_strbuf_truncate(&sb, 0);
					if (awp_strbuf_add(&sb, r->dir, cur) < 0 || awp_strbuf_puts(&sb, "/node_modules/") < 0 ||
					    awp_strbuf_puts(&sb, r->deps[i]) < 0)
						goto nomem;
					if (awp_strmap_get(&dirs, awp_strbuf_cstr(&sb), &v)) {
						found = ((struct npm_rec *)(uintptr_t)v)->index;
						break;
					}
				}
				if (cur == 0)
					break;
				while (cur > 0 && r->dir[cur - 1] != '/')
					cur--;
				if (cur > 0)
					cur--; /* drop the slash */
			}
			if (found == SIZE_MAX || found == r->index)
				continue;
			int dup = 0;
			for (size_t k = 0; k < nedges; k++)
				dup |= edges[k] == found;
			if (dup)
				continue;
			if (AWP_GROW(edges, edgecap, nedges + 1) < 0)
				goto nomem;
			edges[nedges++] = found;
		}
		if (nedges && (err = awp_inv_set_deps(inv, r->index, edges, nedges)) < 0)
			goto done;
	}
	goto done;
nomem:
	err = AWP_ENOMEM;
done:
	awp_strmap_free(&dirs);
	awp_strmap_free(&projects);
	awp_strbuf_free(&sb);
	free(edges);
	return err;
}

static int npm_finish(awp_inventory *inv)
{
	return lang_npm_finish(inv);
}

const awp_analyzer awp_analyzer_lang_npm = {
	.name = "lang_npm",
	.wants = npm_wants,
	.parse = npm_parse,
	.finish = npm_finish,
};
