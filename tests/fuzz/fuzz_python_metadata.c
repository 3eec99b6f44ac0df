/*
 * Fuzz the RFC 822 style parsers: Python METADATA/PKG-INFO (first byte
 * even) and Ruby gemspecs (odd).
 */
#include "fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	awp_inventory *inv = fuzz_inventory();
	if (!inv)
		return 0;
	/* The parsers get NUL-terminated buffers from the fs layer. */
	char *buf = awp_malloc(size);
	if (buf) {
		memcpy(buf, data + 1, size - 1);
		buf[size - 1] = '\0';
		if (data[0] & 1)
			lang_gem_parse(inv, "/g/specifications/x-1.0.gemspec", buf, size - 1);
		else
			lang_python_parse(inv, "/p/x.dist-info/METADATA", buf, size - 1);
	}
	free(buf);
	awp_inventory_free(inv);
	return 0;
}
