/*
 * util/jsonw.c - streaming JSON writer.
 *
 * Invariant: need_comma[depth] is 1 once a value was written at that level;
 * a key sets the "after key" state by writing ':' and suppressing the comma
 * for the value that follows.
 */
#include "util/jsonw.h"
#include "util/error.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>


void awp_jsonw_init(awp_jsonw *w, awp_strbuf *out, int pretty)
{
	w->out = out;
	w->depth = 0;
	w->need_comma[0] = 0;
	w->pretty = pretty;
	w->err = 0;
}

static void put(awp_jsonw *w, const char *s)
{
	if (!w->err && awp_strbuf_puts(w->out, s) < 0)
		w->err = AWP_ENOMEM;
}

static void indent(awp_jsonw *w)
{
	if (!w->pretty || w->err)
		return;
	/* a newline and two spaces per level, a line's worth per append */
	static const char line[] = "\n                                                                ";
	const size_t most = sizeof line - 2; /* spaces in `line` */
	size_t n = 2 * (size_t)w->depth, k = n < most ? n : most;
	int err = awp_strbuf_add(w->out, line, 1 + k);
	for (n -= k; err == 0 && n; n -= k) {
		k = n < most ? n : most;
		err = awp_strbuf_add(w->out, line + 1, k);
	}
	if (err < 0)
		w->err = AWP_ENOMEM;
}

/* Called before every value or key. */
static void before(awp_jsonw *w, int is_value_after_key)
{
	if (is_value_after_key)
		return;
	if (w->need_comma[w->depth])
		put(w, ",");
	if (w->depth > 0)
		indent(w);
	w->need_comma[w->depth] = 1;
}

/* A value follows a key when the key left a pending mark in need_comma. */
static int take_key(awp_jsonw *w)
{
	int k = w->need_comma[w->depth] == 2;
	if (k)
		w->need_comma[w->depth] = 1;
	return k;
}

static void open_(awp_jsonw *w, const char *s)
{
	before(w, take_key(w));
	put(w, s);
	if (w->depth + 1 >= AWP_JSONW_MAX_DEPTH) {
		w->err = awp_error_set(AWP_ELIMIT, "JSON nesting too deep");
		return;
	}
	w->depth++;
	w->need_comma[w->depth] = 0;
}

static void close_(awp_jsonw *w, const char *s)
{
	int had = w->need_comma[w->depth];
	if (w->depth > 0)
		w->depth--;
	if (had)
		indent(w);
	put(w, s);
}

void awp_jsonw_object_begin(awp_jsonw *w) { open_(w, "{"); }
void awp_jsonw_object_end(awp_jsonw *w) { close_(w, "}"); }
void awp_jsonw_array_begin(awp_jsonw *w) { open_(w, "["); }
void awp_jsonw_array_end(awp_jsonw *w) { close_(w, "]"); }

void awp_jsonw_key(awp_jsonw *w, const char *key)
{
	before(w, 0);
	put(w, "\"");
	if (!w->err && awp_strbuf_json_escape(w->out, key) < 0)
		w->err = AWP_ENOMEM;
	put(w, w->pretty ? "\": " : "\":");
	w->need_comma[w->depth] = 2;
}

static void scalar(awp_jsonw *w, const char *text)
{
	before(w, take_key(w));
	put(w, text);
}

void awp_jsonw_string(awp_jsonw *w, const char *s)
{
	if (!s) {
		scalar(w, "null");
		return;
	}
	before(w, take_key(w));
	put(w, "\"");
	if (!w->err && awp_strbuf_json_escape(w->out, s) < 0)
		w->err = AWP_ENOMEM;
	put(w, "\"");
}

void awp_jsonw_int(awp_jsonw *w, int64_t v)
{
	char b[32];
	snprintf(b, sizeof b, "%" PRId64, v);
	scalar(w, b);
}

void awp_jsonw_uint(awp_jsonw *w, uint64_t v)
{
	char b[32];
	snprintf(b, sizeof b, "%" PRIu64, v);
	scalar(w, b);
}

void awp_jsonw_double(awp_jsonw *w, double v)
{
	char b[64];
	if (!isfinite(v))
		snprintf(b, sizeof b, "null");
	else
		snprintf(b, sizeof b, "%.10g", v);
	scalar(w, b);
}

void awp_jsonw_bool(awp_jsonw *w, int v) { scalar(w, v ? "true" : "false"); }
void awp_jsonw_null(awp_jsonw *w) { scalar(w, "null"); }
void awp_jsonw_raw(awp_jsonw *w, const char *json) { scalar(w, json); }

void awp_jsonw_kv_string(awp_jsonw *w, const char *key, const char *s) { awp_jsonw_key(w, key); awp_jsonw_string(w, s); }
void awp_jsonw_kv_int(awp_jsonw *w, const char *key, int64_t v) { awp_jsonw_key(w, key); awp_jsonw_int(w, v); }
void awp_jsonw_kv_uint(awp_jsonw *w, const char *key, uint64_t v) { awp_jsonw_key(w, key); awp_jsonw_uint(w, v); }
void awp_jsonw_kv_bool(awp_jsonw *w, const char *key, int v) { awp_jsonw_key(w, key); awp_jsonw_bool(w, v); }

void awp_jsonw_kv_string_or_null(awp_jsonw *w, const char *key, const char *s)
{
	awp_jsonw_key(w, key);
	if (s && s[0])
		awp_jsonw_string(w, s);
	else
		awp_jsonw_null(w);
}

void awp_jsonw_kv_string_array(awp_jsonw *w, const char *key, const char *const *a, size_t n)
{
	awp_jsonw_key(w, key);
	awp_jsonw_array_begin(w);
	for (size_t i = 0; i < n; i++)
		awp_jsonw_string(w, a[i]);
	awp_jsonw_array_end(w);
}
