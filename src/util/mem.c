/*
 * util/mem.c - allocation helpers; every failure leaves a message.
 */
#include "util/mem.h"
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *awp_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		awp_error_set(AWP_ENOMEM, "out of memory allocating %zu bytes", n);
	return p;
}

void *awp_calloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		awp_error_set(AWP_ENOMEM, "out of memory allocating %zu x %zu bytes", count, size);
	return p;
}

void *awp_calloc_written(size_t count, size_t size)
{
	unsigned char *p = awp_calloc(count, size);
	if (!p)
		return NULL;
	/* calloc leaves fresh pages unmapped; reading one first maps the
	 * shared zero page, and the first write then copies it and flushes the
	 * TLB of every CPU running one of our threads (an interrupt per CPU,
	 * costly in a VM). One write per page now maps each page once. */
	size_t n = (count ? count : 1) * (size ? size : 1);
	for (size_t i = 0; i < n; i += 4096)
		((volatile unsigned char *)p)[i] = 0;
	return p;
}

void *awp_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		awp_error_set(AWP_ENOMEM, "out of memory allocating %zu bytes", n);
	return q;
}

void *awp_reallocarray(void *p, size_t count, size_t size)
{
	size_t n;
	if (__builtin_mul_overflow(count, size, &n)) {
		awp_error_set(AWP_ENOMEM, "allocation of %zu x %zu bytes overflows", count, size);
		return NULL;
	}
	return awp_realloc(p, n);
}

char *awp_strdup(const char *s)
{
	return awp_strndup(s, strlen(s));
}

char *awp_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = awp_malloc(len + 1);
	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

char *awp_asprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *p = awp_malloc((size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

int awp_grow(void **arr, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap : 8;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return awp_error_set(AWP_ENOMEM, "array of %zu elements too large", need);
		ncap *= 2;
	}
	void *p = awp_reallocarray(*arr, ncap, size);
	if (!p)
		return AWP_ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}
