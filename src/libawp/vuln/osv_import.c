/*
 * vuln/osv_import.c - import OSV JSON (files, directories, zips) into the
 * advisory database.
 *
 * Atomicity: the import works on a copy (db_path + ".tmp.<pid>") made with
 * SQLite's backup API and renames it over db_path only after COMMIT, so a
 * crash, a corrupt input or a full disk leaves the old database as it was.
 *
 * Provenance: awp_vulndb_import_ext() also writes the `source` rows given by
 * `awp db update` (URL, ETag, Last-Modified, times) into the same temporary
 * copy, so data and its provenance are replaced together.
 *
 * Validation: a record must have a string `id` and `modified`; each
 * affected[] item must name package.ecosystem and package.name; anything else
 * is rejected with a warning naming the file (and zip member), and the rest of
 * the input is still imported.
 */
#include "vuln/vulndb_int.h"

#include "util/archive_dl.h"
#include "util/error.h"
#include "util/mem.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct importer {
	sqlite3 *db;
	const char *path;
	sqlite3_stmt *get, *del_aff, *del_adv, *put_adv, *put_aff;
	awp_vulndb_warn_cb warn;
	void *payload;
	awp_vulndb_import_stats *stats;
};

static void warnf(struct importer *im, const char *where, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void warnf(struct importer *im, const char *where, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (im->warn)
		im->warn(where, msg, im->payload);
}

/* The same with the signature the KEV/EPSS importers take; counts as rejected. */
static void warn_ctx(void *ctx, const char *where, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void warn_ctx(void *ctx, const char *where, const char *fmt, ...)
{
	struct importer *im = ctx;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	im->stats->invalid++;
	if (im->warn)
		im->warn(where, msg, im->payload);
}

static const char *jstr(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* JSON text of obj[key], or `dflt` when absent; caller frees. */
static char *jtext(const cJSON *obj, const char *key, const char *dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return v ? cJSON_PrintUnformatted(v) : strdup(dflt);
}

static int sql_step_done(struct importer *im, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return awp_vulndb_sqlerr(im->db, im->path, what);
	return 0;
}

static int remove_advisory(struct importer *im, sqlite3_int64 rowid)
{
	sqlite3_bind_int64(im->del_aff, 1, rowid);
	int err = sql_step_done(im, im->del_aff, "deleting entries");
	if (err == 0) {
		sqlite3_bind_int64(im->del_adv, 1, rowid);
		err = sql_step_done(im, im->del_adv, "deleting advisory");
	}
	return err;
}

static int store(struct importer *im, const cJSON *rec, const char *id, const char *modified, sqlite3_int64 old)
{
	int err = 0;
	if (old >= 0 && (err = remove_advisory(im, old)) < 0)
		return err;
	char *aliases = jtext(rec, "aliases", "[]"), *severity = jtext(rec, "severity", "[]");
	char *refs = jtext(rec, "references", "[]"), *dbs = jtext(rec, "database_specific", "{}");
	if (!aliases || !severity || !refs || !dbs) {
		err = awp_error_set(AWP_ENOMEM, "out of memory importing %s", id);
		goto done;
	}
	const char *published = jstr(rec, "published");
	const char *summary = jstr(rec, "summary");
	sqlite3_stmt *p = im->put_adv;
	sqlite3_bind_text(p, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 2, modified, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 3, published ? published : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 4, summary ? summary : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 5, aliases, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 6, severity, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 7, refs, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 8, dbs, -1, SQLITE_STATIC);
	if ((err = sql_step_done(im, p, "inserting advisory")) < 0)
		goto done;
	sqlite3_int64 rowid = sqlite3_last_insert_rowid(im->db);
	const cJSON *item;
	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(rec, "affected"))
	{
		const cJSON *pkg = cJSON_GetObjectItemCaseSensitive(item, "package");
		const char *eco = jstr(pkg, "ecosystem"), *name = jstr(pkg, "name");
		char key[512];
		char *text = cJSON_PrintUnformatted(item);
		if (!text) {
			err = awp_error_set(AWP_ENOMEM, "out of memory importing %s", id);
			goto done;
		}
		const char *base = strncmp(eco, "PyPI", 4) == 0 ? "PyPI" : eco;
		sqlite3_stmt *a = im->put_aff;
		sqlite3_bind_int64(a, 1, rowid);
		sqlite3_bind_text(a, 2, eco, -1, SQLITE_STATIC);
		sqlite3_bind_text(a, 3, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(a, 4, awp_vulndb_name_key(base, name, key, sizeof key), -1, SQLITE_STATIC);
		sqlite3_bind_text(a, 5, text, -1, SQLITE_STATIC);
		err = sql_step_done(im, a, "inserting entry");
		cJSON_free(text);
		if (err < 0)
			goto done;
		im->stats->affected++;
	}
	im->stats->advisories++;
done:
	free(aliases);
	free(severity);
	free(refs);
	free(dbs);
	return err;
}

/* Validate and store one record; problems are warnings (return 0). */
static int import_record(struct importer *im, const char *text, size_t len, const char *where)
{
	im->stats->files++;
	cJSON *rec = cJSON_ParseWithLength(text, len);
	int err = 0;
	if (!rec || !cJSON_IsObject(rec)) {
		warnf(im, where, "not valid JSON%s", rec ? " object" : "");
		im->stats->invalid++;
		goto done;
	}
	const char *id = jstr(rec, "id"), *modified = jstr(rec, "modified");
	if (!id || !*id || !modified) {
		warnf(im, where, "OSV record without a string 'id' and 'modified'");
		im->stats->invalid++;
		goto done;
	}
	const cJSON *aff = cJSON_GetObjectItemCaseSensitive(rec, "affected");
	if (aff && !cJSON_IsArray(aff)) {
		warnf(im, where, "%s: 'affected' is not an array", id);
		im->stats->invalid++;
		goto done;
	}
	int n = 0;
	const cJSON *item;
	cJSON_ArrayForEach(item, aff)
	{
		const cJSON *pkg = cJSON_GetObjectItemCaseSensitive(item, "package");
		const cJSON *ranges = cJSON_GetObjectItemCaseSensitive(item, "ranges");
		const cJSON *versions = cJSON_GetObjectItemCaseSensitive(item, "versions");
		if (!cJSON_IsObject(item) || !jstr(pkg, "ecosystem") || !jstr(pkg, "name") ||
		    (ranges && !cJSON_IsArray(ranges)) || (versions && !cJSON_IsArray(versions))) {
			warnf(im, where, "%s: affected[%d] lacks package.ecosystem/name or has malformed ranges", id, n);
			im->stats->invalid++;
			goto done;
		}
		if (++n > AWP_MAX_OSV_AFFECTED) {
			warnf(im, where, "%s: more than %d affected entries", id, AWP_MAX_OSV_AFFECTED);
			im->stats->invalid++;
			goto done;
		}
	}
	sqlite3_bind_text(im->get, 1, id, -1, SQLITE_STATIC);
	sqlite3_int64 old = -1;
	int same = 0;
	if (sqlite3_step(im->get) == SQLITE_ROW) {
		old = sqlite3_column_int64(im->get, 0);
		const unsigned char *m = sqlite3_column_text(im->get, 1);
		same = m && strcmp((const char *)m, modified) == 0;
	}
	sqlite3_reset(im->get);
	if (jstr(rec, "withdrawn")) {
		im->stats->withdrawn++;
		if (old >= 0)
			err = remove_advisory(im, old);
		goto done;
	}
	if (same) {
		im->stats->unchanged++;
		goto done;
	}
	err = store(im, rec, id, modified, old);
done:
	cJSON_Delete(rec);
	return err;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int import_zip(struct importer *im, const char *path)
{
	struct archive *ar = archive_read_new();
	if (!ar) /* libarchive missing (its message is set) or out of memory */
		return awp_archive_load() < 0 ? AWP_EUNSUPPORTED : awp_error_set(AWP_ENOMEM, "out of memory opening %s", path);
	archive_read_support_format_zip(ar);
	int err = 0;
	if (archive_read_open_filename(ar, path, 1 << 16) != ARCHIVE_OK) {
		warnf(im, path, "cannot read zip: %s", archive_error_string(ar));
		im->stats->invalid++;
		goto done;
	}
	struct archive_entry *ent;
	size_t entries = 0;
	char *buf = NULL;
	int rc;
	while ((rc = archive_read_next_header(ar, &ent)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(ent);
		if (++entries > AWP_MAX_OSV_ZIP_ENTRIES) {
			warnf(im, path, "more than %d entries; the rest is not imported", AWP_MAX_OSV_ZIP_ENTRIES);
			break;
		}
		if (!name || archive_entry_filetype(ent) != AE_IFREG || !ends_with(name, ".json"))
			continue;
		char where[1024];
		snprintf(where, sizeof where, "%s!%s", path, name);
		int64_t size = archive_entry_size_is_set(ent) ? archive_entry_size(ent) : -1;
		if (size > (int64_t)AWP_MAX_OSV_RECORD_SIZE) {
			warnf(im, where, "record of %lld bytes exceeds the %u-byte limit", (long long)size, AWP_MAX_OSV_RECORD_SIZE);
			im->stats->invalid++;
			continue;
		}
		size_t cap = AWP_MAX_OSV_RECORD_SIZE + 1, len = 0;
		if (!buf && !(buf = malloc(cap))) {
			err = awp_error_set(AWP_ENOMEM, "out of memory reading %s", where);
			break;
		}
		la_ssize_t n;
		while (len < cap && (n = archive_read_data(ar, buf + len, cap - len)) > 0)
			len += (size_t)n;
		if (len >= cap) {
			warnf(im, where, "record exceeds the %u-byte limit", AWP_MAX_OSV_RECORD_SIZE);
			im->stats->invalid++;
			continue;
		}
		if (archive_errno(ar) && n < 0) {
			warnf(im, where, "damaged member: %s", archive_error_string(ar));
			im->stats->invalid++;
			continue;
		}
		if ((err = import_record(im, buf, len, where)) < 0)
			break;
	}
	if (rc != ARCHIVE_EOF && rc != ARCHIVE_OK && err == 0) {
		warnf(im, path, "zip is damaged or truncated after %zu entries: %s", entries, archive_error_string(ar));
		im->stats->invalid++;
	}
	free(buf);
done:
	archive_read_free(ar);
	return err;
}

static int import_file(struct importer *im, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		warnf(im, path, "%s", strerror(errno));
		im->stats->invalid++;
		return 0;
	}
	unsigned char magic[4096] = {0};
	size_t got = fread(magic, 1, sizeof magic, f);
	if (got >= 4 && memcmp(magic, "PK\x03\x04", 4) == 0) {
		fclose(f);
		return import_zip(im, path);
	}
	/* Exploitation data given as files of their own (vuln/kev.c, epss.c). */
	if (awp_epss_sniff(magic, got) || awp_kev_sniff((const char *)magic, got)) {
		fclose(f);
		size_t n = 0;
		if (awp_epss_sniff(magic, got)) {
			int err = awp_epss_import(im->db, im->path, path, warn_ctx, im, &n);
			im->stats->epss += n;
			return err;
		}
		int err = awp_kev_import(im->db, im->path, path, warn_ctx, im, &n);
		im->stats->kev += n;
		return err;
	}
	char *buf = malloc(AWP_MAX_OSV_RECORD_SIZE + 1);
	if (!buf) {
		fclose(f);
		return awp_error_set(AWP_ENOMEM, "out of memory reading %s", path);
	}
	memcpy(buf, magic, got);
	size_t len = got + fread(buf + got, 1, AWP_MAX_OSV_RECORD_SIZE + 1 - got, f);
	int bad = ferror(f);
	fclose(f);
	int err = 0;
	if (bad) {
		warnf(im, path, "read error");
		im->stats->invalid++;
	} else if (len > AWP_MAX_OSV_RECORD_SIZE) {
		warnf(im, path, "file exceeds the %u-byte limit of one OSV record", AWP_MAX_OSV_RECORD_SIZE);
		im->stats->invalid++;
	} else {
		err = import_record(im, buf, len, path);
	}
	free(buf);
	return err;
}

static int import_path(struct importer *im, const char *path, int depth)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		warnf(im, path, "%s", strerror(errno));
		im->stats->invalid++;
		return 0;
	}
	if (!S_ISDIR(st.st_mode))
		return import_file(im, path);
	if (depth > 32) {
		warnf(im, path, "directories nest deeper than 32 levels; not imported");
		return 0;
	}
	DIR *d = opendir(path);
	if (!d) {
		warnf(im, path, "%s", strerror(errno));
		im->stats->invalid++;
		return 0;
	}
	struct dirent *de;
	int err = 0;
	while (err == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		char *child = awp_asprintf("%s/%s", path, de->d_name);
		if (!child) {
			err = AWP_ENOMEM;
			break;
		}
		struct stat cst;
		if (stat(child, &cst) == 0 && (S_ISDIR(cst.st_mode) || ends_with(de->d_name, ".json") ||
					       ends_with(de->d_name, ".zip")))
			err = import_path(im, child, depth + 1);
		free(child);
	}
	closedir(d);
	return err;
}

static int prepare(struct importer *im)
{
	static const char *const sql[] = {
		"SELECT rowid, modified FROM advisory WHERE id = ?1",
		"DELETE FROM affected WHERE advisory = ?1",
		"DELETE FROM advisory WHERE rowid = ?1",
		("INSERT INTO advisory(id, modified, published, summary, aliases, severity, refs, db_specific)"
		 " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
		"INSERT INTO affected(advisory, ecosystem, name, name_key, item) VALUES(?1, ?2, ?3, ?4, ?5)",
	};
	sqlite3_stmt **out[] = {&im->get, &im->del_aff, &im->del_adv, &im->put_adv, &im->put_aff};
	for (size_t i = 0; i < 5; i++)
		if (sqlite3_prepare_v2(im->db, sql[i], -1, out[i], NULL) != SQLITE_OK)
			return awp_vulndb_sqlerr(im->db, im->path, "preparing statements");
	return 0;
}

static void finalize(struct importer *im)
{
	sqlite3_finalize(im->get);
	sqlite3_finalize(im->del_aff);
	sqlite3_finalize(im->del_adv);
	sqlite3_finalize(im->put_adv);
	sqlite3_finalize(im->put_aff);
}

/* Copy the existing database (if any) into the fresh temporary one. */
static int copy_existing(sqlite3 *dst, const char *db_path, const char *tmp)
{
	struct stat st;
	if (stat(db_path, &st) < 0)
		return 0;
	sqlite3 *src = NULL;
	int err = 0;
	if (sqlite3_open_v2(db_path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		err = awp_vulndb_sqlerr(src, db_path, "open");
	} else {
		sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
		if (!b || sqlite3_backup_step(b, -1) != SQLITE_DONE)
			err = awp_vulndb_sqlerr(dst, tmp, "copying the existing database");
		sqlite3_backup_finish(b);
	}
	sqlite3_close(src);
	return err;
}

static void mkdir_parents(const char *path)
{
	char *dir = awp_strdup(path);
	if (!dir)
		return;
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(dir, 0755);
		*p = '/';
	}
	free(dir);
}

static int put_sources(sqlite3 *db, const char *tmp, const awp_vulndb_source *src, size_t n)
{
	static const char sql[] =
		"INSERT INTO source(ecosystem, url, etag, last_modified, fetched_at, checked_at, size)"
		" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(ecosystem) DO UPDATE SET"
		" url = excluded.url, etag = excluded.etag, last_modified = excluded.last_modified,"
		" fetched_at = CASE WHEN excluded.fetched_at > 0 THEN excluded.fetched_at ELSE source.fetched_at END,"
		" checked_at = excluded.checked_at,"
		" size = CASE WHEN excluded.size > 0 THEN excluded.size ELSE source.size END";
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return awp_vulndb_sqlerr(db, tmp, "preparing source rows");
	int err = 0;
	for (size_t i = 0; i < n && err == 0; i++) {
		const awp_vulndb_source *s = &src[i];
		if (!s->ecosystem || !s->url) {
			err = awp_error_set(AWP_EINVAL, "advisory database %s: source row without ecosystem or url", tmp);
			break;
		}
		sqlite3_bind_text(st, 1, s->ecosystem, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, s->url, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, s->etag ? s->etag : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, s->last_modified ? s->last_modified : "", -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, s->fetched_at);
		sqlite3_bind_int64(st, 6, s->checked_at);
		sqlite3_bind_int64(st, 7, (sqlite3_int64)s->size);
		if (sqlite3_step(st) != SQLITE_DONE)
			err = awp_vulndb_sqlerr(db, tmp, "storing source rows");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return err;
}

AWP_EXTERN int awp_vulndb_import(const char *db_path, const char *const *inputs, size_t n, awp_vulndb_warn_cb warn,
				 void *payload, awp_vulndb_import_stats *stats)
{
	awp_vulndb_import_options o = AWP_VULNDB_IMPORT_OPTIONS_INIT;
	o.warn = warn;
	o.payload = payload;
	return awp_vulndb_import_ext(db_path, inputs, n, &o, stats);
}

AWP_EXTERN int awp_vulndb_import_ext(const char *db_path, const char *const *inputs, size_t n,
				     const awp_vulndb_import_options *opts, awp_vulndb_import_stats *stats)
{
	static const awp_vulndb_import_options dflt = AWP_VULNDB_IMPORT_OPTIONS_INIT;
	if (!opts)
		opts = &dflt;
	if (opts->version != AWP_VULNDB_IMPORT_OPTIONS_VERSION)
		return awp_error_set(AWP_EINVAL, "advisory database %s: unknown import options version %u", db_path,
				     opts->version);
	awp_vulndb_warn_cb warn = opts->warn;
	void *payload = opts->payload;
	awp_vulndb_import_stats local;
	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	mkdir_parents(db_path);
	char *tmp = awp_asprintf("%s.tmp.%ld", db_path, (long)getpid());
	if (!tmp)
		return AWP_ENOMEM;
	unlink(tmp);
	struct importer im = {.path = db_path, .warn = warn, .payload = payload, .stats = stats};
	int err = awp_sqlite_load();
	if (err < 0)
		goto done;
	if (sqlite3_open_v2(tmp, &im.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		err = awp_vulndb_sqlerr(im.db, tmp, "create");
		goto done;
	}
	if ((err = copy_existing(im.db, db_path, tmp)) < 0 || (err = awp_vulndb_schema(im.db, tmp)) < 0)
		goto done;
	sqlite3_exec(im.db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN", NULL, NULL, NULL);
	if ((err = prepare(&im)) < 0)
		goto done;
	for (size_t i = 0; i < n && err == 0; i++)
		err = import_path(&im, inputs[i], 0);
	if (err < 0 || (err = put_sources(im.db, tmp, opts->sources, opts->n_sources)) < 0)
		goto done;
	/* built_at says when advisories last came in: a provenance-only change
	 * keeps it, and importing only KEV/EPSS data must not make old
	 * advisories look fresh (it is set only if absent). */
	if (n > 0) {
		char when[32];
		snprintf(when, sizeof when, "%lld", (long long)time(NULL));
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(im.db, stats->files ? "INSERT OR REPLACE INTO meta VALUES('built_at', ?1)"
							   : "INSERT OR IGNORE INTO meta VALUES('built_at', ?1)",
				       -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_text(st, 1, when, -1, SQLITE_STATIC);
			sqlite3_step(st);
		}
		sqlite3_finalize(st);
	}
	finalize(&im);
	im.get = im.del_aff = im.del_adv = im.put_adv = im.put_aff = NULL;
	if (sqlite3_exec(im.db, "COMMIT; ANALYZE", NULL, NULL, NULL) != SQLITE_OK) {
		err = awp_vulndb_sqlerr(im.db, tmp, "commit");
		goto done;
	}
	if (sqlite3_close(im.db) != SQLITE_OK) {
		err = awp_vulndb_sqlerr(im.db, tmp, "close");
		im.db = NULL;
		goto done;
	}
	im.db = NULL;
	/* Make the new file durable before it replaces the old one. */
	FILE *f = fopen(tmp, "rb+");
	if (f) {
		fflush(f);
		fsync(fileno(f));
		fclose(f);
	}
	if (rename(tmp, db_path) < 0)
		err = awp_error_errno(errno, "advisory database %s: cannot replace", db_path);
done:
	finalize(&im);
	if (im.db)
		sqlite3_close(im.db);
	if (err < 0)
		unlink(tmp);
	free(tmp);
	return err;
}
