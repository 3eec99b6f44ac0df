/*
 * util/sha256.h - streaming SHA-256 (OpenSSL's libcrypto underneath: a
 * maintained, hardware-accelerated implementation).
 */
#ifndef AWP_UTIL_SHA256_H
#define AWP_UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct awp_sha256 awp_sha256;

/** New context; NULL on allocation failure (message set). */
awp_sha256 *awp_sha256_new(void);
void awp_sha256_update(awp_sha256 *c, const void *data, size_t len);
/** Finish into 32 bytes and reset the context for reuse. */
void awp_sha256_final(awp_sha256 *c, uint8_t out[32]);
void awp_sha256_free(awp_sha256 *c);
/** 32 bytes -> 64 lowercase hex characters + NUL. */
void awp_hex(const uint8_t *in, size_t len, char *out);

#endif
