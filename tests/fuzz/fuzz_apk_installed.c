/* libFuzzer: /lib/apk/db/installed in memory (pkg/apk.c). */
#include "pkg/osdb_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	awp_inventory *inv = awp_inv_new();
	if (!inv)
		return 0;
	awp_osdb_reader r;
	awp_osdb_reader_mem(&r, data, size, "/lib/apk/db/installed");
	awp_apk_parse_installed(inv, &r);
	awp_inventory_free(inv);
	return 0;
}
