/*
 * Fuzz target for OSV records: the input is one advisory's JSON. It is
 * imported into a fresh database (vuln/osv_import.c), then a small inventory
 * naming the record's first packages in every ecosystem the matcher knows
 * is matched against it (ranges, events, versions, severity, aliases), and
 * the report is written as JSON. Bad records must be warnings, never a
 * crash, a hang or a leak.
 */
#include <awp/vuln.h>
#include <awp/vulndb.h>

#include "pkg/pkg_int.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static char dir[64], json_path[128], db_path[128];

static void quiet(const char *where, const char *message, void *payload)
{
	(void)where, (void)message, (void)payload;
}

static void add(awp_inventory *inv, const char *type, const char *name, const char *version)
{
	awp_package p = {0};
	p.type = type;
	p.name = name;
	p.version = version;
	p.source_name = name;
	p.source_version = version;
	p.path = "/fuzz";
	awp_inv_add(inv, &p, NULL);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (size > 64 * 1024)
		return 0;
	if (!dir[0]) {
		/* tmpfs when there is one: each input is a whole atomic import (fsync, rename) */
		snprintf(dir, sizeof dir, "%s/fuzz_osv.XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
		if (!mkdtemp(dir))
			abort();
		snprintf(json_path, sizeof json_path, "%s/rec.json", dir);
		snprintf(db_path, sizeof db_path, "%s/osv.db", dir);
	}
	FILE *f = fopen(json_path, "wb");
	if (!f)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	unlink(db_path);
	const char *in[] = {json_path};
	awp_vulndb_import_stats st;
	if (awp_vulndb_import(db_path, in, 1, quiet, NULL, &st) < 0)
		return 0;
	awp_vulndb *db = NULL;
	if (awp_vulndb_open(&db, db_path) < 0)
		return 0;

	/* Names and versions from the record itself. */
	awp_inventory *inv = calloc(1, sizeof(*inv));
	if (!inv)
		abort();
	inv->os.known = 1;
	inv->os.id = awp_inv_str(inv, "debian");
	inv->os.version_id = awp_inv_str(inv, "11");
	inv->os.id_like = inv->os.codename = inv->os.pretty_name = inv->os.source = awp_inv_str(inv, "");
	cJSON *rec = cJSON_ParseWithLength((const char *)data, size);
	static const char *const types[] = {"dpkg", "npm", "python", "go", "cargo", "gem", "composer", "maven", "nuget"};
	static const char *const versions[] = {"0", "0.0.1", "1.0.0", "1:2.0-1", "2.5.3-rc.1", "v1.2.3"};
	int n = 0;
	const cJSON *aff;
	cJSON_ArrayForEach(aff, cJSON_GetObjectItemCaseSensitive(rec, "affected")) {
		if (++n > 3)
			break;
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(aff, "package"), "name");
		if (!cJSON_IsString(name))
			continue;
		for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
			for (size_t v = 0; v < sizeof versions / sizeof versions[0]; v++)
				add(inv, types[t], name->valuestring, versions[v]);
			/* and every version the record names */
			const cJSON *r, *e, *x;
			cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(aff, "ranges"))
				cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(r, "events"))
					cJSON_ArrayForEach(x, e)
						if (cJSON_IsString(x))
							add(inv, types[t], name->valuestring, x->valuestring);
		}
	}
	cJSON_Delete(rec);
	awp_vuln_report *rep = NULL;
	awp_vuln_options o = AWP_VULN_OPTIONS_INIT;
	o.warn = quiet;
	if (awp_vuln_match(&rep, db, inv, &o) == 0) {
		char *json = NULL;
		if (awp_vuln_report_json(&json, rep, "fuzz", 0) == 0)
			free(json);
		for (size_t i = 0; i < awp_vuln_report_count(rep); i++) {
			const awp_vuln_finding *fi = awp_vuln_report_get(rep, i);
			if (!fi->id || !fi->id[0] || fi->id_count == 0 || fi->advisory_count == 0)
				abort();
		}
	}
	awp_vuln_report_free(rep);
	awp_inventory_free(inv);
	awp_vulndb_close(db);
	return 0;
}
