/*
 * fuzz_http_hdr.c - the parsers `awp db update` runs on what a server sends:
 * a header line (ETag, x-goog-hash, Retry-After, Content-MD5 paths) and
 * base64. The input is one raw header line, as libcurl hands it over.
 */
#include "vuln/update_int.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data;
	char v[AWP_MAX_HTTP_HEADER_VALUE];
	unsigned char md5[16], out[64];
	uint32_t crc = 0;
	int hm = 0, hc = 0;
	(void)awp_http_is_status_line(line, size);
	static const char *const names[] = {"ETag", "Last-Modified", "x-goog-hash", "Content-MD5", "Retry-After"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (awp_http_header_value(line, size, names[i], v, sizeof v) != 1)
			continue;
		awp_http_goog_hash(v, md5, &hm, &crc, &hc);
		(void)awp_base64_decode(v, strlen(v), out, sizeof out);
		(void)awp_http_retry_after_ms(v, 1700000000);
	}
	(void)awp_base64_decode(line, size, out, sizeof out);
	(void)awp_crc32c(0, data, size);
	char seg[64];
	if (size < 32) {
		char name[33];
		memcpy(name, data, size);
		name[size] = '\0';
		(void)awp_url_segment(seg, sizeof seg, name);
	}
	return 0;
}
