/* libFuzzer: an rpm bdb database in memory, every header parsed (pkg/rpm_bdb.c). */
#include "pkg/osdb_int.h"

static int on_blob(const uint8_t *blob, size_t len, void *payload)
{
	int err = awp_rpm_header_add(payload, "/var/lib/rpm/fuzz", blob, len);
	return err == AWP_ECORRUPT ? 0 : err;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	awp_inventory *inv = awp_inv_new();
	if (!inv)
		return 0;
	awp_osdb_reader r;
	awp_osdb_reader_mem(&r, data, size, "/var/lib/rpm/fuzz");
	awp_rpm_bdb_read(&r, on_blob, inv);
	awp_inventory_free(inv);
	return 0;
}
