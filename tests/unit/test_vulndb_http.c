/*
 * test_vulndb_http.c - the parsers `awp db update` applies to what a server
 * sends (header lines, base64, x-goog-hash, Retry-After), CRC-32C, the
 * backoff schedule, URL segments, zip verification, and the source rows
 * written by awp_vulndb_import_ext().
 */
#include "harness.h"

#include "vuln/update_int.h"

#include <awp/vulndb.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int hv(const char *line, const char *name, char *out, size_t cap)
{
	return awp_http_header_value(line, strlen(line), name, out, cap);
}

static void test_header_lines(void)
{
	char v[64];
	CHECK_EQ_INT(hv("ETag: \"abc\"\r\n", "ETag", v, sizeof v), 1);
	CHECK_EQ_STR(v, "\"abc\"");
	CHECK_EQ_INT(hv("etag:W/\"x y\"  \t\r\n", "ETag", v, sizeof v), 1);
	CHECK_EQ_STR(v, "W/\"x y\"");
	CHECK_EQ_INT(hv("ETagX: 1\r\n", "ETag", v, sizeof v), 0);
	CHECK_EQ_INT(hv("ETa", "ETag", v, sizeof v), 0);
	CHECK_EQ_INT(hv("ETag\r\n", "ETag", v, sizeof v), 0);
	CHECK_EQ_INT(hv("Content-Length: 5\r\n", "ETag", v, sizeof v), 0);
	CHECK_EQ_INT(hv("ETag:\r\n", "ETag", v, sizeof v), 1);
	CHECK_EQ_STR(v, "");
	CHECK_EQ_INT(hv("Last-Modified: Tue, 15 Nov 1994 12:45:26 GMT\r\n", "last-modified", v, sizeof v), 1);
	CHECK_EQ_STR(v, "Tue, 15 Nov 1994 12:45:26 GMT");
	/* A value longer than the buffer is refused, not cut. */
	CHECK_EQ_INT(hv("ETag: 0123456789\r\n", "ETag", v, 8), AWP_ELIMIT);
	CHECK_EQ_STR(v, "");
	/* Not NUL-terminated: only len bytes are looked at. */
	const char raw[] = {'E', 'T', 'a', 'g', ':', ' ', '1', '2', 'X'};
	CHECK_EQ_INT(awp_http_header_value(raw, 8, "ETag", v, sizeof v), 1);
	CHECK_EQ_STR(v, "12");
	CHECK(awp_http_is_status_line("HTTP/1.1 304 Not Modified\r\n", 27));
	CHECK(awp_http_is_status_line("HTTP/2 200\r\n", 12));
	CHECK(!awp_http_is_status_line("HTTP", 4));
	CHECK(!awp_http_is_status_line("ETag: x", 7));
}

static void test_base64(void)
{
	unsigned char out[32];
	CHECK_EQ_INT(awp_base64_decode("aGVsbG8=", 8, out, sizeof out), 5);
	CHECK(memcmp(out, "hello", 5) == 0);
	CHECK_EQ_INT(awp_base64_decode("aGVsbG8", 7, out, sizeof out), 5); /* unpadded */
	CHECK_EQ_INT(awp_base64_decode("", 0, out, sizeof out), 0);
	CHECK_EQ_INT(awp_base64_decode("Zm9vYg==", 8, out, sizeof out), 4);
	CHECK(memcmp(out, "foob", 4) == 0);
	CHECK_EQ_INT(awp_base64_decode("aGVs*G8=", 8, out, sizeof out), -1); /* bad character */
	CHECK_EQ_INT(awp_base64_decode("aG=V", 4, out, sizeof out), -1);     /* data after padding */
	CHECK_EQ_INT(awp_base64_decode("a", 1, out, sizeof out), -1);        /* lone 6 bits */
	CHECK_EQ_INT(awp_base64_decode("aGVsbG8===", 10, out, sizeof out), -1);
	CHECK_EQ_INT(awp_base64_decode("aGVsbG8=", 8, out, 4), -1); /* does not fit */
}

static void test_goog_hash(void)
{
	/* md5("hello") = 5d41402abc4b2a76b9719d911017c592 */
	static const unsigned char md5_hello[16] = {0x5d, 0x41, 0x40, 0x2a, 0xbc, 0x4b, 0x2a, 0x76,
						    0xb9, 0x71, 0x9d, 0x91, 0x10, 0x17, 0xc5, 0x92};
	unsigned char md5[16] = {0};
	uint32_t crc = 0;
	int hm = 0, hc = 0;
	CHECK_EQ_INT(awp_http_goog_hash("crc32c=mnG7TA==,md5=XUFAKrxLKna5cZ2REBfFkg==", md5, &hm, &crc, &hc), 2);
	CHECK(hm && hc);
	CHECK(memcmp(md5, md5_hello, 16) == 0);
	CHECK_EQ_INT(crc, 0x9a71bb4c);
	/* One digest per header line, as GCS also sends it; spaces after commas. */
	hm = hc = 0;
	CHECK_EQ_INT(awp_http_goog_hash("md5=XUFAKrxLKna5cZ2REBfFkg==", md5, &hm, &crc, &hc), 1);
	CHECK(hm && !hc);
	hm = hc = 0;
	CHECK_EQ_INT(awp_http_goog_hash("crc32c=mnG7TA==, md5=XUFAKrxLKna5cZ2REBfFkg== ", md5, &hm, &crc, &hc), 2);
	/* Wrong lengths, unknown keys, garbage: ignored. */
	hm = hc = 0;
	CHECK_EQ_INT(awp_http_goog_hash("md5=aGVsbG8=,crc32c=AAAAAAAA,sha1=xx,=,,md5", md5, &hm, &crc, &hc), 0);
	CHECK(!hm && !hc);
	CHECK_EQ_INT(awp_http_goog_hash("", md5, &hm, &crc, &hc), 0);
}

static void test_retry_after(void)
{
	CHECK_EQ_INT(awp_http_retry_after_ms("0", 0), 0);
	CHECK_EQ_INT(awp_http_retry_after_ms(" 5 ", 0), 5000);
	CHECK_EQ_INT(awp_http_retry_after_ms("99999999999999999999", 0), AWP_MAX_RETRY_DELAY_MS);
	CHECK_EQ_INT(awp_http_retry_after_ms("5s", 0), -1);
	CHECK_EQ_INT(awp_http_retry_after_ms("", 0), -1);
	CHECK_EQ_INT(awp_http_retry_after_ms("soon", 0), -1);
	/* HTTP-date: 784111766 is Sun, 06 Nov 1994 08:49:26 GMT (10 s before). */
	CHECK_EQ_INT(awp_http_retry_after_ms("Sun, 06 Nov 1994 08:49:36 GMT", 784111766), 10000);
	CHECK_EQ_INT(awp_http_retry_after_ms("Sun, 06 Nov 1994 08:49:36 GMT", 784111866), 0); /* past */
	CHECK_EQ_INT(awp_http_retry_after_ms("Sun, 06 Nov 1994 08:49:36 GMT", 0), AWP_MAX_RETRY_DELAY_MS);
}

static void test_crc32c(void)
{
	/* RFC 3720 B.4 check value and iSCSI vectors. */
	CHECK_EQ_INT(awp_crc32c(0, "123456789", 9), 0xe3069283);
	unsigned char zeros[32] = {0}, ones[32];
	memset(ones, 0xff, sizeof ones);
	CHECK_EQ_INT(awp_crc32c(0, zeros, 32), 0x8a9136aa);
	CHECK_EQ_INT(awp_crc32c(0, ones, 32), 0x62a8ab43);
	/* Streaming equals one call. */
	CHECK_EQ_INT(awp_crc32c(awp_crc32c(0, "1234", 4), "56789", 5), 0xe3069283);
	CHECK_EQ_INT(awp_crc32c(0, "hello", 5), 0x9a71bb4c);
}

static void test_backoff(void)
{
	/* Attempt 2 waits base/2..base, attempt 3 twice that, capped. */
	CHECK_EQ_INT(awp_backoff_ms(1000, 2, 0), 500);
	CHECK_EQ_INT(awp_backoff_ms(1000, 2, 500), 1000);
	CHECK_EQ_INT(awp_backoff_ms(1000, 2, 501), 500);
	CHECK_EQ_INT(awp_backoff_ms(1000, 3, 0), 1000);
	CHECK_EQ_INT(awp_backoff_ms(1000, 4, 0), 2000);
	CHECK_EQ_INT(awp_backoff_ms(1000, 100, 0xffffffffu) <= AWP_MAX_RETRY_DELAY_MS, 1);
	CHECK_EQ_INT(awp_backoff_ms(1000, 100, 0), AWP_MAX_RETRY_DELAY_MS / 2);
	CHECK_EQ_INT(awp_backoff_ms(0, 3, 7), 0);
	for (uint32_t r = 0; r < 5000; r += 37) {
		unsigned d = awp_backoff_ms(800, 3, r);
		CHECK(d >= 800 && d <= 1600);
	}
}

static void test_url_segment(void)
{
	char out[64];
	CHECK_EQ_INT(awp_url_segment(out, sizeof out, "Rocky Linux"), 0);
	CHECK_EQ_STR(out, "Rocky%20Linux");
	CHECK_EQ_INT(awp_url_segment(out, sizeof out, "crates.io"), 0);
	CHECK_EQ_STR(out, "crates.io");
	CHECK_EQ_INT(awp_url_segment(out, sizeof out, "Ubuntu:22.04:LTS"), 0);
	CHECK_EQ_STR(out, "Ubuntu%3A22.04%3ALTS");
	CHECK_EQ_INT(awp_url_segment(out, 5, "abcd"), 0);
	CHECK_EQ_INT(awp_url_segment(out, 4, "abcd"), AWP_ELIMIT);
	CHECK_EQ_INT(awp_url_segment(out, 6, "a b"), 0);
	CHECK_EQ_INT(awp_url_segment(out, 5, "a b"), AWP_ELIMIT);
}

static void write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	CHECK(f != NULL);
	if (f) {
		CHECK(fwrite(buf, 1, len, f) == len);
		fclose(f);
	}
}

/* A stored zip (method 0) with one member, built by hand per APPNOTE 4.3. */
static size_t tiny_zip(unsigned char *z, const char *name, const char *data, int damage)
{
	size_t nl = strlen(name), dl = strlen(data), o = 0;
	uint32_t crc = 0;
	{ /* CRC-32 (IEEE), bitwise */
		crc = 0xffffffffu;
		for (size_t i = 0; i < dl; i++) {
			crc ^= (unsigned char)data[i];
			for (int k = 0; k < 8; k++)
				crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
		}
		crc = ~crc;
	}
#define P16(v) do { z[o++] = (unsigned char)(v); z[o++] = (unsigned char)((v) >> 8); } while (0)
#define P32(v) do { P16((v) & 0xffff); P16(((uint32_t)(v)) >> 16); } while (0)
	P32(0x04034b50); P16(10); P16(0); P16(0); P16(0); P16(0); P32(crc); P32(dl); P32(dl); P16(nl); P16(0);
	memcpy(z + o, name, nl); o += nl;
	size_t data_at = o;
	memcpy(z + o, data, dl); o += dl;
	if (damage)
		z[data_at] ^= 0x20;
	size_t cd = o;
	P32(0x02014b50); P16(20); P16(10); P16(0); P16(0); P16(0); P16(0); P32(crc); P32(dl); P32(dl); P16(nl);
	P16(0); P16(0); P16(0); P16(0); P32(0); P32(0);
	memcpy(z + o, name, nl); o += nl;
	size_t cdlen = o - cd;
	P32(0x06054b50); P16(0); P16(0); P16(1); P16(1); P32(cdlen); P32(cd); P16(0);
#undef P16
#undef P32
	return o;
}

struct seen {
	int n;
	char text[256];
};

static int on_source(const awp_vulndb_source *s, void *payload)
{
	struct seen *g = payload;
	g->n++;
	snprintf(g->text, sizeof g->text, "%s|%s|%s|%s|%lld|%lld|%llu", s->ecosystem, s->url, s->etag, s->last_modified,
		 (long long)s->fetched_at, (long long)s->checked_at, (unsigned long long)s->size);
	return 0;
}

static void test_zip_verify(void)
{
	char dir[] = "/tmp/awp-test-http-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char path[256];
	snprintf(path, sizeof path, "%s/a.zip", dir);
	unsigned char z[512];
	size_t members = 0;
	size_t n = tiny_zip(z, "X-1.json", "{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\"}", 0);
	write_file(path, z, n);
	CHECK_OK(awp_zip_verify(path, "a.zip", &members));
	CHECK_EQ_INT(members, 1);
	/* A flipped data byte: the member's CRC-32 no longer matches. */
	n = tiny_zip(z, "X-1.json", "{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\"}", 1);
	write_file(path, z, n);
	CHECK_EQ_INT(awp_zip_verify(path, "a.zip", &members), AWP_ECORRUPT);
	/* Truncated in the middle of the member. */
	n = tiny_zip(z, "X-1.json", "{\"id\":\"X-1\",\"modified\":\"2024-01-01T00:00:00Z\"}", 0);
	write_file(path, z, 40);
	CHECK_EQ_INT(awp_zip_verify(path, "a.zip", &members), AWP_ECORRUPT);
	write_file(path, "not a zip at all", 16);
	CHECK_EQ_INT(awp_zip_verify(path, "a.zip", &members), AWP_ECORRUPT);
	CHECK(strstr(awp_error_last(), "a.zip") != NULL);
	unlink(path);

	/* Source rows ride along with the import and are read back. */
	char db[256], json[256];
	snprintf(db, sizeof db, "%s/v.db", dir);
	snprintf(json, sizeof json, "%s/X-1.json", dir);
	write_file(json, "{\"id\":\"X-1\",\"modified\":\"t\",\"affected\":[]}", 40);
	awp_vulndb_source src = {"npm", "http://mirror/npm/all.zip", "\"e1\"", "Tue, 15 Nov 1994 12:45:26 GMT",
				 100, 200, 42};
	awp_vulndb_import_options io = AWP_VULNDB_IMPORT_OPTIONS_INIT;
	io.sources = &src;
	io.n_sources = 1;
	const char *in[] = {json};
	CHECK_OK(awp_vulndb_import_ext(db, in, 1, &io, NULL));
	/* A provenance-only update (a 304) keeps fetched_at, size and built_at. */
	awp_vulndb *v = NULL;
	CHECK_OK(awp_vulndb_open(&v, db));
	int64_t built = v ? awp_vulndb_built_at(v) : 0;
	awp_vulndb_close(v);
	awp_vulndb_source again = {"npm", "http://mirror/npm/all.zip", "\"e2\"", "", 0, 300, 0};
	io.sources = &again;
	CHECK_OK(awp_vulndb_import_ext(db, NULL, 0, &io, NULL));
	v = NULL;
	CHECK_OK(awp_vulndb_open(&v, db));
	if (v) {
		CHECK_EQ_INT(awp_vulndb_built_at(v), built);
		CHECK_EQ_INT(awp_vulndb_fresh_at(v), built > 300 ? built : 300);
		struct seen got = {0};
		CHECK_OK(awp_vulndb_sources(v, on_source, &got));
		CHECK_EQ_INT(got.n, 1);
		CHECK_EQ_STR(got.text, "npm|http://mirror/npm/all.zip|\"e2\"||100|300|42");
		awp_vulndb_close(v);
	}
	unlink(db);
	unlink(json);
	rmdir(dir);
}

void test_main(void)
{
	test_header_lines();
	test_base64();
	test_goog_hash();
	test_retry_after();
	test_crc32c();
	test_backoff();
	test_url_segment();
	test_zip_verify();
}
