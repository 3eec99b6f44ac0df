/*
 * util/utf8.h - encode a Unicode code point as UTF-8 (names from FAT's
 * UTF-16, character references in XML).
 */
#ifndef AWP_UTIL_UTF8_H
#define AWP_UTIL_UTF8_H

#include <stddef.h>
#include <stdint.h>

/** Write cp (< 0x110000) as 1-4 bytes into out; returns the byte count. */
size_t awp_utf8_encode(uint32_t cp, char out[4]);

#endif
