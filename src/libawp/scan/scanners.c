/*
 * scan/scanners.c - the content scanners built into awp scan: the only list
 * of them. Each entry names its file visitor (a content scanner on the
 * shared walk, awp_scan_file_visitor) or its filesystem scanner (a module
 * that reads the filesystem itself, awp_scan_fs_scanner); an entry with
 * neither says why, and the scan lists it as "not run" with that reason.
 *
 * secret: the secrets engine (awp/secrets.h) as a file visitor, so it shares
 *   the inventory's walk and the content thread (scanner_secrets.c).
 * threat: threat detection (awp/threats.h) scans a filesystem as a whole
 *   (tampering, persistence, archives, malicious packages), so it runs as a
 *   filesystem scanner (scanner_threats.c).
 */
#include "scan/scan_int.h"

const awp_scan_builtin awp_scan_builtins[] = {
	{"secret", AWP_FINDING_SECRET, &awp_scan_secrets_visitor, NULL, ""},
	{"threat", AWP_FINDING_THREAT, NULL, &awp_scan_threats_scanner, ""},
};
const size_t awp_scan_builtin_count = sizeof(awp_scan_builtins) / sizeof(awp_scan_builtins[0]);
