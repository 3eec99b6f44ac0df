/*
 * util/jsonw.c and util/strbuf.c's JSON escaping and printf: exact pretty
 * and compact output at every nesting level up to the limit, every kind of
 * byte escaped as JSON requires (and UTF-8 passed through), printf output
 * growing a buffer past its room.
 */
#include "harness.h"
#include "util/error.h"
#include "util/jsonw.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <string.h>

static void nested(int pretty)
{
	awp_strbuf out = AWP_STRBUF_INIT, want = AWP_STRBUF_INIT;
	awp_jsonw w;
	awp_jsonw_init(&w, &out, pretty);
	int levels = AWP_JSONW_MAX_DEPTH - 1;
	for (int i = 0; i < levels; i++) {
		awp_jsonw_object_begin(&w);
		awp_jsonw_kv_int(&w, "n", i);
		awp_jsonw_key(&w, "c");
	}
	awp_jsonw_string(&w, "leaf");
	for (int i = 0; i < levels; i++)
		awp_jsonw_object_end(&w);
	CHECK_EQ_INT(w.err, 0);
	/* the same document written by hand */
	for (int i = 0; i < levels; i++) {
		awp_strbuf_puts(&want, "{");
		if (pretty)
			awp_strbuf_printf(&want, "\n%*s", 2 * (i + 1), "");
		awp_strbuf_printf(&want, pretty ? "\"n\": %d," : "\"n\":%d,", i);
		if (pretty)
			awp_strbuf_printf(&want, "\n%*s", 2 * (i + 1), "");
		awp_strbuf_puts(&want, pretty ? "\"c\": " : "\"c\":");
	}
	awp_strbuf_puts(&want, "\"leaf\"");
	for (int i = levels - 1; i >= 0; i--) {
		if (pretty)
			awp_strbuf_printf(&want, "\n%*s", 2 * i, "");
		awp_strbuf_puts(&want, "}");
	}
	CHECK_EQ_STR(awp_strbuf_cstr(&out), awp_strbuf_cstr(&want));
	awp_strbuf_free(&out);
	awp_strbuf_free(&want);
}

void test_main(void)
{
	nested(1);
	nested(0);

	awp_strbuf e = AWP_STRBUF_INIT;
	CHECK_OK(awp_strbuf_json_escape(&e, "plain \"q\" back\\slash\n\r\t\x01\x1f\x7f caf\xc3\xa9 end"));
	CHECK_EQ_STR(awp_strbuf_cstr(&e),
		     "plain \\\"q\\\" back\\\\slash\\n\\r\\t\\u0001\\u001f\\u007f caf\xc3\xa9 end");
	awp_strbuf_truncate(&e, 0);
	CHECK_OK(awp_strbuf_json_escape(&e, ""));
	CHECK_EQ_INT(e.len, 0);
	CHECK_OK(awp_strbuf_json_escape(&e, "\"\""));
	CHECK_EQ_STR(awp_strbuf_cstr(&e), "\\\"\\\"");

	/* printf into a buffer with some room, then past it */
	awp_strbuf p = AWP_STRBUF_INIT;
	CHECK_OK(awp_strbuf_puts(&p, "x"));
	char big[300];
	memset(big, 'b', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	for (int i = 0; i < 20; i++)
		CHECK_OK(awp_strbuf_printf(&p, "%d:%s;", i, i % 7 == 3 ? big : "s"));
	size_t want = 1;
	for (int i = 0; i < 20; i++)
		want += (size_t)snprintf(NULL, 0, "%d:%s;", i, i % 7 == 3 ? big : "s");
	CHECK_EQ_INT(p.len, want);
	CHECK_EQ_INT(strlen(awp_strbuf_cstr(&p)), want);
	CHECK(strncmp(awp_strbuf_cstr(&p), "x0:s;1:s;2:s;3:bbb", 18) == 0);
	awp_strbuf_free(&p);
	awp_strbuf_free(&e);
}
