/*
 * tests/fuzz/fuzz_iocs.c - the hash and IOC list parsers and the IOC line
 * matcher: the input is parsed as an IOC list, a hash list and a
 * well-known-domains list, then each of its lines is matched against the
 * IOCs just loaded and the hosts-check suffix lookup.
 */
#include "threats/threats_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int cb(const list_entry *e, void *payload)
{
	(void)e;
	(*(size_t *)payload)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	awp_lists l;
	memset(&l, 0, sizeof l);
	const char *text = (const char *)data;
	awp_lists_add_iocs(&l, "fuzz", text, size);
	awp_lists_add_hashes(&l, "fuzz", text, size);
	awp_lists_add_wellknown(&l, "fuzz", text, size);
	size_t hits = 0, pos = 0;
	while (pos < size) {
		const char *nl = memchr(text + pos, '\n', size - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : size - pos;
		awp_lists_match_line(&l, text + pos, n < AWP_MAX_LINE_SCAN ? n : AWP_MAX_LINE_SCAN, cb, &hits);
		char tok[128];
		size_t k = n < sizeof tok - 1 ? n : sizeof tok - 1;
		memcpy(tok, text + pos, k);
		tok[k] = 0;
		awp_lists_wellknown(&l, tok);
		awp_lists_match_ip(&l, tok);
		awp_lists_hash(&l, tok);
		pos += n + (nl ? 1 : 0);
	}
	awp_lists_free(&l);
	return 0;
}
