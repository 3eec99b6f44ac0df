/*
 * report/sbom_int.h - private to the SBOM writers (report/sbom_*.c).
 */
#ifndef AWP_REPORT_SBOM_INT_H
#define AWP_REPORT_SBOM_INT_H

#include <awp/sbom.h>

#include "util/jsonw.h"
#include "util/strbuf.h"

typedef struct sbom_ctx {
	const awp_inventory *inv;
	const awp_sbom_options *opts;
	const char *target;      /* never NULL */
	char uuid[37];
	char timestamp[32];
	/* Optional: write more top-level members before the document closes
	 * (the scan report adds CycloneDX "vulnerabilities"). */
	void (*extra)(awp_jsonw *w, const void *payload);
	const void *extra_payload;
} sbom_ctx;

/* Licence mapping (report/sbom_license.c). Caps on what one Debian licence
 * expression may hold (real ones: < 10 words, names < 60 characters). */
#define AWP_MAX_LICENSE_WORDS 64     /* words of one ", "-group of an expression */
#define AWP_MAX_LICENSEREF_LEN 96    /* characters after "LicenseRef-" */
#define AWP_MAX_LICENSE_TEXT 255     /* the original name kept for a LicenseRef */

/* Told about each LicenseRef- id an expression uses and the name it stands for. */
typedef int (*sbom_licref_cb)(const char *ref, const char *name, void *payload);
/**
 * The SPDX licence expression of p's declared licence into *expr (emptied
 * first; left empty when there is none: only dpkg licences, Debian short
 * names, are mapped). cb (may be NULL) is called for every LicenseRef- used.
 * Returns 0, AWP_ENOMEM, or cb's negative return.
 */
int awp_sbom_license_expr(awp_strbuf *expr, const awp_package *p, sbom_licref_cb cb, void *payload);

/* A random (version 4) UUID from /dev/urandom. */
int awp_sbom_random_uuid(char out[37]);

void awp_sbom_cyclonedx(awp_jsonw *w, const sbom_ctx *c);
void awp_sbom_spdx(awp_jsonw *w, const sbom_ctx *c);
void awp_sbom_json(awp_jsonw *w, const sbom_ctx *c);

#endif
