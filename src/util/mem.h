/*
 * util/mem.h - allocation helpers that set the error message on failure,
 * and a generic growable array.
 */
#ifndef AWP_UTIL_MEM_H
#define AWP_UTIL_MEM_H

#include <stddef.h>
#include <stdint.h>

/** malloc/calloc/realloc that set AWP_ENOMEM's message on failure. */
void *awp_malloc(size_t n);
void *awp_calloc(size_t count, size_t size);
void *awp_realloc(void *p, size_t n);
/** awp_calloc whose pages are already written: for large tables that are
 *  probed (read) before they are filled while another thread runs. */
void *awp_calloc_written(size_t count, size_t size);
/** realloc of count*size with overflow check. */
void *awp_reallocarray(void *p, size_t count, size_t size);
char *awp_strdup(const char *s);
char *awp_strndup(const char *s, size_t n);
/** printf into a newly allocated string (NULL on failure). */
char *awp_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * Grow an array of elements of `size` bytes so that it holds at least
 * `need` elements; *cap is updated. Returns 0 or AWP_ENOMEM.
 */
int awp_grow(void **arr, size_t *cap, size_t need, size_t size);

/* Convenience wrapper: AWP_GROW(items, cap, count + 1); the common case
 * (room left) is decided inline, without a call. */
#define AWP_GROW(arr, cap, need) \
	((size_t)(need) <= (cap) ? 0 : awp_grow((void **)&(arr), &(cap), (need), sizeof(*(arr))))

#endif
