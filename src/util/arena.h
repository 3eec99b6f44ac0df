/*
 * util/arena.h - a bump allocator: many small allocations freed at once
 * (parse results of one scan).
 */
#ifndef AWP_UTIL_ARENA_H
#define AWP_UTIL_ARENA_H

#include <stddef.h>

typedef struct awp_arena_chunk awp_arena_chunk;

typedef struct awp_arena {
	awp_arena_chunk *head;
	size_t used_total;  /* bytes handed out, for limits and stats */
} awp_arena;

#define AWP_ARENA_INIT {NULL, 0}

/** Aligned allocation (max_align_t); NULL with AWP_ENOMEM's message. */
void *awp_arena_alloc(awp_arena *a, size_t n);
char *awp_arena_strdup(awp_arena *a, const char *s);
char *awp_arena_strndup(awp_arena *a, const char *s, size_t n);
char *awp_arena_printf(awp_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void awp_arena_free(awp_arena *a);

#endif
