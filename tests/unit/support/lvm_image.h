/*
 * lvm_image.h - test support: LVM2 physical-volume images written in the
 * real on-disk format (label in sector 1, pv_header, one metadata area with
 * lvm2's CRCs and the text where lvm2 2.03 puts it), 1 MiB extents.
 */
#ifndef AWP_TEST_LVM_IMAGE_H
#define AWP_TEST_LVM_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#define MiB (1024u * 1024u)
#define EXTENT_SECTORS 2048u /* 1 MiB extents keep the images small */
#define PE_START_SECTORS 2048u
#define MDA_OFF 4096u
#define MDA_SIZE (MiB - 4096u)
#define PV_EXTENTS 16u
#define PV_BYTES ((uint64_t)PE_START_SECTORS * 512 + (uint64_t)PV_EXTENTS * EXTENT_SECTORS * 512)

enum {
	BAD_LABEL_CRC = 1,
	BAD_MDA_CRC = 2,
	BAD_TEXT_CRC = 4,
	WRAP = 8,          /* place the text so that it wraps to the area start */
	TEXT_TOO_LONG = 16 /* raw_locn size larger than the area */
};

/* Write a PV image of PV_BYTES with `text` as its committed metadata (0 or -1). */
int write_pv(const char *path, const char *uuid32, const char *text, int flags);
int pwrite_all(int fd, const void *buf, size_t len, uint64_t off);

#endif
