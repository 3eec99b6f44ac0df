/*
 * report/sbom_spdx.c - SPDX 2.3 JSON (spdx.github.io/spdx-spec/v2.3).
 *
 * The document DESCRIBES one package for the scanned target
 * (SPDXRef-Target), which CONTAINS the operating system
 * (SPDXRef-OperatingSystem) and every package (SPDXRef-Package-<index>);
 * dependency edges are DEPENDS_ON. What awp does not know is NOASSERTION:
 * download location, copyright, concluded licence. Declared licences of
 * dpkg packages (Debian short names from machine-readable copyright files)
 * become an SPDX expression in licenseDeclared (report/sbom_license.c);
 * every LicenseRef- it uses is declared once in hasExtractedLicensingInfos.
 * Other package databases hold free text: it goes to licenseComments and
 * licenseDeclared stays NOASSERTION.
 *
 * primaryPackagePurpose of the OS is OPERATING_SYSTEM: the SPDX 2.3 text
 * spells it OPERATING-SYSTEM but the 2.3 JSON schema as released accepts
 * only the underscore (later schema fixes accept both).
 */
#include "report/sbom_int.h"

#include "util/error.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include "util/strmap.h"

#include <ctype.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static void rel(awp_jsonw *w, const char *a, const char *type, const char *b)
{
	awp_jsonw_object_begin(w);
	awp_jsonw_kv_string(w, "spdxElementId", a);
	awp_jsonw_kv_string(w, "relationshipType", type);
	awp_jsonw_kv_string(w, "relatedSpdxElement", b);
	awp_jsonw_object_end(w);
}

static void noassert(awp_jsonw *w, const char *declared)
{
	awp_jsonw_kv_string(w, "downloadLocation", "NOASSERTION");
	awp_jsonw_kv_bool(w, "filesAnalyzed", 0);
	awp_jsonw_kv_string(w, "licenseConcluded", "NOASSERTION");
	awp_jsonw_kv_string(w, "licenseDeclared", declared && declared[0] ? declared : "NOASSERTION");
	awp_jsonw_kv_string(w, "copyrightText", "NOASSERTION");
}

/* The LicenseRef- ids used so far, each with the name it stands for (first seen). */
struct licref {
	char *id, *name;
};
struct licrefs {
	awp_strmap seen; /* id -> index; keys are v[i].id */
	struct licref *v;
	size_t n, cap;
};

static int add_ref(const char *ref, const char *name, void *payload)
{
	struct licrefs *lr = payload;
	size_t dummy;
	if (awp_strmap_get(&lr->seen, ref, &dummy))
		return 0;
	if (AWP_GROW(lr->v, lr->cap, lr->n + 1) < 0)
		return AWP_ENOMEM;
	struct licref *r = &lr->v[lr->n];
	r->id = awp_strdup(ref);
	r->name = awp_strdup(name);
	if (!r->id || !r->name || awp_strmap_put(&lr->seen, r->id, lr->n) < 0) {
		free(r->id);
		free(r->name);
		return AWP_ENOMEM;
	}
	lr->n++;
	return 0;
}

static void free_refs(struct licrefs *lr)
{
	for (size_t i = 0; i < lr->n; i++) {
		free(lr->v[i].id);
		free(lr->v[i].name);
	}
	free(lr->v);
	awp_strmap_free(&lr->seen);
}

static void id(char *buf, size_t cap, size_t i)
{
	snprintf(buf, cap, "SPDXRef-Package-%zu", i);
}

void awp_sbom_spdx(awp_jsonw *w, const sbom_ctx *c)
{
	const awp_os_info *os = awp_inventory_os(c->inv);
	char buf[64], b2[64];
	awp_strbuf sb = AWP_STRBUF_INIT, expr = AWP_STRBUF_INIT;
	struct licrefs refs = {0};
	awp_jsonw_object_begin(w);
	awp_jsonw_kv_string(w, "spdxVersion", "SPDX-2.3");
	awp_jsonw_kv_string(w, "dataLicense", "CC0-1.0");
	awp_jsonw_kv_string(w, "SPDXID", "SPDXRef-DOCUMENT");
	awp_jsonw_kv_string(w, "name", c->target);
	/* a unique URI without '#': the target's base name (URL-safe) and the UUID */
	const char *base = strrchr(c->target, '/');
	base = base && base[1] ? base + 1 : c->target;
	awp_strbuf_puts(&sb, "https://awp.invalid/spdx/");
	for (const char *s = base; *s && sb.len < 120; s++)
		awp_strbuf_putc(&sb, isalnum((unsigned char)*s) || *s == '.' || *s == '-' || *s == '_' ? *s : '-');
	awp_strbuf_printf(&sb, "-%s", c->uuid);
	awp_jsonw_kv_string(w, "documentNamespace", awp_strbuf_cstr(&sb));
	awp_jsonw_key(w, "creationInfo");
	awp_jsonw_object_begin(w);
	awp_jsonw_kv_string(w, "created", c->timestamp);
	awp_jsonw_key(w, "creators");
	awp_jsonw_array_begin(w);
	snprintf(buf, sizeof buf, "Tool: awp-%s", awp_version());
	awp_jsonw_string(w, buf);
	awp_jsonw_array_end(w);
	awp_jsonw_object_end(w);

	awp_jsonw_key(w, "packages");
	awp_jsonw_array_begin(w);
	awp_jsonw_object_begin(w);
	awp_jsonw_kv_string(w, "name", c->target);
	awp_jsonw_kv_string(w, "SPDXID", "SPDXRef-Target");
	noassert(w, NULL);
	awp_jsonw_kv_string(w, "primaryPackagePurpose", "FILE");
	awp_jsonw_object_end(w);
	if (os->known) {
		awp_jsonw_object_begin(w);
		awp_jsonw_kv_string(w, "name", os->id[0] ? os->id : "unknown");
		awp_jsonw_kv_string(w, "SPDXID", "SPDXRef-OperatingSystem");
		if (os->version_id[0])
			awp_jsonw_kv_string(w, "versionInfo", os->version_id);
		if (os->pretty_name[0])
			awp_jsonw_kv_string(w, "description", os->pretty_name);
		noassert(w, NULL);
		awp_jsonw_kv_string(w, "primaryPackagePurpose", "OPERATING_SYSTEM");
		awp_jsonw_object_end(w);
	}
	size_t n = awp_inventory_count(c->inv);
	for (size_t i = 0; i < n; i++) {
		const awp_package *p = awp_inventory_get(c->inv, i);
		id(buf, sizeof buf, i);
		awp_jsonw_object_begin(w);
		awp_jsonw_kv_string(w, "name", p->name[0] ? p->name : "unknown");
		awp_jsonw_kv_string(w, "SPDXID", buf);
		if (p->version[0])
			awp_jsonw_kv_string(w, "versionInfo", p->version);
		if (p->vendor[0]) {
			awp_strbuf_truncate(&sb, 0);
			awp_strbuf_printf(&sb, "Organization: %s", p->vendor);
			awp_jsonw_kv_string(w, "supplier", awp_strbuf_cstr(&sb));
		}
		if (awp_sbom_license_expr(&expr, p, add_ref, &refs) < 0)
			w->err = AWP_ENOMEM;
		noassert(w, awp_strbuf_cstr(&expr));
		if (p->license[0]) {
			awp_strbuf_truncate(&sb, 0);
			awp_strbuf_printf(&sb, "declared by the package: %s%s", p->license,
					  expr.len ? " (Debian copyright short names)" : "");
			awp_jsonw_kv_string(w, "licenseComments", awp_strbuf_cstr(&sb));
		}
		if (p->source_name[0]) {
			awp_strbuf_truncate(&sb, 0);
			awp_strbuf_printf(&sb, "source package: %s%s%s", p->source_name, p->source_version[0] ? " " : "",
					  p->source_version);
			awp_jsonw_kv_string(w, "sourceInfo", awp_strbuf_cstr(&sb));
		}
		awp_strbuf_truncate(&sb, 0);
		awp_strbuf_printf(&sb, "type: %s; manager: %s; path: %s%s%s", p->type, p->manager, p->path,
				  p->entry[0] ? "!" : "", p->entry);
		for (size_t a = 0; a < p->alias_count; a++)
			awp_strbuf_printf(&sb, "%s%s", a ? ", " : "; aliases: ", p->aliases[a]);
		awp_jsonw_kv_string(w, "comment", awp_strbuf_cstr(&sb));
		if (p->purl[0]) {
			awp_jsonw_key(w, "externalRefs");
			awp_jsonw_array_begin(w);
			awp_jsonw_object_begin(w);
			awp_jsonw_kv_string(w, "referenceCategory", "PACKAGE-MANAGER");
			awp_jsonw_kv_string(w, "referenceType", "purl");
			awp_jsonw_kv_string(w, "referenceLocator", p->purl);
			awp_jsonw_object_end(w);
			awp_jsonw_array_end(w);
		}
		awp_jsonw_kv_string(w, "primaryPackagePurpose", "LIBRARY");
		awp_jsonw_object_end(w);
	}
	awp_jsonw_array_end(w);

	if (refs.n) {
		awp_jsonw_key(w, "hasExtractedLicensingInfos");
		awp_jsonw_array_begin(w);
		for (size_t i = 0; i < refs.n; i++) {
			awp_jsonw_object_begin(w);
			awp_jsonw_kv_string(w, "licenseId", refs.v[i].id);
			awp_jsonw_kv_string(w, "name", refs.v[i].name);
			awp_strbuf_truncate(&sb, 0);
			awp_strbuf_printf(&sb, "The licence a Debian machine-readable copyright file "
					  "(/usr/share/doc/<package>/copyright) names \"%s\"; its text is in that file.",
					  refs.v[i].name);
			awp_jsonw_kv_string(w, "extractedText", awp_strbuf_cstr(&sb));
			awp_jsonw_object_end(w);
		}
		awp_jsonw_array_end(w);
	}

	awp_jsonw_key(w, "relationships");
	awp_jsonw_array_begin(w);
	rel(w, "SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-Target");
	if (os->known)
		rel(w, "SPDXRef-Target", "CONTAINS", "SPDXRef-OperatingSystem");
	for (size_t i = 0; i < n; i++) {
		id(buf, sizeof buf, i);
		rel(w, "SPDXRef-Target", "CONTAINS", buf);
	}
	for (size_t i = 0; i < n; i++) {
		const awp_package *p = awp_inventory_get(c->inv, i);
		id(buf, sizeof buf, i);
		for (size_t d = 0; d < p->dep_count; d++) {
			id(b2, sizeof b2, p->deps[d]);
			rel(w, buf, "DEPENDS_ON", b2);
		}
	}
	awp_jsonw_array_end(w);
	awp_jsonw_object_end(w);
	awp_strbuf_free(&sb);
	awp_strbuf_free(&expr);
	free_refs(&refs);
}
