/*
 * pkg/dedup.c - the last analyzer: runs after all others (last in
 * analyzers.def) and
 *  1. removes a language package whose proving file an OS package installed
 *     (python3-yaml's PyYAML-6.0.dist-info/METADATA is dpkg's, not pip's):
 *     it is one package, reported under the OS package manager, and its
 *     ecosystem name is kept as an alias of the OS package for matching;
 *  2. fills the purl of every package that has none.
 */
#include "pkg/osdb_int.h"

#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

static int is_os(const char *type)
{
	return strcmp(type, "dpkg") == 0 || strcmp(type, "rpm") == 0 || strcmp(type, "apk") == 0;
}

static int add_alias(awp_inventory *inv, size_t owner, const char *alias)
{
	awp_package *o = &inv->pkgs[owner];
	if (strcmp(o->name, alias) == 0)
		return 0;
	for (size_t i = 0; i < o->alias_count; i++)
		if (strcmp(o->aliases[i], alias) == 0)
			return 0;
	const char **v = awp_malloc((o->alias_count + 1) * sizeof(*v));
	if (!v)
		return AWP_ENOMEM;
	for (size_t i = 0; i < o->alias_count; i++)
		v[i] = o->aliases[i];
	v[o->alias_count] = alias;
	int err = awp_inv_set_aliases(inv, owner, v, o->alias_count + 1);
	free(v);
	return err;
}

int awp_inv_dedup(awp_inventory *inv)
{
	if (inv->nowned == 0 || inv->count == 0)
		return 0;
	unsigned char *keep = awp_malloc(inv->count);
	if (!keep)
		return AWP_ENOMEM;
	memset(keep, 1, inv->count);
	size_t dropped = 0;
	int err = 0;
	for (size_t i = 0; i < inv->count; i++) {
		const awp_package *p = &inv->pkgs[i];
		if (is_os(p->type) || !p->path[0])
			continue;
		long owner = awp_inventory_owner(inv, p->path, NULL);
		if (owner < 0 || (size_t)owner == i || !is_os(inv->pkgs[owner].type))
			continue;
		if ((err = add_alias(inv, (size_t)owner, p->name)) < 0)
			goto done;
		keep[i] = 0;
		dropped++;
	}
	if (dropped)
		err = awp_inv_compact(inv, keep);
done:
	free(keep);
	return err;
}

static int finish(awp_inventory *inv)
{
	int err = awp_inv_dedup(inv);
	if (err < 0)
		return err;
	for (size_t i = 0; i < inv->count; i++) {
		if (inv->pkgs[i].purl[0])
			continue;
		const char *purl = awp_purl_make(inv, &inv->pkgs[i]);
		if (!purl)
			return AWP_ENOMEM;
		inv->pkgs[i].purl = purl;
	}
	return 0;
}

const awp_analyzer awp_analyzer_dedup = {"dedup", NULL, NULL, NULL, finish};
