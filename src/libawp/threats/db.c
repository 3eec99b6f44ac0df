/*
 * threats/db.c - the threat database: YARA rules (rules.c) and the hash and
 * IOC lists (lists.c), built-in and user-supplied, loaded once and shared
 * read-only by scans.
 */
#include "threats/threats_int.h"

#include "util/error.h"
#include "util/mem.h"

#include "util/yara_dl.h"

#include <stdlib.h>
#include <string.h>

static int load_builtin_lists(awp_threat_db *db, int lists)
{
	for (size_t i = 0; i < awp_threats_builtin_count; i++) {
		const awp_builtin_file *b = &awp_threats_builtin[i];
		char where[300];
		snprintf(where, sizeof where, "builtin:%s", b->name);
		int err = 0;
		if (!strcmp(b->name, "wellknown-domains.txt"))
			err = awp_lists_add_wellknown(&db->lists, where, b->data, b->len);
		else if (lists && !strcmp(b->name, "hashes.txt"))
			err = awp_lists_add_hashes(&db->lists, where, b->data, b->len);
		else if (lists && !strcmp(b->name, "iocs.txt"))
			err = awp_lists_add_iocs(&db->lists, where, b->data, b->len);
		if (err < 0)
			return err;
	}
	return 0;
}

AWP_EXTERN int awp_threat_db_load(awp_threat_db **out, const awp_threat_db_options *opts)
{
	awp_threat_db_options defaults = AWP_THREAT_DB_OPTIONS_INIT;
	if (!opts)
		opts = &defaults;
	*out = NULL;
	int lerr = awp_yara_load();
	if (lerr < 0)
		return awp_error_prefix(lerr, "threat rules: ");
	if (yr_initialize() != ERROR_SUCCESS)
		return awp_error_set(AWP_ERROR, "yara: cannot initialise libyara");
	awp_threat_db *db = awp_calloc(1, sizeof(*db));
	int err;
	if (!db) {
		yr_finalize();
		return AWP_ENOMEM;
	}
	if ((err = load_builtin_lists(db, !opts->no_default_lists)) < 0)
		goto fail;
	for (size_t i = 0; i < opts->hash_file_count; i++)
		if ((err = awp_lists_load_file(&db->lists, opts->hash_files[i], awp_lists_add_hashes)) < 0)
			goto fail;
	for (size_t i = 0; i < opts->ioc_file_count; i++)
		if ((err = awp_lists_load_file(&db->lists, opts->ioc_files[i], awp_lists_add_iocs)) < 0)
			goto fail;
	if ((err = awp_rules_load(&db->rules, opts, &db->lists, &db->stats, db->cache_path, sizeof db->cache_path)) < 0)
		goto fail;
	db->stats.cache_path = db->cache_path;
	db->stats.hashes = db->lists.nhashes;
	db->stats.iocs = db->lists.niocs;
	*out = db;
	return 0;
fail:
	awp_threat_db_free(db);
	return err;
}

AWP_EXTERN void awp_threat_db_free(awp_threat_db *db)
{
	if (!db)
		return;
	awp_rules_free(db->rules);
	awp_lists_free(&db->lists);
	free(db);
	yr_finalize();
}

AWP_EXTERN size_t awp_threat_db_warning_count(const awp_threat_db *db)
{
	return db ? db->lists.nwarns : 0;
}

AWP_EXTERN const char *awp_threat_db_warning(const awp_threat_db *db, size_t i)
{
	return db && i < db->lists.nwarns ? db->lists.warns[i] : NULL;
}

AWP_EXTERN void awp_threat_db_stats_get(const awp_threat_db *db, awp_threat_db_stats *out)
{
	*out = db->stats;
}
