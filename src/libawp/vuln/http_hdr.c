/*
 * vuln/http_hdr.c - the small parsers `awp db update` needs for what a server
 * sends: header lines (RFC 9110 field syntax), base64 digests of x-goog-hash
 * (Google Cloud Storage: "crc32c=<b64 of 4 BE bytes>,md5=<b64 of 16 bytes>",
 * possibly split over two header lines), Retry-After, plus CRC-32C, the
 * backoff schedule and URL path-segment encoding.
 *
 * Everything here takes untrusted bytes: no input can read or write out of
 * bounds, and nothing allocates.
 */
#include "vuln/update_int.h"

#include "util/error.h"

#include <ctype.h>
#include "util/curl_dl.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int awp_http_header_value(const char *line, size_t len, const char *name, char *out, size_t cap)
{
	size_t n = strlen(name);
	if (cap == 0)
		return AWP_ELIMIT;
	out[0] = '\0';
	if (len <= n || line[n] != ':' || strncasecmp(line, name, n) != 0)
		return 0;
	size_t a = n + 1, b = len;
	while (a < b && is_blank(line[a]))
		a++;
	while (b > a && is_blank(line[b - 1]))
		b--;
	if (b - a >= cap)
		return AWP_ELIMIT;
	memcpy(out, line + a, b - a);
	out[b - a] = '\0';
	return 1;
}

int awp_http_is_status_line(const char *line, size_t len)
{
	return len >= 5 && memcmp(line, "HTTP/", 5) == 0;
}

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long awp_base64_decode(const char *in, size_t len, unsigned char *out, size_t cap)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t o = 0, pad = 0, used = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad)
			return -1; /* data after padding */
		int v = b64val(c);
		if (v < 0)
			return -1;
		used++;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= cap)
				return -1;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* A lone 6-bit group cannot end a valid encoding; padding must fill the quantum. */
	if (used % 4 == 1 || pad > 2 || (pad && (used + pad) % 4 != 0))
		return -1;
	return (long)o;
}

int awp_http_goog_hash(const char *value, unsigned char md5[16], int *have_md5, uint32_t *crc32c, int *have_crc)
{
	int taken = 0;
	const char *p = value;
	while (*p) {
		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		const char *end = p;
		while (*end && *end != ',')
			end++;
		const char *eq = memchr(p, '=', (size_t)(end - p));
		if (eq) {
			size_t klen = (size_t)(eq - p);
			const char *v = eq + 1;
			size_t vlen = (size_t)(end - v);
			while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
				vlen--;
			unsigned char buf[16];
			if (klen == 3 && strncasecmp(p, "md5", 3) == 0 && awp_base64_decode(v, vlen, buf, sizeof buf) == 16) {
				memcpy(md5, buf, 16);
				*have_md5 = 1;
				taken++;
			} else if (klen == 6 && strncasecmp(p, "crc32c", 6) == 0 &&
				   awp_base64_decode(v, vlen, buf, sizeof buf) == 4) {
				*crc32c = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 | (uint32_t)buf[2] << 8 | buf[3];
				*have_crc = 1;
				taken++;
			}
		}
		p = end;
	}
	return taken;
}

long awp_http_retry_after_ms(const char *value, int64_t now)
{
	while (*value == ' ' || *value == '\t')
		value++;
	if (!*value)
		return -1;
	int64_t secs;
	if (isdigit((unsigned char)*value)) {
		char *end;
		unsigned long long v = strtoull(value, &end, 10);
		while (*end == ' ' || *end == '\t')
			end++;
		if (*end)
			return -1;
		secs = v > AWP_MAX_RETRY_DELAY_MS / 1000 ? AWP_MAX_RETRY_DELAY_MS / 1000 : (int64_t)v;
	} else {
		time_t t = curl_getdate(value, NULL);
		if (t == (time_t)-1)
			return -1;
		secs = (int64_t)t - now;
		if (secs < 0)
			secs = 0;
		if (secs > AWP_MAX_RETRY_DELAY_MS / 1000)
			secs = AWP_MAX_RETRY_DELAY_MS / 1000;
	}
	return (long)(secs * 1000);
}

unsigned awp_backoff_ms(unsigned base_ms, unsigned attempt, uint32_t rnd)
{
	uint64_t d = base_ms;
	for (unsigned i = 2; i < attempt && d < AWP_MAX_RETRY_DELAY_MS; i++)
		d *= 2;
	if (d > AWP_MAX_RETRY_DELAY_MS)
		d = AWP_MAX_RETRY_DELAY_MS;
	/* Equal jitter: clients that failed together do not retry together. */
	uint64_t half = d / 2;
	return (unsigned)(half + (half ? rnd % (half + 1) : 0));
}

int awp_url_segment(char *out, size_t cap, const char *segment)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)segment; *p; p++) {
		int keep = isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~';
		if (o + (keep ? 1 : 3) >= cap)
			return AWP_ELIMIT;
		if (keep) {
			out[o++] = (char)*p;
		} else {
			out[o++] = '%';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 15];
		}
	}
	if (o >= cap)
		return AWP_ELIMIT;
	out[o] = '\0';
	return 0;
}
