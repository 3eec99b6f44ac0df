/*
 * image/open.c - open an image file or block device and pick the backend
 * from magic bytes (never the file name: an attacker names files, and cloud
 * exports are often called ".img" whatever they hold).
 */
#include "image/image_int.h"

#include "util/bytes.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Read up to len bytes at off; returns bytes read (short at EOF) or -1. */
static ssize_t read_some(int fd, void *buf, size_t len, off_t off)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = pread(fd, (char *)buf + got, len - got, off + (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* VHD keeps a 512-byte footer "conectix" at the end (fixed disks have only
 * that); dynamic disks also copy it to offset 0. Disk type 2 = fixed. */
static int vhd_footer_at_end(int fd, off_t size)
{
	unsigned char foot[512];
	if (size < 512 || read_some(fd, foot, sizeof foot, size - 512) != 512)
		return 0;
	return memcmp(foot, "conectix", 8) == 0;
}

AWP_EXTERN int awp_source_open(awp_source **out, const char *path)
{
	return awp_image_open_chained(out, path, NULL);
}

int awp_image_open_chained(awp_source **out, const char *path, const awp_image_chain *chain)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return awp_error_errno(errno, "%s", path);
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int err = awp_error_errno(errno, "%s", path);
		close(fd);
		return err;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return awp_error_set(AWP_EINVAL, "%s: is a directory, not a disk image", path);
	}
	awp_image_chain self;
	int err = awp_image_chain_push(&self, chain, path);
	if (err < 0) {
		close(fd);
		return err;
	}
	if (S_ISBLK(st.st_mode))
		return awp_image_open_raw(out, fd, path, 1);
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return awp_error_set(AWP_EUNSUPPORTED, "%s: not a regular file or block device", path);
	}

	unsigned char head[512];
	memset(head, 0, sizeof head);
	ssize_t n = read_some(fd, head, sizeof head, 0);
	if (n < 0) {
		err = awp_error_errno(errno, "%s: cannot read header", path);
		close(fd);
		return err;
	}

	if (n >= 4 && memcmp(head, "QFI\xfb", 4) == 0) {
		uint32_t version = awp_be32(head, sizeof head, 4);
		close(fd);
		if (version < 2 || version > 3)
			return awp_error_set(AWP_EUNSUPPORTED, "%s: qcow version %u is not supported (only qcow2 v2/v3)",
					     path, version);
		return awp_image_open_qcow2(out, path, &self);
	}
	if ((n >= 4 && memcmp(head, "KDMV", 4) == 0) ||
	    (n >= 4 && memcmp(head, "COWD", 4) == 0) ||
	    (n >= 21 && memcmp(head, "# Disk DescriptorFile", 21) == 0)) {
		close(fd);
		return awp_image_open_vmdk(out, path, &self);
	}
	if (n >= 8 && memcmp(head, "vhdxfile", 8) == 0) {
		close(fd);
		return awp_image_open_vhdi(out, path, "vhdx", &self);
	}
	if (n >= 8 && memcmp(head, "conectix", 8) == 0) {
		close(fd);
		return awp_image_open_vhdi(out, path, "vhd", &self);
	}
	if (vhd_footer_at_end(fd, st.st_size)) {
		close(fd);
		return awp_image_open_vhdi(out, path, "vhd", &self);
	}
	return awp_image_open_raw(out, fd, path, 0);
}
