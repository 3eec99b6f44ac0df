/*
 * Fuzz the ELF reader with Go build info and cargo-auditable .dep-v0
 * parsing, over a memory reader.
 */
#include "fuzz_support.h"

struct mem {
	const uint8_t *data;
	size_t size;
};

static int mem_read(void *ctx, void *buf, size_t len, uint64_t off, size_t *nread)
{
	struct mem *m = ctx;
	*nread = 0;
	if (off >= m->size)
		return 0;
	size_t n = m->size - (size_t)off < len ? m->size - (size_t)off : len;
	memcpy(buf, m->data + off, n);
	*nread = n;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	awp_inventory *inv = fuzz_inventory();
	if (!inv)
		return 0;
	struct mem m = {data, size};
	lang_reader r = {mem_read, &m, size};
	lang_elf_parse(inv, "/bin/x", &r);
	awp_inventory_free(inv);
	return 0;
}
