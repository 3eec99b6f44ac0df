/*
 * target_int.h - private to libawp: targets made inside the library.
 */
#ifndef AWP_TARGET_INT_H
#define AWP_TARGET_INT_H

#include <awp/target.h>

/**
 * A target over an already opened disk (e.g. the virtual disk of LVM volume
 * groups assembled across several disks): its volumes' filesystems are
 * opened as awp_target_open() does. Takes ownership of `disk` (freed on
 * failure too); awp_target_source() is NULL; `name` names it in messages.
 * @return 0 or AWP_ENOMEM
 */
int awp_target_open_disk(awp_target **out, awp_disk *disk, const char *name);

#endif
