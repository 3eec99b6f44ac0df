/*
 * Fuzz the Java archive reader (libarchive zip from memory, nested jars,
 * pom.properties and MANIFEST.MF parsing).
 */
#include "fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	awp_inventory *inv = fuzz_inventory();
	if (!inv)
		return 0;
	lang_jar_parse_mem(inv, "/opt/x-1.0.jar", data, size);
	awp_inventory_free(inv);
	return 0;
}
