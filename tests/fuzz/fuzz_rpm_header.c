/* libFuzzer: one RPM header blob into an inventory (pkg/rpm_header.c). */
#include "pkg/osdb_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	awp_inventory *inv = awp_inv_new();
	if (!inv)
		return 0;
	awp_rpm_header_add(inv, "/var/lib/rpm/fuzz", data, size);
	awp_inventory_free(inv);
	return 0;
}
