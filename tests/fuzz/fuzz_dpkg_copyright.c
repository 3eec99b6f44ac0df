/* libFuzzer: a /usr/share/doc/<pkg>/copyright file in memory (pkg/dpkg_copyright.c),
 * then its licence list mapped to an SPDX expression (report/sbom_license.c). */
#include "pkg/osdb_int.h"
#include "report/sbom_int.h"

#include <string.h>

static int on_ref(const char *ref, const char *name, void *payload)
{
	(void)payload;
	/* every LicenseRef- made must be a valid SPDX idstring */
	if (strncmp(ref, "LicenseRef-", 11) != 0 || strlen(ref) <= 11 || !name)
		__builtin_trap();
	for (const char *s = ref + 11; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '.' || *s == '-'))
			__builtin_trap();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	awp_inventory *inv = awp_inv_new();
	if (!inv)
		return 0;
	awp_osdb_reader r;
	awp_osdb_reader_mem(&r, data, size, "/usr/share/doc/x/copyright");
	awp_strbuf lic = AWP_STRBUF_INIT, expr = AWP_STRBUF_INIT;
	if (awp_dpkg_copyright_parse(inv, &r, &lic) > 0 && lic.len) {
		awp_package p = {0};
		p.type = "dpkg";
		p.license = lic.ptr;
		awp_sbom_license_expr(&expr, &p, on_ref, NULL);
	}
	awp_strbuf_free(&lic);
	awp_strbuf_free(&expr);
	awp_inventory_free(inv);
	return 0;
}
