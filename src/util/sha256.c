/*
 * util/sha256.c - SHA-256 over OpenSSL EVP.
 */
#include "util/crypto_dl.h"
#include "util/sha256.h"
#include "util/error.h"

/* awp_sha256 is an EVP_MD_CTX under another name; never dereferenced. */

awp_sha256 *awp_sha256_new(void)
{
	if (awp_crypto_load() < 0)
		return NULL;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		awp_error_set(AWP_ENOMEM, "cannot create a SHA-256 context");
		return NULL;
	}
	return (awp_sha256 *)ctx;
}

void awp_sha256_update(awp_sha256 *c, const void *data, size_t len)
{
	EVP_DigestUpdate((EVP_MD_CTX *)c, data, len);
}

void awp_sha256_final(awp_sha256 *c, uint8_t out[32])
{
	unsigned int n = 32;
	EVP_DigestFinal_ex((EVP_MD_CTX *)c, out, &n);
	EVP_DigestInit_ex((EVP_MD_CTX *)c, EVP_sha256(), NULL);
}

void awp_sha256_free(awp_sha256 *c)
{
	EVP_MD_CTX_free((EVP_MD_CTX *)c);
}

void awp_hex(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}
