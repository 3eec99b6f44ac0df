/*
 * util/crypto_dl.h - libcrypto (OpenSSL 3), loaded the first time awp
 * hashes something with it.
 *
 * Why: linking libcrypto cost every awp process about half a millisecond at
 * start-up, and `awp sbom`, `ls`, `inspect` never hash with it. Files that
 * hash include this header instead of <openssl/evp.h> (and hmac.h,
 * crypto.h); the calls keep their names (macros below) and go through
 * pointers that awp_crypto_load() fills from libcrypto.so.3 with dlopen
 * (util/dl.h). The entry points that create something (EVP_MD_CTX_new,
 * EVP_md5/sha1/sha256, the one-shot EVP_Digest and HMAC) load libcrypto
 * themselves and fail cleanly when it is missing (NULL, or 0 for
 * EVP_Digest, with an awp error message); Init/Update/Final and
 * EVP_MD_get_size need a context or a digest those returned, so the hot
 * paths are one indirect call with no load check. EVP_MD_CTX_free(NULL)
 * stays a no-op. OPENSSL_cleanse is explicit_bzero: wiping memory does not
 * need libcrypto.
 */
#ifndef AWP_UTIL_CRYPTO_DL_H
#define AWP_UTIL_CRYPTO_DL_H

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string.h>

/** Load libcrypto once (thread safe). 0, or AWP_EUNSUPPORTED with a message. */
int awp_crypto_load(void);

typedef struct awp_crypto_api {
	EVP_MD_CTX *(*md_ctx_new)(void);
	void (*md_ctx_free)(EVP_MD_CTX *ctx);
	int (*digest_init_ex)(EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl);
	int (*digest_update)(EVP_MD_CTX *ctx, const void *d, size_t cnt);
	int (*digest_final_ex)(EVP_MD_CTX *ctx, unsigned char *md, unsigned int *s);
	int (*digest)(const void *data, size_t count, unsigned char *md, unsigned int *size, const EVP_MD *type,
		      ENGINE *impl);
	int (*md_get_size)(const EVP_MD *md);
	const EVP_MD *(*md5)(void);
	const EVP_MD *(*sha1)(void);
	const EVP_MD *(*sha256)(void);
	unsigned char *(*hmac)(const EVP_MD *evp_md, const void *key, int key_len, const unsigned char *data,
			       size_t data_len, unsigned char *md, unsigned int *md_len);
} awp_crypto_api;
extern awp_crypto_api awp_crypto_fn;

/* Entry points that load libcrypto first. */
EVP_MD_CTX *awp_EVP_MD_CTX_new(void);
const EVP_MD *awp_EVP_md5(void);
const EVP_MD *awp_EVP_sha1(void);
const EVP_MD *awp_EVP_sha256(void);
int awp_EVP_Digest(const void *data, size_t count, unsigned char *md, unsigned int *size, const EVP_MD *type,
		   ENGINE *impl);
unsigned char *awp_HMAC(const EVP_MD *evp_md, const void *key, int key_len, const unsigned char *data,
			size_t data_len, unsigned char *md, unsigned int *md_len);

static inline void awp_EVP_MD_CTX_free(EVP_MD_CTX *ctx)
{
	if (ctx)
		awp_crypto_fn.md_ctx_free(ctx);
}

#define EVP_MD_CTX_new awp_EVP_MD_CTX_new
#define EVP_MD_CTX_free awp_EVP_MD_CTX_free
#define EVP_md5 awp_EVP_md5
#define EVP_sha1 awp_EVP_sha1
#define EVP_sha256 awp_EVP_sha256
#define EVP_Digest awp_EVP_Digest
#define HMAC awp_HMAC
#define EVP_DigestInit_ex (awp_crypto_fn.digest_init_ex)
#define EVP_DigestUpdate (awp_crypto_fn.digest_update)
#define EVP_DigestFinal_ex (awp_crypto_fn.digest_final_ex)
#define EVP_MD_get_size (awp_crypto_fn.md_get_size)
#define OPENSSL_cleanse(p, n) explicit_bzero(p, n)

#endif
