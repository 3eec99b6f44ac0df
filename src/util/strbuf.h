/*
 * util/strbuf.h - a growable, always NUL-terminated byte string.
 */
#ifndef AWP_UTIL_STRBUF_H
#define AWP_UTIL_STRBUF_H

#include <stddef.h>
#include <string.h>

typedef struct awp_strbuf {
	char *ptr;   /* NUL-terminated once anything was added; may be NULL when empty */
	size_t len;
	size_t cap;
} awp_strbuf;

#define AWP_STRBUF_INIT {NULL, 0, 0}

/** Append with growth (what the inline appends call when the room is short). */
int awp_strbuf_add_grow(awp_strbuf *sb, const void *data, size_t len);

/* Appends are inline when the room suffices: JSON and report writers make
 * millions of small ones, and a call per append was a third of their time. */
static inline int awp_strbuf_add(awp_strbuf *sb, const void *data, size_t len)
{
	if (sb->cap - sb->len > len) { /* cap is 0 or > len: room for the bytes and the NUL */
		if (len)
			memcpy(sb->ptr + sb->len, data, len);
		sb->len += len;
		sb->ptr[sb->len] = '\0';
		return 0;
	}
	return awp_strbuf_add_grow(sb, data, len);
}

static inline int awp_strbuf_puts(awp_strbuf *sb, const char *s)
{
	return awp_strbuf_add(sb, s, strlen(s));
}

static inline int awp_strbuf_putc(awp_strbuf *sb, char c)
{
	return awp_strbuf_add(sb, &c, 1);
}

int awp_strbuf_printf(awp_strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Append s as the body of a JSON string (without quotes), escaped. */
int awp_strbuf_json_escape(awp_strbuf *sb, const char *s);
void awp_strbuf_truncate(awp_strbuf *sb, size_t len);
/** The contents ("" when empty, never NULL). */
const char *awp_strbuf_cstr(const awp_strbuf *sb);
/** Hand the buffer to the caller (who frees it); sb becomes empty. */
char *awp_strbuf_detach(awp_strbuf *sb);
void awp_strbuf_free(awp_strbuf *sb);

#endif
