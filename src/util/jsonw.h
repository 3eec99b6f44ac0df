/*
 * util/jsonw.h - a streaming JSON writer into a strbuf: keeps track of
 * commas and nesting so callers only say what to write.
 */
#ifndef AWP_UTIL_JSONW_H
#define AWP_UTIL_JSONW_H

#include "util/strbuf.h"

#include <stdint.h>

#define AWP_JSONW_MAX_DEPTH 32

typedef struct awp_jsonw {
	awp_strbuf *out;
	int depth;
	int need_comma[AWP_JSONW_MAX_DEPTH];
	int pretty;
	int err;      /* first error (AWP_ENOMEM); later calls do nothing */
} awp_jsonw;

void awp_jsonw_init(awp_jsonw *w, awp_strbuf *out, int pretty);
void awp_jsonw_object_begin(awp_jsonw *w);
void awp_jsonw_object_end(awp_jsonw *w);
void awp_jsonw_array_begin(awp_jsonw *w);
void awp_jsonw_array_end(awp_jsonw *w);
/** Key inside an object; the next value call writes its value. */
void awp_jsonw_key(awp_jsonw *w, const char *key);
void awp_jsonw_string(awp_jsonw *w, const char *s);   /* NULL writes null */
void awp_jsonw_int(awp_jsonw *w, int64_t v);
void awp_jsonw_uint(awp_jsonw *w, uint64_t v);
void awp_jsonw_double(awp_jsonw *w, double v);
void awp_jsonw_bool(awp_jsonw *w, int v);
void awp_jsonw_null(awp_jsonw *w);
/* A value that is already JSON (another writer's document), written as is. */
void awp_jsonw_raw(awp_jsonw *w, const char *json);
/* key + value shorthands */
void awp_jsonw_kv_string(awp_jsonw *w, const char *key, const char *s);
void awp_jsonw_kv_int(awp_jsonw *w, const char *key, int64_t v);
void awp_jsonw_kv_uint(awp_jsonw *w, const char *key, uint64_t v);
void awp_jsonw_kv_bool(awp_jsonw *w, const char *key, int v);
/** key + string, or key + null when s is NULL or empty. */
void awp_jsonw_kv_string_or_null(awp_jsonw *w, const char *key, const char *s);
/** key + array of n strings. */
void awp_jsonw_kv_string_array(awp_jsonw *w, const char *key, const char *const *a, size_t n);

#endif
