/*
 * lvm_image.c - test support: LVM2 physical-volume images (see lvm_image.h).
 */
#include "lvm_image.h"

#include "volume/lvm_int.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* --- writing PV images ---------------------------------------------------- */

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

int pwrite_all(int fd, const void *buf, size_t len, uint64_t off)
{
	return pwrite(fd, buf, len, (off_t)off) == (ssize_t)len ? 0 : -1;
}

/* Label sector (sector 1, as pvcreate writes it) for a PV of `size` bytes. */
static void make_label(unsigned char sec[512], const char *uuid32, uint64_t size, int flags)
{
	memset(sec, 0, 512);
	memcpy(sec, "LABELONE", 8);
	put64(sec + 8, 1);
	put32(sec + 20, 32);
	memcpy(sec + 24, "LVM2 001", 8);
	unsigned char *ph = sec + 32;
	memcpy(ph, uuid32, 32);
	put64(ph + 32, size);
	put64(ph + 40, (uint64_t)PE_START_SECTORS * 512); /* data area, size 0 = to the end */
	/* ph+56: terminator */
	put64(ph + 72, MDA_OFF);
	put64(ph + 80, MDA_SIZE);
	/* ph+88: terminator; then the pv_header_extension: version 2, flags 1 (in use) */
	put32(ph + 104, 2);
	put32(ph + 108, 1);
	put32(sec + 16, lvm_crc(AWP_LVM_INITIAL_CRC, sec + 20, 512 - 20) ^ (flags & BAD_LABEL_CRC ? 1u : 0u));
}

/* Metadata area header + text (returns the text offset inside the area). */
static uint64_t make_mda(unsigned char *hdr, const char *text, int flags)
{
	size_t len = strlen(text);
	uint64_t roff = flags & WRAP ? MDA_SIZE - 512 : 512 * 9;
	memset(hdr, 0, 512);
	memcpy(hdr + 4, " LVM2 x[5A%r0N*>", 16);
	put32(hdr + 20, 1);
	put64(hdr + 24, MDA_OFF);
	put64(hdr + 32, MDA_SIZE);
	put64(hdr + 40, roff);
	put64(hdr + 48, flags & TEXT_TOO_LONG ? MDA_SIZE : len);
	put32(hdr + 56, lvm_crc(AWP_LVM_INITIAL_CRC, text, len) ^ (flags & BAD_TEXT_CRC ? 1u : 0u));
	put32(hdr, lvm_crc(AWP_LVM_INITIAL_CRC, hdr + 4, 512 - 4) ^ (flags & BAD_MDA_CRC ? 1u : 0u));
	return roff;
}

/* Write a PV image of PV_BYTES with `text` as its committed metadata. */
int write_pv(const char *path, const char *uuid32, const char *text, int flags)
{
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	if (fd < 0)
		return -1;
	unsigned char sec[512], hdr[512];
	make_label(sec, uuid32, PV_BYTES, flags);
	uint64_t roff = make_mda(hdr, text, flags);
	size_t len = strlen(text);
	int err = ftruncate(fd, (off_t)PV_BYTES);
	err |= pwrite_all(fd, sec, 512, 512);
	err |= pwrite_all(fd, hdr, 512, MDA_OFF);
	size_t first = len < MDA_SIZE - roff ? len : (size_t)(MDA_SIZE - roff);
	err |= pwrite_all(fd, text, first, MDA_OFF + roff);
	if (first < len)
		err |= pwrite_all(fd, text + first, len - first, MDA_OFF + 512);
	close(fd);
	return err;
}

