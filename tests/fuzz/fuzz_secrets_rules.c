/*
 * Fuzz target for the secret rules and config parser: the input is a rules
 * JSON document, optionally followed by a NUL byte and a user config JSON.
 * Whatever the input, loading either succeeds with a usable rule set or
 * fails with a message; a loaded set is then run on a short text.
 */
#include <awp/secrets.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (size > 16384)
		return 0;
	const char *text = (const char *)data;
	const unsigned char *nul = memchr(data, 0, size);
	size_t rlen = nul ? (size_t)(nul - data) : size;
	const char *cfg = nul ? (const char *)nul + 1 : NULL;
	size_t clen = nul ? size - rlen - 1 : 0;
	awp_secrets_load_options o = AWP_SECRETS_LOAD_OPTIONS_INIT;
	o.now = 1767225600;
	awp_secrets_rules *r = NULL;
	if (awp_secrets_rules_parse(&r, text, rlen, cfg, clen, "fuzz", &o) < 0) {
		if (!*awp_error_last())
			abort(); /* every failure says why */
		return 0;
	}
	awp_secrets_scanner *s = NULL;
	if (awp_secrets_scanner_new(&s, r) == 0) {
		static const char sample[] = "password = Xy7-abc!Q\nGITHUB_TOKEN=ghp_kY9pF34Qy6nB3Wwd25rq4f5zr3QA7Y3t9FpO\n";
		awp_secrets_scan_buffer(s, "/x", sample, sizeof sample - 1, 1, NULL, NULL);
	}
	awp_secrets_scanner_free(s);
	awp_secrets_rules_free(r);
	return 0;
}
