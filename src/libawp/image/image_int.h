/*
 * image/image_int.h - private to the image module: one open function per backend.
 * image/open.c is the only place that knows the list and picks one by the
 * image's magic bytes.
 */
#ifndef AWP_IMAGE_INT_H
#define AWP_IMAGE_INT_H

#include <awp/sys/source.h>

/** Raw file or block device; takes ownership of fd. */
int awp_image_open_raw(awp_source **out, int fd, const char *path, int is_block_device);
/** qcow2 v2/v3 through libqcow, with its backing chain. */
int awp_image_open_qcow2(awp_source **out, const char *path);
/** VMDK (monolithic sparse, streamOptimized, descriptor + extents) through libvmdk. */
int awp_image_open_vmdk(awp_source **out, const char *path);
/** VHD (fixed, dynamic, differencing) and VHDX through libvhdi. */
int awp_image_open_vhdi(awp_source **out, const char *path, const char *format);

#endif
