/*
 * tests/fuzz/fuzz_lvm_common.h - shared by the LVM fuzz targets: a memory
 * source, an empty disk to collect volumes, and reads through every LV found.
 */
#ifndef AWP_FUZZ_LVM_COMMON_H
#define AWP_FUZZ_LVM_COMMON_H

#include <awp/sys/source.h>

#include "volume/lvm_int.h"

#include <stdlib.h>
#include <string.h>

struct fuzz_mem {
	const uint8_t *p;
};

static int fuzz_mem_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	memcpy(buf, ((struct fuzz_mem *)ctx)->p + off, len);
	return 0;
}

static void fuzz_mem_close(void *ctx)
{
	free(ctx);
}

static const awp_source_ops fuzz_mem_ops = {
	.version = AWP_SOURCE_OPS_VERSION,
	.format = "fuzz",
	.thread_safe = 1,
	.read = fuzz_mem_read,
	.close = fuzz_mem_close,
};

/* Assemble the PV in buf and read each LV's start, middle and end. */
static void fuzz_lvm_run(const uint8_t *buf, size_t len)
{
	struct fuzz_mem *m = malloc(sizeof(*m));
	if (!m)
		return;
	m->p = buf;
	awp_source *src = NULL;
	if (awp_source_new(&src, &fuzz_mem_ops, m, len, "fuzz") < 0)
		return;
	awp_disk *d = calloc(1, sizeof(*d));
	if (d && awp_lvm_assemble(d, &src, NULL, 1) >= 0) {
		static unsigned char out[65536];
		for (size_t i = 0; i < awp_disk_volume_count(d); i++) {
			awp_source *lv = awp_disk_volume_source(d, i);
			if (!lv)
				continue;
			uint64_t size = awp_source_size(lv);
			uint64_t n = size < sizeof out ? size : sizeof out;
			awp_source_read(lv, out, (size_t)n, 0);
			awp_source_read(lv, out, (size_t)n, size - n);
			awp_source_read(lv, out, (size_t)(n / 2), size / 3);
		}
	}
	awp_disk_free(d);
	awp_source_free(src);
}

#endif
