/*
 * report/sbom_int.h - private to the SBOM writers (report/sbom_*.c).
 */
#ifndef AWP_REPORT_SBOM_INT_H
#define AWP_REPORT_SBOM_INT_H

#include <awp/sbom.h>

#include "util/jsonw.h"

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

/* A random (version 4) UUID from /dev/urandom. */
int awp_sbom_random_uuid(char out[37]);

void awp_sbom_cyclonedx(awp_jsonw *w, const sbom_ctx *c);
void awp_sbom_spdx(awp_jsonw *w, const sbom_ctx *c);
void awp_sbom_json(awp_jsonw *w, const sbom_ctx *c);

#endif
