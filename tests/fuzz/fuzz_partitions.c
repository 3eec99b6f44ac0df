/*
 * fuzz_partitions: the input bytes are a disk (a memory source); awp_disk_open
 * scans GPT/MBR (and whatever else the volume layer probes), then every volume
 * is listed and its first and last bytes read.
 *
 * The disk is the input padded with zeros to at least 64 KiB, so that small
 * seeds (a table without the partitions' contents) stay small.
 */
#include <awp/sys/source.h>
#include <awp/volume.h>

#include <stdlib.h>
#include <string.h>

struct mem {
	uint8_t *data;
	size_t len;
};

static int mem_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct mem *m = ctx;
	memcpy(buf, m->data + off, len);
	return 0;
}

static void mem_close(void *ctx)
{
	struct mem *m = ctx;
	free(m->data);
	free(m);
}

static const awp_source_ops mem_ops = {
	.version = AWP_SOURCE_OPS_VERSION, .format = "memory", .thread_safe = 1,
	.read = mem_read, .close = mem_close,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (1u << 20))
		return 0;
	size_t len = size < 65536 ? 65536 : size;
	struct mem *m = calloc(1, sizeof(*m));
	if (!m)
		return 0;
	m->data = calloc(1, len);
	if (!m->data) {
		free(m);
		return 0;
	}
	if (size)
		memcpy(m->data, data, size);
	m->len = len;
	awp_source *src = NULL;
	if (awp_source_new(&src, &mem_ops, m, len, "fuzz") < 0)
		return 0;
	awp_disk *d = NULL;
	if (awp_disk_open(&d, src) == 0) {
		(void)awp_disk_scheme(d);
		(void)awp_disk_id(d);
		for (size_t i = 0; i < awp_disk_volume_count(d); i++) {
			const awp_volume *v = awp_disk_volume(d, i);
			size_t n = strlen(v->name) + strlen(v->type) + strlen(v->type_name) + strlen(v->part_name) +
				   strlen(v->part_uuid) + strlen(v->reason_code);
			(void)n;
			awp_source *vs = awp_disk_volume_source(d, i);
			uint8_t b[16];
			if (vs && awp_source_size(vs) >= sizeof b) {
				awp_source_read(vs, b, sizeof b, 0);
				awp_source_read(vs, b, sizeof b, awp_source_size(vs) - sizeof b);
			}
		}
		for (size_t i = 0; i < awp_disk_warning_count(d); i++)
			(void)strlen(awp_disk_warning(d, i));
		awp_disk_free(d);
	}
	awp_source_free(src);
	return 0;
}
