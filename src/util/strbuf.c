/*
 * util/strbuf.c - growable string; every add keeps a trailing NUL.
 */
#include "util/strbuf.h"
#include "util/error.h"
#include "util/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int reserve(awp_strbuf *sb, size_t extra)
{
	size_t need;
	if (__builtin_add_overflow(sb->len, extra, &need) || need == SIZE_MAX)
		return awp_error_set(AWP_ENOMEM, "string too large");
	return awp_grow((void **)&sb->ptr, &sb->cap, need + 1, 1);
}

int awp_strbuf_add_grow(awp_strbuf *sb, const void *data, size_t len)
{
	int err = reserve(sb, len);
	if (err < 0)
		return err;
	if (len)
		memcpy(sb->ptr + sb->len, data, len);
	sb->len += len;
	sb->ptr[sb->len] = '\0';
	return 0;
}

int awp_strbuf_printf(awp_strbuf *sb, const char *fmt, ...)
{
	/* formatted straight into the room left, formatted again only when it
	 * did not fit */
	va_list ap;
	size_t room = sb->cap > sb->len ? sb->cap - sb->len : 0;
	va_start(ap, fmt);
	int n = vsnprintf(room ? sb->ptr + sb->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return awp_error_set(AWP_ERROR, "bad format string");
	if ((size_t)n >= room) {
		int err = reserve(sb, (size_t)n);
		if (err < 0) {
			if (sb->ptr)
				sb->ptr[sb->len] = '\0';
			return err;
		}
		va_start(ap, fmt);
		vsnprintf(sb->ptr + sb->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	sb->len += (size_t)n;
	return 0;
}

int awp_strbuf_json_escape(awp_strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	for (;;) {
		/* the run of bytes that stand for themselves, added at once */
		const unsigned char *run = p;
		while (*p >= 0x20 && *p != '"' && *p != '\\' && *p != 0x7f)
			p++;
		if (p > run && awp_strbuf_add(sb, run, (size_t)(p - run)) < 0)
			return AWP_ENOMEM;
		if (!*p)
			return 0;
		int err;
		switch (*p) {
		case '"': err = awp_strbuf_add(sb, "\\\"", 2); break;
		case '\\': err = awp_strbuf_add(sb, "\\\\", 2); break;
		case '\n': err = awp_strbuf_add(sb, "\\n", 2); break;
		case '\r': err = awp_strbuf_add(sb, "\\r", 2); break;
		case '\t': err = awp_strbuf_add(sb, "\\t", 2); break;
		default: err = awp_strbuf_printf(sb, "\\u%04x", *p);
		}
		if (err < 0)
			return err;
		p++;
	}
}

void awp_strbuf_truncate(awp_strbuf *sb, size_t len)
{
	if (len < sb->len) {
		sb->len = len;
		sb->ptr[len] = '\0';
	}
}

const char *awp_strbuf_cstr(const awp_strbuf *sb)
{
	return sb->ptr ? sb->ptr : "";
}

char *awp_strbuf_detach(awp_strbuf *sb)
{
	char *p = sb->ptr;
	if (!p)
		p = awp_strdup("");
	sb->ptr = NULL;
	sb->len = sb->cap = 0;
	return p;
}

void awp_strbuf_free(awp_strbuf *sb)
{
	free(sb->ptr);
	sb->ptr = NULL;
	sb->len = sb->cap = 0;
}
