/*
 * awp/sbom.h - write an inventory as a software bill of materials:
 * CycloneDX 1.5 JSON, SPDX 2.3 JSON, or awp's own JSON (docs/sbom.md).
 */
#ifndef AWP_SBOM_H
#define AWP_SBOM_H

#include <awp/inventory.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum awp_sbom_format {
	AWP_SBOM_CYCLONEDX = 0,
	AWP_SBOM_SPDX,
	AWP_SBOM_JSON,
} awp_sbom_format;

#define AWP_SBOM_OPTIONS_VERSION 1
typedef struct awp_sbom_options {
	int version;
	awp_sbom_format format;
	const char *target_name;  /**< what was scanned (image path); NULL: "unknown" */
	const char *timestamp;    /**< RFC 3339 UTC; NULL: now */
	const char *uuid;         /**< document UUID; NULL: random (from /dev/urandom) */
	int pretty;               /**< indent the JSON */
} awp_sbom_options;
#define AWP_SBOM_OPTIONS_INIT {AWP_SBOM_OPTIONS_VERSION, AWP_SBOM_CYCLONEDX, NULL, NULL, NULL, 1}

/** "cyclonedx", "spdx" or "json" into *out; AWP_EINVAL otherwise. */
AWP_EXTERN int awp_sbom_format_parse(awp_sbom_format *out, const char *name);

/**
 * Write the SBOM of `inv` into a new NUL-terminated string *out (caller
 * frees with free()), its length into *out_len (may be NULL).
 * @return 0, AWP_ENOMEM, AWP_EINVAL (bad options), AWP_EIO (no randomness)
 */
AWP_EXTERN int awp_sbom_write(char **out, size_t *out_len, const awp_inventory *inv, const awp_sbom_options *opts);

#ifdef __cplusplus
}
#endif
#endif
