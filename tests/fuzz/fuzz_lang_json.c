/*
 * Fuzz the JSON-based language parsers: the first byte picks npm
 * package.json, package-lock.json, composer installed.json, .deps.json or
 * conda-meta; npm's finish step (edges, lock-only packages) runs after.
 */
#include "fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	awp_inventory *inv = fuzz_inventory();
	if (!inv)
		return 0;
	const char *buf = (const char *)data + 1;
	size_t len = size - 1;
	switch (data[0] % 5) {
	case 0: lang_npm_parse_package(inv, "/a/node_modules/x/package.json", buf, len); break;
	case 1: lang_npm_parse_lock(inv, "/a/package-lock.json", buf, len); break;
	case 2: lang_composer_parse(inv, "/v/vendor/composer/installed.json", buf, len); break;
	case 3: lang_dotnet_parse(inv, "/app/a.deps.json", buf, len); break;
	case 4: lang_conda_parse(inv, "/c/conda-meta/x.json", buf, len); break;
	}
	lang_npm_finish(inv);
	awp_inventory_free(inv);
	return 0;
}
