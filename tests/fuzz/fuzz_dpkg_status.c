/* libFuzzer: a dpkg status file in memory (pkg/dpkg.c); no filesystem, so no .list files. */
#include "pkg/osdb_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	awp_inventory *inv = awp_inv_new();
	if (!inv)
		return 0;
	awp_osdb_reader r;
	awp_osdb_reader_mem(&r, data, size, "/var/lib/dpkg/status");
	awp_dpkg_parse_status(inv, NULL, &r, size > 0 && (data[0] & 1));
	awp_inventory_free(inv);
	return 0;
}
