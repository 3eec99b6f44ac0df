/*
 * scan/scanners.c - the content scanners built into awp scan: the only list
 * of them. Each entry names its visitor (awp/scan.h, awp_scan_file_visitor);
 * an entry whose module is not part of the build has no visitor and says
 * why, and the scan lists it as "not run" with that reason.
 *
 * Wiring a module: implement a visitor in its directory (e.g.
 * src/libawp/secrets/visitor.c exporting `const awp_scan_file_visitor
 * awp_secrets_visitor`), declare it here and put its address in the entry.
 */
#include "scan/scan_int.h"

const awp_scan_builtin awp_scan_builtins[] = {
	{"secret", AWP_FINDING_SECRET, NULL, "the secrets engine is not part of this build"},
	{"threat", AWP_FINDING_THREAT, NULL, "threat detection is not part of this build"},
};
const size_t awp_scan_builtin_count = sizeof(awp_scan_builtins) / sizeof(awp_scan_builtins[0]);
