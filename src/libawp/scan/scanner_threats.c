/*
 * scan/scanner_threats.c - threat detection (awp/threats.h) as a filesystem
 * scanner of awp scan: the module walks the root filesystem itself (YARA on
 * file content and archives, hash and IOC lists, package tampering,
 * persistence locations, malicious packages from the advisory database), and
 * each threat becomes a finding. "Scan limit" entries (something not fully
 * scanned) are coverage notes, not threats.
 */
#include "scan/scan_int.h"

#include <awp/threats.h>

#include "util/error.h"

#include <stdio.h>
#include <string.h>

#define MAX_NOTES 20 /* threat warnings copied into the report's notes */

static awp_severity level(awp_threat_severity s)
{
	switch (s) {
	case AWP_SEV_CRITICAL: return AWP_SEVERITY_CRITICAL;
	case AWP_SEV_HIGH: return AWP_SEVERITY_HIGH;
	case AWP_SEV_MEDIUM: return AWP_SEVERITY_MEDIUM;
	default: return AWP_SEVERITY_LOW;
	}
}

static int t_scan(awp_fs *fs, const awp_inventory *inv, const char *db_path, awp_scan_sink *sink, const void *config)
{
	(void)config;
	awp_threat_db *db = NULL;
	awp_threat_report *rep = NULL;
	awp_threat_db_options dbo = AWP_THREAT_DB_OPTIONS_INIT;
	int err = awp_threat_db_load(&db, &dbo);
	if (err < 0)
		return err == AWP_ENOTFOUND ? awp_error_prefix(AWP_ENOTFOUND, "threat rules: ") : err;
	for (size_t i = 0; i < awp_threat_db_warning_count(db) && i < MAX_NOTES; i++)
		if ((err = awp_scan_note(sink, awp_threat_db_warning(db, i))) < 0)
			goto done;
	awp_threat_scan_options o = AWP_THREAT_SCAN_OPTIONS_INIT;
	o.inventory = inv;
	o.vulndb_path = db_path ? db_path : "";
	if ((err = awp_threats_scan(&rep, fs, db, &o)) < 0)
		goto done;
	size_t limits = 0;
	for (size_t i = 0; i < awp_threat_count(rep); i++) {
		const awp_threat *t = awp_threat_get(rep, i);
		char note[1024];
		if (t->kind == AWP_THREAT_SCAN_LIMIT) {
			if (limits++ < MAX_NOTES) {
				snprintf(note, sizeof note, "%s: %s", t->path, t->description);
				if ((err = awp_scan_note(sink, note)) < 0)
					goto done;
			}
			continue;
		}
		awp_finding f;
		memset(&f, 0, sizeof f);
		f.kind = AWP_FINDING_THREAT;
		f.id = t->rule;
		f.severity = level(t->severity);
		f.category = awp_threat_kind_name(t->kind);
		f.title = t->description;
		f.path = t->path;
		f.line = t->line;
		f.evidence = t->evidence;
		f.package = t->package;
		f.remediation = t->remediation;
		if ((err = awp_scan_emit(sink, &f)) < 0)
			goto done;
	}
	if (limits > MAX_NOTES) {
		char note[128];
		snprintf(note, sizeof note, "%zu more places not fully scanned", limits - MAX_NOTES);
		err = awp_scan_note(sink, note);
	}
	for (size_t i = 0; err == 0 && i < awp_threat_warning_count(rep) && i < MAX_NOTES; i++)
		err = awp_scan_note(sink, awp_threat_warning(rep, i));
done:
	awp_threat_report_free(rep);
	awp_threat_db_free(db);
	return err;
}

const awp_scan_fs_scanner awp_scan_threats_scanner = {AWP_SCAN_FS_SCANNER_VERSION, "threat", AWP_FINDING_THREAT, t_scan, NULL};
