/*
 * awp/common.h - export macro and error codes shared by every public header.
 *
 * Every function of libawp that can fail returns an int: 0 on success, one of
 * the negative AWP_E* codes on failure. The message describing the failure is
 * kept per thread and read with awp_error_last().
 */
#ifndef AWP_COMMON_H
#define AWP_COMMON_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define AWP_EXTERN __attribute__((visibility("default")))
#else
#define AWP_EXTERN
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Result codes: 0 is success, negative is failure. */
enum awp_error_code {
	AWP_OK = 0,
	AWP_ERROR = -1,        /**< generic failure */
	AWP_ENOTFOUND = -2,    /**< the object does not exist */
	AWP_EUNSUPPORTED = -3, /**< a format or feature awp does not read */
	AWP_ECORRUPT = -4,     /**< input is damaged or inconsistent */
	AWP_ELIMIT = -5,       /**< a safety limit was hit */
	AWP_ECANCELED = -6,    /**< the caller stopped the operation */
	AWP_EAUTH = -7,        /**< access denied or bad credentials */
	AWP_ENETWORK = -8,     /**< a network operation failed */
	AWP_EIO = -9,          /**< the operating system reported an I/O error */
	AWP_ENOMEM = -10,      /**< out of memory */
	AWP_EINVAL = -11,      /**< the caller passed an invalid argument */
};

/**
 * The message of the last failure on this thread, naming the object that
 * failed (never NULL; "" when nothing failed yet). The string is borrowed
 * and valid until the next failing call on this thread.
 */
AWP_EXTERN const char *awp_error_last(void);

/** A short constant name of a code: "corrupt", "unsupported", ... */
AWP_EXTERN const char *awp_error_name(int code);

/** Clear this thread's last error. */
AWP_EXTERN void awp_error_clear(void);

/** The library version string, e.g. "0.1.0". */
AWP_EXTERN const char *awp_version(void);

#ifdef __cplusplus
}
#endif
#endif
