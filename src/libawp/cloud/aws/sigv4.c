/*
 * cloud/aws/sigv4.c - AWS Signature Version 4 (header form).
 *
 * The four steps of the AWS General Reference "Create a signed AWS API
 * request": canonical request, string to sign, signing key (an HMAC-SHA256
 * chain over date, region, service and "aws4_request"), signature. Verified
 * by tests against the published example (IAM ListUsers, 20150830) and cases
 * of the SigV4 test suite. The secret key only ever enters HMAC.
 */
#include "cloud/aws/aws_int.h"

#include "util/crypto_dl.h"
#include "util/error.h"
#include "util/mem.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SIGNED_HEADERS 32

void aws_sha256_hex(const void *data, size_t len, char out[65])
{
	uint8_t md[32];
	unsigned int n = 32;
	EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
	static const char hx[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hx[md[i] >> 4];
		out[2 * i + 1] = hx[md[i] & 15];
	}
	out[64] = '\0';
}

void aws_base64(const uint8_t *data, size_t len, char *out)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0, i = 0;
	for (; i + 3 <= len; i += 3) {
		uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
		out[o++] = tbl[v >> 18];
		out[o++] = tbl[(v >> 12) & 63];
		out[o++] = tbl[(v >> 6) & 63];
		out[o++] = tbl[v & 63];
	}
	if (len - i == 1) {
		uint32_t v = (uint32_t)data[i] << 16;
		out[o++] = tbl[v >> 18];
		out[o++] = tbl[(v >> 12) & 63];
		out[o++] = '=';
		out[o++] = '=';
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8;
		out[o++] = tbl[v >> 18];
		out[o++] = tbl[(v >> 12) & 63];
		out[o++] = tbl[(v >> 6) & 63];
		out[o++] = '=';
	}
	out[o] = '\0';
}

int aws_uri_encode(awp_strbuf *sb, const char *s, int keep_slash)
{
	static const char hx[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int c = *p;
		int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
			 c == '_' || c == '.' || c == '~' || (keep_slash && c == '/');
		char e[3] = {'%', hx[c >> 4], hx[c & 15]};
		int err = ok ? awp_strbuf_putc(sb, (char)c) : awp_strbuf_add(sb, e, 3);
		if (err < 0)
			return err;
	}
	return 0;
}

static void hmac(uint8_t out[32], const void *key, size_t klen, const void *msg, size_t mlen)
{
	unsigned int n = 32;
	HMAC(EVP_sha256(), key, (int)klen, msg, mlen, out, &n);
}

void aws_sigv4_signing_key(uint8_t out[32], const char *secret_key, const char *date8, const char *region,
			   const char *service)
{
	/* "AWS4" + secret is the first key; the buffer is wiped after use. */
	size_t sl = strlen(secret_key);
	char *k = malloc(sl + 5);
	uint8_t a[32], b[32];
	if (!k) {
		memset(out, 0, 32);
		return;
	}
	memcpy(k, "AWS4", 4);
	memcpy(k + 4, secret_key, sl + 1);
	hmac(a, k, sl + 4, date8, strlen(date8));
	OPENSSL_cleanse(k, sl + 4);
	free(k);
	hmac(b, a, 32, region, strlen(region));
	hmac(a, b, 32, service, strlen(service));
	hmac(out, a, 32, "aws4_request", 12);
	OPENSSL_cleanse(a, sizeof a);
	OPENSSL_cleanse(b, sizeof b);
}

typedef struct hdr {
	char *name;
	const char *value;
} hdr;

static int hdr_cmp(const void *a, const void *b)
{
	return strcmp(((const hdr *)a)->name, ((const hdr *)b)->name);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Trim and collapse runs of spaces, as the canonical header value wants. */
static int add_trimmed(awp_strbuf *sb, const char *v)
{
	while (*v == ' ' || *v == '\t')
		v++;
	int space = 0, err = 0;
	for (; *v && err >= 0; v++) {
		if (*v == ' ' || *v == '\t') {
			space = 1;
			continue;
		}
		if (space)
			err = awp_strbuf_putc(sb, ' ');
		space = 0;
		if (err >= 0)
			err = awp_strbuf_putc(sb, *v);
	}
	return err;
}

/* The query string's "k=v" pairs sorted by name then value (they are
 * already encoded, so byte order is the canonical order). */
static int canonical_query(awp_strbuf *sb, const char *query)
{
	if (!query || !*query)
		return 0;
	char *copy = awp_strdup(query);
	if (!copy)
		return AWP_ENOMEM;
	size_t n = 1;
	for (const char *p = copy; *p; p++)
		n += *p == '&';
	char **parts = awp_calloc(n, sizeof(*parts));
	int err = 0;
	if (!parts) {
		free(copy);
		return AWP_ENOMEM;
	}
	size_t k = 0;
	for (char *save = NULL, *t = strtok_r(copy, "&", &save); t; t = strtok_r(NULL, "&", &save))
		parts[k++] = t;
	qsort(parts, k, sizeof(*parts), str_cmp);
	for (size_t i = 0; i < k && err >= 0; i++) {
		if (i)
			err = awp_strbuf_putc(sb, '&');
		if (err >= 0)
			err = awp_strbuf_puts(sb, parts[i]);
		if (err >= 0 && !strchr(parts[i], '='))
			err = awp_strbuf_putc(sb, '=');
	}
	free(parts);
	free(copy);
	return err;
}

int aws_sigv4_authorization(awp_strbuf *out, const char *method, const char *path, const char *query,
			    const aws_header *hdrs, size_t nhdrs, const char *payload_sha256_hex,
			    const char *access_key, const char *secret_key, const char *region,
			    const char *service, const char *amzdate, awp_strbuf *canon_out, awp_strbuf *sts_out)
{
	if (nhdrs > MAX_SIGNED_HEADERS || strlen(amzdate) != 16)
		return awp_error_set(AWP_EINVAL, "sigv4: bad request to sign");
	hdr h[MAX_SIGNED_HEADERS];
	awp_strbuf canon = AWP_STRBUF_INIT, signed_names = AWP_STRBUF_INIT, sts = AWP_STRBUF_INIT;
	int err = 0;
	size_t nh = 0;
	for (; nh < nhdrs; nh++) {
		if (!(h[nh].name = awp_strdup(hdrs[nh].name))) {
			err = AWP_ENOMEM;
			goto done;
		}
		for (char *p = h[nh].name; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		h[nh].value = hdrs[nh].value;
	}
	qsort(h, nh, sizeof(*h), hdr_cmp);

	if ((err = awp_strbuf_printf(&canon, "%s\n%s\n", method, path && *path ? path : "/")) < 0 ||
	    (err = canonical_query(&canon, query)) < 0 || (err = awp_strbuf_putc(&canon, '\n')) < 0)
		goto done;
	for (size_t i = 0; i < nh; i++) {
		if ((err = awp_strbuf_printf(&canon, "%s:", h[i].name)) < 0 ||
		    (err = add_trimmed(&canon, h[i].value)) < 0 || (err = awp_strbuf_putc(&canon, '\n')) < 0 ||
		    (err = awp_strbuf_printf(&signed_names, "%s%s", i ? ";" : "", h[i].name)) < 0)
			goto done;
	}
	if ((err = awp_strbuf_printf(&canon, "\n%s\n%s", awp_strbuf_cstr(&signed_names), payload_sha256_hex)) < 0)
		goto done;

	char chash[65], date8[9];
	aws_sha256_hex(canon.ptr, canon.len, chash);
	memcpy(date8, amzdate, 8);
	date8[8] = '\0';
	if ((err = awp_strbuf_printf(&sts, "AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n%s", amzdate, date8, region,
				     service, chash)) < 0)
		goto done;

	uint8_t key[32], sig[32];
	aws_sigv4_signing_key(key, secret_key, date8, region, service);
	hmac(sig, key, 32, sts.ptr, sts.len);
	OPENSSL_cleanse(key, sizeof key);
	char sighex[65];
	static const char hx[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		sighex[2 * i] = hx[sig[i] >> 4];
		sighex[2 * i + 1] = hx[sig[i] & 15];
	}
	sighex[64] = '\0';
	err = awp_strbuf_printf(out, "AWS4-HMAC-SHA256 Credential=%s/%s/%s/%s/aws4_request, SignedHeaders=%s, Signature=%s",
				access_key, date8, region, service, awp_strbuf_cstr(&signed_names), sighex);
	if (err >= 0 && canon_out)
		err = awp_strbuf_add(canon_out, canon.ptr, canon.len);
	if (err >= 0 && sts_out)
		err = awp_strbuf_add(sts_out, sts.ptr, sts.len);
done:
	for (size_t i = 0; i < nh; i++)
		free(h[i].name);
	awp_strbuf_free(&canon);
	awp_strbuf_free(&signed_names);
	awp_strbuf_free(&sts);
	return err < 0 ? err : 0;
}
