/*
 * vuln/epss.c - import FIRST's EPSS scores (https://www.first.org/epss/data_stats).
 *
 * Format: the daily file epss_scores-YYYY-MM-DD.csv.gz (read plain or gzip
 * through zlib), whose first line is a comment
 *   #model_version:v2023.03.01,score_date:2024-05-01T00:00:00+0000
 * then the header "cve,epss,percentile" and one row per CVE:
 *   CVE-1999-0001,0.01025,0.83381
 * Older files have no comment line. Rows are read one line at a time (the
 * file is ~10 MB uncompressed); a malformed row is a warning (the first 20
 * are reported, then only counted). A score file replaces the epss table.
 */
#include "vuln/vulndb_int.h"

#include "util/error.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int awp_epss_sniff(const unsigned char *head, size_t n)
{
	if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b)
		return 1; /* gzip: the only gzip input the importer takes is EPSS */
	return (n >= 14 && memcmp(head, "#model_version", 14) == 0) || (n >= 9 && memcmp(head, "cve,epss,", 9) == 0);
}

/* A probability in [0, 1], strictly parsed. */
static int parse_prob(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end || errno || !(v >= 0.0 && v <= 1.0))
		return -1;
	*out = v;
	return 0;
}

/* Value of "key:" inside the comment line ("#model_version:v1,score_date:..."). */
static void comment_field(const char *line, const char *key, char *out, size_t cap)
{
	out[0] = '\0';
	const char *p = strstr(line, key);
	if (!p)
		return;
	p += strlen(key);
	size_t n = strcspn(p, ",\r\n");
	snprintf(out, cap, "%.*s", (int)n, p);
}

int awp_epss_import(sqlite3 *db, const char *db_path, const char *file, awp_vulndb_warnf warn, void *ctx, size_t *count)
{
	*count = 0;
	gzFile gz = gzopen(file, "rb");
	if (!gz) {
		warn(ctx, file, "%s", errno ? strerror(errno) : "cannot open");
		return 0;
	}
	char line[AWP_MAX_EPSS_LINE + 2];
	char model[64] = "", date[64] = "", where[64];
	sqlite3_stmt *st = NULL;
	int err = 0, header = 0;
	size_t lineno = 0, bad = 0;
	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO epss(cve, epss, percentile) VALUES(?1, ?2, ?3)", -1, &st,
			       NULL) != SQLITE_OK) {
		err = awp_vulndb_sqlerr(db, db_path, "preparing EPSS insert");
		goto done;
	}
	while (gzgets(gz, line, sizeof line)) {
		lineno++;
		size_t len = strlen(line);
		if (len == sizeof line - 1 && line[len - 1] != '\n') {
			warn(ctx, file, "line %zu longer than %d bytes; import stopped", lineno, AWP_MAX_EPSS_LINE);
			break;
		}
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0)
			continue;
		if (line[0] == '#') {
			comment_field(line, "model_version:", model, sizeof model);
			comment_field(line, "score_date:", date, sizeof date);
			continue;
		}
		if (!header) {
			if (strcmp(line, "cve,epss,percentile") != 0) {
				warn(ctx, file, "line %zu: expected the header \"cve,epss,percentile\"; not an EPSS file", lineno);
				goto done;
			}
			/* A score file replaces the previous one, once it is known to be one. */
			if (sqlite3_exec(db, "DELETE FROM epss", NULL, NULL, NULL) != SQLITE_OK) {
				err = awp_vulndb_sqlerr(db, db_path, "clearing the EPSS table");
				goto done;
			}
			header = 1;
			continue;
		}
		if (*count >= AWP_MAX_EPSS_ROWS) {
			warn(ctx, file, "more than %d rows; the rest is not imported", AWP_MAX_EPSS_ROWS);
			break;
		}
		char *c1 = strchr(line, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
		double e = 0, p = 0;
		if (c1)
			*c1 = '\0';
		if (c2)
			*c2 = '\0';
		if (!c1 || !c2 || strncmp(line, "CVE-", 4) != 0 || parse_prob(c1 + 1, &e) < 0 || parse_prob(c2 + 1, &p) < 0) {
			if (++bad <= 20) {
				snprintf(where, sizeof where, "line %zu", lineno);
				warn(ctx, file, "%s: malformed row; skipped", where);
			}
			continue;
		}
		sqlite3_bind_text(st, 1, line, -1, SQLITE_STATIC);
		sqlite3_bind_double(st, 2, e);
		sqlite3_bind_double(st, 3, p);
		int rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE) {
			err = awp_vulndb_sqlerr(db, db_path, "inserting EPSS row");
			goto done;
		}
		(*count)++;
	}
	int zerr;
	const char *zmsg = gzerror(gz, &zerr);
	if (zerr != Z_OK && zerr != Z_STREAM_END)
		warn(ctx, file, "damaged or truncated: %s (%zu rows read)", zmsg, *count);
	if (bad > 20)
		warn(ctx, file, "%zu malformed rows in all", bad);
	if (!header) {
		warn(ctx, file, "no \"cve,epss,percentile\" header; not an EPSS file");
		goto done;
	}
	char n[32];
	snprintf(n, sizeof n, "%zu", *count);
	if ((err = awp_vulndb_meta_put(db, db_path, "epss_count", n)) < 0 ||
	    (err = awp_vulndb_meta_put(db, db_path, "epss_model_version", model)) < 0 ||
	    (err = awp_vulndb_meta_put(db, db_path, "epss_score_date", date)) < 0)
		goto done;
done:
	sqlite3_finalize(st);
	gzclose(gz);
	return err;
}
