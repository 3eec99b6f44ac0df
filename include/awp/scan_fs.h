/*
 * awp/scan_fs.h - the report `awp scan` writes, for a filesystem the caller
 * already opened (an instance assembled from several snapshots, a volume
 * picked by name): inventory, then vulnerability matching, then the JSON.
 *
 * Kept minimal on purpose: `awp scan` and `awp aws scan` both produce their
 * reports through this one call, so the two cannot drift apart.
 */
#ifndef AWP_SCAN_FS_H
#define AWP_SCAN_FS_H

#include <awp/fs.h>
#include <awp/vuln.h>
#include <awp/vulndb.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Inventory of `fs`, matched against `db`, as the JSON report of
 * awp_vuln_report_json().
 * @param out       receives the report (caller frees with free())
 * @param findings  receives the number of findings (may be NULL)
 * @param target    the name written as "target"
 * @param now       scan time (seconds since the epoch)
 * @param vo        matching options (NULL: defaults)
 * @return 0, or the inventory's / matcher's error (message set)
 */
AWP_EXTERN int awp_scan_fs_json(char **out, size_t *findings, awp_vulndb *db, awp_fs *fs, const char *target,
				int64_t now, const awp_vuln_options *vo);

#ifdef __cplusplus
}
#endif
#endif
