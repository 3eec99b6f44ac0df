/*
 * util/crypto_dl.c - libcrypto loaded on first use (util/crypto_dl.h).
 */
#include "util/crypto_dl.h"

#include "util/dl.h"
#include "util/error.h"

#include <pthread.h>

/* slot, symbol */
#define FUNCS(X) \
	X(md_ctx_new, EVP_MD_CTX_new) \
	X(md_ctx_free, EVP_MD_CTX_free) \
	X(digest_init_ex, EVP_DigestInit_ex) \
	X(digest_update, EVP_DigestUpdate) \
	X(digest_final_ex, EVP_DigestFinal_ex) \
	X(digest, EVP_Digest) \
	X(md_get_size, EVP_MD_get_size) \
	X(md5, EVP_md5) \
	X(sha1, EVP_sha1) \
	X(sha256, EVP_sha256) \
	X(hmac, HMAC)

/* The real declarations, for AWP_DL_CHECK. */
#undef EVP_MD_CTX_new
#undef EVP_MD_CTX_free
#undef EVP_DigestInit_ex
#undef EVP_DigestUpdate
#undef EVP_DigestFinal_ex
#undef EVP_Digest
#undef EVP_MD_get_size
#undef EVP_md5
#undef EVP_sha1
#undef EVP_sha256
#undef HMAC
#define CHECK(slot, sym) AWP_DL_CHECK(sym, awp_crypto_fn.slot);
FUNCS(CHECK)

AWP_DL_LOADER(FUNCS, awp_crypto_api, awp_crypto_fn, awp_crypto_load, "libcrypto.so.3", md_ctx_new, "libssl3")

EVP_MD_CTX *awp_EVP_MD_CTX_new(void)
{
	return awp_crypto_load() < 0 ? NULL : awp_crypto_fn.md_ctx_new();
}

const EVP_MD *awp_EVP_md5(void)
{
	return awp_crypto_load() < 0 ? NULL : awp_crypto_fn.md5();
}

const EVP_MD *awp_EVP_sha1(void)
{
	return awp_crypto_load() < 0 ? NULL : awp_crypto_fn.sha1();
}

const EVP_MD *awp_EVP_sha256(void)
{
	return awp_crypto_load() < 0 ? NULL : awp_crypto_fn.sha256();
}

int awp_EVP_Digest(const void *data, size_t count, unsigned char *md, unsigned int *size, const EVP_MD *type,
		   ENGINE *impl)
{
	return awp_crypto_load() < 0 || !type ? 0 : awp_crypto_fn.digest(data, count, md, size, type, impl);
}

unsigned char *awp_HMAC(const EVP_MD *evp_md, const void *key, int key_len, const unsigned char *data,
			size_t data_len, unsigned char *md, unsigned int *md_len)
{
	return awp_crypto_load() < 0 || !evp_md ? NULL
						: awp_crypto_fn.hmac(evp_md, key, key_len, data, data_len, md, md_len);
}
