/*
 * util/arena.c - chunks of 64 KiB (or one chunk per oversized request).
 */
#include "util/arena.h"
#include "util/error.h"

#include <stdalign.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct awp_arena_chunk {
	awp_arena_chunk *next;
	size_t size, used;
	alignas(max_align_t) unsigned char data[];
};

enum { CHUNK_SIZE = 64 * 1024 };

void *awp_arena_alloc(awp_arena *a, size_t n)
{
	size_t align = alignof(max_align_t);
	size_t need = (n + align - 1) & ~(align - 1);
	if (need < n) {
		awp_error_set(AWP_ENOMEM, "arena allocation of %zu bytes overflows", n);
		return NULL;
	}
	awp_arena_chunk *c = a->head;
	if (!c || c->size - c->used < need) {
		size_t size = need > CHUNK_SIZE ? need : CHUNK_SIZE;
		c = malloc(sizeof(*c) + size);
		if (!c) {
			awp_error_set(AWP_ENOMEM, "out of memory (arena chunk of %zu bytes)", size);
			return NULL;
		}
		c->size = size;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	void *p = c->data + c->used;
	c->used += need;
	a->used_total += need;
	return p;
}

char *awp_arena_strndup(awp_arena *a, const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = awp_arena_alloc(a, len + 1);
	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

char *awp_arena_strdup(awp_arena *a, const char *s)
{
	return s ? awp_arena_strndup(a, s, strlen(s)) : NULL;
}

char *awp_arena_printf(awp_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *p = awp_arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void awp_arena_free(awp_arena *a)
{
	awp_arena_chunk *c = a->head;
	while (c) {
		awp_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
	a->used_total = 0;
}
