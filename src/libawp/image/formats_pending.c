/* Temporary: replaced by qcow2.c, vmdk.c, vhdi.c (work in progress this session). */
#include "image/image_int.h"
#include "util/error.h"
int awp_image_open_qcow2(awp_source **out, const char *path)
{ (void)out; return awp_error_set(AWP_EUNSUPPORTED, "%s: qcow2 not yet wired", path); }
int awp_image_open_vmdk(awp_source **out, const char *path)
{ (void)out; return awp_error_set(AWP_EUNSUPPORTED, "%s: vmdk not yet wired", path); }
int awp_image_open_vhdi(awp_source **out, const char *path, const char *format)
{ (void)out; return awp_error_set(AWP_EUNSUPPORTED, "%s: %s not yet wired", path, format); }
