/*
 * report/sbom_cyclonedx.c - CycloneDX 1.5 JSON (cyclonedx.org/docs/1.5/json).
 *
 * metadata.component is the scanned target (type "file": an image or a
 * directory); the OS is a component of type "operating-system"; each
 * package is a "library" component with bom-ref "pkg-<index>", its purl,
 * its declared licence (dpkg: an SPDX expression mapped from the Debian
 * short names, report/sbom_license.c; other databases hold free text,
 * written as a licence name), and awp's facts as "awp:*" properties. Dependency edges
 * become the dependencies array.
 */
#include "report/sbom_int.h"

#include "util/error.h"

#include <stdio.h>

static void prop(awp_jsonw *w, const char *name, const char *value)
{
	if (!value || !value[0])
		return;
	awp_jsonw_object_begin(w);
	awp_jsonw_kv_string(w, "name", name);
	awp_jsonw_kv_string(w, "value", value);
	awp_jsonw_object_end(w);
}

static void ref(char *buf, size_t cap, size_t i)
{
	snprintf(buf, cap, "pkg-%zu", i);
}

void awp_sbom_cyclonedx(awp_jsonw *w, const sbom_ctx *c)
{
	const awp_os_info *os = awp_inventory_os(c->inv);
	char urn[64], r[32];
	awp_strbuf expr = AWP_STRBUF_INIT;
	snprintf(urn, sizeof urn, "urn:uuid:%s", c->uuid);
	awp_jsonw_object_begin(w);
	awp_jsonw_kv_string(w, "bomFormat", "CycloneDX");
	awp_jsonw_kv_string(w, "specVersion", "1.5");
	awp_jsonw_kv_string(w, "serialNumber", urn);
	awp_jsonw_kv_int(w, "version", 1);

	awp_jsonw_key(w, "metadata");
	awp_jsonw_object_begin(w);
	awp_jsonw_kv_string(w, "timestamp", c->timestamp);
	awp_jsonw_key(w, "tools");
	awp_jsonw_object_begin(w);
	awp_jsonw_key(w, "components");
	awp_jsonw_array_begin(w);
	awp_jsonw_object_begin(w);
	awp_jsonw_kv_string(w, "type", "application");
	awp_jsonw_kv_string(w, "name", "awp");
	awp_jsonw_kv_string(w, "version", awp_version());
	awp_jsonw_object_end(w);
	awp_jsonw_array_end(w);
	awp_jsonw_object_end(w);
	awp_jsonw_key(w, "component");
	awp_jsonw_object_begin(w);
	awp_jsonw_kv_string(w, "type", "file");
	awp_jsonw_kv_string(w, "bom-ref", "target");
	awp_jsonw_kv_string(w, "name", c->target);
	awp_jsonw_object_end(w);
	awp_jsonw_object_end(w);

	awp_jsonw_key(w, "components");
	awp_jsonw_array_begin(w);
	if (os->known) {
		awp_jsonw_object_begin(w);
		awp_jsonw_kv_string(w, "type", "operating-system");
		awp_jsonw_kv_string(w, "bom-ref", "os");
		awp_jsonw_kv_string(w, "name", os->id[0] ? os->id : "unknown");
		if (os->version_id[0])
			awp_jsonw_kv_string(w, "version", os->version_id);
		if (os->pretty_name[0])
			awp_jsonw_kv_string(w, "description", os->pretty_name);
		awp_jsonw_key(w, "properties");
		awp_jsonw_array_begin(w);
		prop(w, "awp:os:codename", os->codename);
		prop(w, "awp:os:id_like", os->id_like);
		prop(w, "awp:path", os->source);
		awp_jsonw_array_end(w);
		awp_jsonw_object_end(w);
	}
	size_t n = awp_inventory_count(c->inv);
	for (size_t i = 0; i < n; i++) {
		const awp_package *p = awp_inventory_get(c->inv, i);
		ref(r, sizeof r, i);
		awp_jsonw_object_begin(w);
		awp_jsonw_kv_string(w, "type", "library");
		awp_jsonw_kv_string(w, "bom-ref", r);
		if (p->vendor[0])
			awp_jsonw_kv_string(w, "publisher", p->vendor);
		awp_jsonw_kv_string(w, "name", p->name[0] ? p->name : "unknown");
		if (p->version[0])
			awp_jsonw_kv_string(w, "version", p->version);
		if (awp_sbom_license_expr(&expr, p, NULL, NULL) < 0)
			w->err = AWP_ENOMEM;
		if (expr.len) {
			/* dpkg: Debian short names mapped to an SPDX expression */
			awp_jsonw_key(w, "licenses");
			awp_jsonw_array_begin(w);
			awp_jsonw_object_begin(w);
			awp_jsonw_kv_string(w, "expression", expr.ptr);
			awp_jsonw_object_end(w);
			awp_jsonw_array_end(w);
		} else if (p->license[0]) {
			awp_jsonw_key(w, "licenses");
			awp_jsonw_array_begin(w);
			awp_jsonw_object_begin(w);
			awp_jsonw_key(w, "license");
			awp_jsonw_object_begin(w);
			awp_jsonw_kv_string(w, "name", p->license);
			awp_jsonw_object_end(w);
			awp_jsonw_object_end(w);
			awp_jsonw_array_end(w);
		}
		if (p->purl[0])
			awp_jsonw_kv_string(w, "purl", p->purl);
		awp_jsonw_key(w, "properties");
		awp_jsonw_array_begin(w);
		prop(w, "awp:type", p->type);
		prop(w, "awp:path", p->path);
		prop(w, "awp:entry", p->entry);
		prop(w, "awp:manager", p->manager);
		prop(w, "awp:arch", p->arch);
		prop(w, "awp:source_name", p->source_name);
		prop(w, "awp:source_version", p->source_version);
		prop(w, "awp:modularity", p->modularity);
		for (size_t a = 0; a < p->alias_count; a++)
			prop(w, "awp:alias", p->aliases[a]);
		awp_jsonw_array_end(w);
		awp_jsonw_object_end(w);
	}
	awp_jsonw_array_end(w);

	awp_jsonw_key(w, "dependencies");
	awp_jsonw_array_begin(w);
	/* the target holds the OS and every package */
	awp_jsonw_object_begin(w);
	awp_jsonw_kv_string(w, "ref", "target");
	awp_jsonw_key(w, "dependsOn");
	awp_jsonw_array_begin(w);
	if (os->known)
		awp_jsonw_string(w, "os");
	for (size_t i = 0; i < n; i++) {
		ref(r, sizeof r, i);
		awp_jsonw_string(w, r);
	}
	awp_jsonw_array_end(w);
	awp_jsonw_object_end(w);
	for (size_t i = 0; i < n; i++) {
		const awp_package *p = awp_inventory_get(c->inv, i);
		if (!p->dep_count)
			continue;
		ref(r, sizeof r, i);
		awp_jsonw_object_begin(w);
		awp_jsonw_kv_string(w, "ref", r);
		awp_jsonw_key(w, "dependsOn");
		awp_jsonw_array_begin(w);
		for (size_t d = 0; d < p->dep_count; d++) {
			size_t e = 0;
			while (e < d && p->deps[e] != p->deps[d])
				e++;
			if (e < d)
				continue; /* dependsOn items are unique */
			ref(r, sizeof r, p->deps[d]);
			awp_jsonw_string(w, r);
		}
		awp_jsonw_array_end(w);
		awp_jsonw_object_end(w);
	}
	awp_jsonw_array_end(w);
	if (c->extra)
		c->extra(w, c->extra_payload);
	awp_jsonw_object_end(w);
	awp_strbuf_free(&expr);
}
