/*
 * util/error.h - set the thread-local error message where a failure happens.
 *
 * Callers pass the code up unchanged without overwriting the message, so the
 * text that reaches the user names the innermost object that failed.
 */
#ifndef AWP_UTIL_ERROR_H
#define AWP_UTIL_ERROR_H

#include <awp/common.h>

/** Record a failure and return code (so `return awp_error_set(...)` works). */
int awp_error_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Prefix the current message with context: "xfs (p1): " + old message. */
int awp_error_prefix(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Record an OS error (errno) with a message naming the object. */
int awp_error_errno(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
