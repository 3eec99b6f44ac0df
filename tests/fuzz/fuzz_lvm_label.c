/*
 * Fuzz target: the input bytes are a physical volume (label, pv_header,
 * mda_header, metadata text, extents) assembled by awp_lvm_assemble; every
 * LV found is read. Seeds: 8 KiB PVs with 512-byte extents carrying the
 * metadata of corpus/fuzz_lvm_metadata/vg_all_kinds (one copy wrapping around
 * its metadata area); test_lvm.c checks that they assemble.
 */
#include "fuzz_lvm_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_lvm_run(data, size);
	return 0;
}
