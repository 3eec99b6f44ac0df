/*
 * scan/scan_fs.c - inventory + vulnerability matching + JSON for one
 * filesystem: the report of `awp scan`, callable by other drivers (the AWS
 * instance scan) on a filesystem they assembled themselves.
 */
#include <awp/inventory.h>
#include <awp/scan_fs.h>

#include <stdlib.h>

AWP_EXTERN int awp_scan_fs_json(char **out, size_t *findings, awp_vulndb *db, awp_fs *fs, const char *target,
				int64_t now, const awp_vuln_options *vo)
{
	awp_inventory *inv = NULL;
	awp_vuln_report *rep = NULL;
	int err = awp_inventory_collect(&inv, fs, NULL);
	if (err >= 0)
		err = awp_vuln_match(&rep, db, inv, vo);
	if (err >= 0)
		err = awp_vuln_report_json(out, rep, target, now);
	if (err >= 0 && findings)
		*findings = awp_vuln_report_count(rep);
	awp_vuln_report_free(rep);
	awp_inventory_free(inv);
	return err;
}
