/*
 * report/sbom_json.c - awp's own inventory JSON: every field of the model,
 * as documented in docs/sbom.md (schema "awp-inventory/1").
 */
#include "report/sbom_int.h"

static void str_or_skip(awp_jsonw *w, const char *k, const char *v)
{
	if (v && v[0])
		awp_jsonw_kv_string(w, k, v);
}

void awp_sbom_json(awp_jsonw *w, const sbom_ctx *c)
{
	const awp_os_info *os = awp_inventory_os(c->inv);
	awp_jsonw_object_begin(w);
	awp_jsonw_kv_string(w, "schema", "awp-inventory/1");
	awp_jsonw_key(w, "tool");
	awp_jsonw_object_begin(w);
	awp_jsonw_kv_string(w, "name", "awp");
	awp_jsonw_kv_string(w, "version", awp_version());
	awp_jsonw_object_end(w);
	awp_jsonw_kv_string(w, "uuid", c->uuid);
	awp_jsonw_kv_string(w, "timestamp", c->timestamp);
	awp_jsonw_kv_string(w, "target", c->target);
	awp_jsonw_key(w, "os");
	awp_jsonw_object_begin(w);
	awp_jsonw_kv_bool(w, "known", os->known);
	if (os->known) {
		awp_jsonw_kv_string(w, "id", os->id);
		awp_jsonw_kv_string(w, "id_like", os->id_like);
		awp_jsonw_kv_string(w, "version_id", os->version_id);
		awp_jsonw_kv_string(w, "codename", os->codename);
		awp_jsonw_kv_string(w, "pretty_name", os->pretty_name);
		awp_jsonw_kv_string(w, "source", os->source);
	}
	awp_jsonw_object_end(w);
	awp_jsonw_key(w, "packages");
	awp_jsonw_array_begin(w);
	size_t n = awp_inventory_count(c->inv);
	for (size_t i = 0; i < n; i++) {
		const awp_package *p = awp_inventory_get(c->inv, i);
		awp_jsonw_object_begin(w);
		awp_jsonw_kv_uint(w, "index", i);
		awp_jsonw_kv_string(w, "type", p->type);
		awp_jsonw_kv_string(w, "name", p->name);
		awp_jsonw_kv_string(w, "version", p->version);
		awp_jsonw_kv_string(w, "purl", p->purl);
		awp_jsonw_kv_string(w, "path", p->path);
		str_or_skip(w, "entry", p->entry);
		awp_jsonw_kv_string(w, "manager", p->manager);
		str_or_skip(w, "arch", p->arch);
		str_or_skip(w, "source_name", p->source_name);
		str_or_skip(w, "source_version", p->source_version);
		str_or_skip(w, "license", p->license);
		str_or_skip(w, "vendor", p->vendor);
		str_or_skip(w, "modularity", p->modularity);
		if (p->alias_count) {
			awp_jsonw_key(w, "aliases");
			awp_jsonw_array_begin(w);
			for (size_t a = 0; a < p->alias_count; a++)
				awp_jsonw_string(w, p->aliases[a]);
			awp_jsonw_array_end(w);
		}
		if (p->dep_count) {
			awp_jsonw_key(w, "deps");
			awp_jsonw_array_begin(w);
			for (size_t d = 0; d < p->dep_count; d++)
				awp_jsonw_uint(w, p->deps[d]);
			awp_jsonw_array_end(w);
		}
		awp_jsonw_object_end(w);
	}
	awp_jsonw_array_end(w);
	awp_jsonw_kv_uint(w, "owned_file_count", awp_inventory_owned_file_count(c->inv));
	awp_jsonw_key(w, "warnings");
	awp_jsonw_array_begin(w);
	for (size_t i = 0; i < awp_inventory_warning_count(c->inv); i++) {
		const awp_inventory_warning *wa = awp_inventory_warning_get(c->inv, i);
		awp_jsonw_object_begin(w);
		awp_jsonw_kv_string(w, "path", wa->path);
		awp_jsonw_kv_string(w, "message", wa->message);
		awp_jsonw_object_end(w);
	}
	awp_jsonw_array_end(w);
	awp_jsonw_object_end(w);
}
