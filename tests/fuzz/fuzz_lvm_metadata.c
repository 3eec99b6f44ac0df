/*
 * Fuzz target: the input bytes are LVM text metadata. They go to the parser
 * alone, then into a synthetic PV (valid label and mda_header with correct
 * checksums around the text, 64 KiB of extents) so that VG assembly and LV
 * mapping run on whatever the parser accepted. The PV's uuid is
 * FUZZPV0000000000000000000000000 (dashed: FUZZPV-0000-...) and its extents
 * start at sector 16; the seeds use extent_size = 8 and pe_count = 16.
 */
#include "fuzz_lvm_common.h"

#define FZ_PE_START 8192u
#define FZ_DATA 65536u
#define FZ_MDA (FZ_PE_START + FZ_DATA)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lvm_config *cfg = NULL;
	if (lvm_config_parse(&cfg, (const char *)data, size, "fuzz") == 0) {
		const lvm_cnode *root = lvm_config_root(cfg);
		for (const lvm_cnode *n = root->child; n; n = n->next) {
			(void)lvm_cfg_str(n, "id");
			(void)lvm_cfg_has_flag(n, "status", "VISIBLE");
		}
	}
	lvm_config_free(cfg);
	if (size > AWP_MAX_LVM_METADATA)
		return 0;

	size_t mda_size = 512 + ((size + 511) & ~(size_t)511);
	size_t total = FZ_MDA + mda_size;
	uint8_t *pv = calloc(1, total);
	if (!pv)
		return 0;
	static uint8_t pattern[FZ_DATA];
	static int have_pattern;
	if (!have_pattern) { /* once: an instrumented 64 KiB loop per run would dominate the run time */
		for (size_t i = 0; i < FZ_DATA; i++)
			pattern[i] = (uint8_t)(i * 7 + (i >> 9));
		have_pattern = 1;
	}
	memcpy(pv + FZ_PE_START, pattern, FZ_DATA);
	uint8_t *sec = pv + 512;
	memcpy(sec, "LABELONE", 8);
	put64(sec + 8, 1);
	put32(sec + 20, 32);
	memcpy(sec + 24, "LVM2 001", 8);
	memcpy(sec + 32, "FUZZPV00000000000000000000000000", 32);
	put64(sec + 64, total);
	put64(sec + 72, FZ_PE_START);
	put64(sec + 104, FZ_MDA);
	put64(sec + 112, mda_size);
	put32(sec + 16, lvm_crc(AWP_LVM_INITIAL_CRC, sec + 20, 512 - 20));
	uint8_t *h = pv + FZ_MDA;
	memcpy(h + 4, " LVM2 x[5A%r0N*>", 16);
	put32(h + 20, 1);
	put64(h + 24, FZ_MDA);
	put64(h + 32, mda_size);
	put64(h + 40, 512);
	put64(h + 48, size);
	put32(h + 56, lvm_crc(AWP_LVM_INITIAL_CRC, data, size));
	put32(h, lvm_crc(AWP_LVM_INITIAL_CRC, h + 4, 512 - 4));
	if (size)
		memcpy(pv + FZ_MDA + 512, data, size);
	fuzz_lvm_run(pv, total);
	free(pv);
	return 0;
}
