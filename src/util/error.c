/*
 * util/error.c - the per-thread last-error message behind awp_error_last().
 */
#include "util/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define ERROR_MSG_MAX 1024

static _Thread_local char last_msg[ERROR_MSG_MAX];

AWP_EXTERN const char *awp_error_last(void)
{
	return last_msg;
}

AWP_EXTERN void awp_error_clear(void)
{
	last_msg[0] = '\0';
}

AWP_EXTERN const char *awp_version(void)
{
	return "0.1.0";
}

AWP_EXTERN const char *awp_error_name(int code)
{
	switch (code) {
	case AWP_OK: return "ok";
	case AWP_ENOTFOUND: return "not_found";
	case AWP_EUNSUPPORTED: return "unsupported";
	case AWP_ECORRUPT: return "corrupt";
	case AWP_ELIMIT: return "limit";
	case AWP_ECANCELED: return "canceled";
	case AWP_EAUTH: return "auth";
	case AWP_ENETWORK: return "network";
	case AWP_EIO: return "io";
	case AWP_ENOMEM: return "nomem";
	case AWP_EINVAL: return "invalid_argument";
	default: return "error";
	}
}

int awp_error_set(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_msg, sizeof(last_msg), fmt, ap);
	va_end(ap);
	return code;
}

int awp_error_prefix(int code, const char *fmt, ...)
{
	char prefix[ERROR_MSG_MAX];
	char old[ERROR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, last_msg, sizeof(old));
	size_t plen = strnlen(prefix, sizeof(last_msg) - 1);
	memcpy(last_msg, prefix, plen);
	size_t olen = strnlen(old, sizeof(last_msg) - 1 - plen);
	memcpy(last_msg + plen, old, olen);
	last_msg[plen + olen] = '\0';
	return code;
}

int awp_error_errno(int err, const char *fmt, ...)
{
	char what[ERROR_MSG_MAX / 2];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(last_msg, sizeof(last_msg), "%s: %s", what, strerror(err));
	if (err == ENOENT)
		return AWP_ENOTFOUND;
	if (err == EACCES || err == EPERM)
		return AWP_EAUTH;
	if (err == ENOMEM)
		return AWP_ENOMEM;
	return AWP_EIO;
}
