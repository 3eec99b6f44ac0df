/*
 * vuln/kev.c - import CISA's Known Exploited Vulnerabilities catalog.
 *
 * Format (https://www.cisa.gov/known-exploited-vulnerabilities-catalog, the
 * JSON feed): {"title", "catalogVersion", "dateReleased", "count",
 * "vulnerabilities": [{"cveID": "CVE-2021-44228", "dateAdded": "2021-12-10",
 * "knownRansomwareCampaignUse": "Known"|"Unknown", ...}]}. Only cveID is
 * required per entry; an entry without a valid CVE id is a warning.
 *
 * The catalog is a full snapshot, so an import replaces the kev table.
 */
#include "vuln/vulndb_int.h"

#include "util/error.h"
#include "util/mem.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int awp_kev_sniff(const char *head, size_t n)
{
	/* The feed starts with its title/catalogVersion and lists cveID keys. */
	size_t i = 0;
	while (i < n && isspace((unsigned char)head[i]))
		i++;
	if (i >= n || head[i] != '{')
		return 0;
	return memmem(head, n, "\"catalogVersion\"", 16) != NULL || memmem(head, n, "\"cveID\"", 7) != NULL;
}

/* "CVE-YYYY-NNNN..." */
static int valid_cve(const char *s)
{
	if (!s || strncmp(s, "CVE-", 4) != 0)
		return 0;
	size_t i = 4, d = 0;
	for (; isdigit((unsigned char)s[i]); i++)
		d++;
	if (d != 4 || s[i++] != '-')
		return 0;
	for (d = 0; isdigit((unsigned char)s[i]); i++)
		d++;
	return d >= 4 && d <= 12 && s[i] == '\0';
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int awp_kev_import(sqlite3 *db, const char *db_path, const char *file, awp_vulndb_warnf warn, void *ctx, size_t *count)
{
	*count = 0;
	FILE *f = fopen(file, "rb");
	if (!f) {
		warn(ctx, file, "%s", strerror(errno));
		return 0;
	}
	char *buf = awp_malloc(AWP_MAX_KEV_SIZE + 1);
	if (!buf) {
		fclose(f);
		return AWP_ENOMEM;
	}
	size_t len = fread(buf, 1, AWP_MAX_KEV_SIZE + 1, f);
	int bad = ferror(f);
	fclose(f);
	cJSON *doc = NULL;
	sqlite3_stmt *st = NULL;
	int err = 0;
	if (bad) {
		warn(ctx, file, "read error");
		goto done;
	}
	if (len > AWP_MAX_KEV_SIZE) {
		warn(ctx, file, "KEV catalog exceeds the %u-byte limit; not imported", AWP_MAX_KEV_SIZE);
		goto done;
	}
	doc = cJSON_ParseWithLength(buf, len);
	const cJSON *vulns = cJSON_GetObjectItemCaseSensitive(doc, "vulnerabilities");
	if (!cJSON_IsArray(vulns)) {
		warn(ctx, file, "not a KEV catalog: no \"vulnerabilities\" array%s", doc ? "" : " (invalid JSON)");
		goto done;
	}
	if (sqlite3_exec(db, "DELETE FROM kev", NULL, NULL, NULL) != SQLITE_OK) {
		err = awp_vulndb_sqlerr(db, db_path, "clearing the KEV table");
		goto done;
	}
	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO kev(cve, date_added, ransomware) VALUES(?1, ?2, ?3)", -1, &st,
			       NULL) != SQLITE_OK) {
		err = awp_vulndb_sqlerr(db, db_path, "preparing KEV insert");
		goto done;
	}
	size_t i = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, vulns)
	{
		if (i++ >= AWP_MAX_KEV_ENTRIES) {
			warn(ctx, file, "more than %d entries; the rest is not imported", AWP_MAX_KEV_ENTRIES);
			break;
		}
		const char *cve = jstr(e, "cveID"), *added = jstr(e, "dateAdded"), *rw = jstr(e, "knownRansomwareCampaignUse");
		if (!valid_cve(cve)) {
			warn(ctx, file, "vulnerabilities[%zu]: no valid cveID; skipped", i - 1);
			continue;
		}
		char date[16] = "";
		if (added && strlen(added) >= 10 && added[4] == '-' && added[7] == '-')
			snprintf(date, sizeof date, "%.10s", added);
		sqlite3_bind_text(st, 1, cve, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, date, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, rw && strcmp(rw, "Known") == 0);
		int rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE) {
			err = awp_vulndb_sqlerr(db, db_path, "inserting KEV entry");
			goto done;
		}
		(*count)++;
	}
	char n[32];
	snprintf(n, sizeof n, "%zu", *count);
	const char *ver = jstr(doc, "catalogVersion"), *rel = jstr(doc, "dateReleased");
	if ((err = awp_vulndb_meta_put(db, db_path, "kev_count", n)) < 0 ||
	    (err = awp_vulndb_meta_put(db, db_path, "kev_catalog_version", ver ? ver : "")) < 0 ||
	    (err = awp_vulndb_meta_put(db, db_path, "kev_date_released", rel ? rel : "")) < 0)
		goto done;
done:
	sqlite3_finalize(st);
	cJSON_Delete(doc);
	free(buf);
	return err;
}
