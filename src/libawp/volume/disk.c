/*
 * volume/disk.c - find the volumes of a disk: partition table (GPT first,
 * since a GPT disk also carries a protective MBR), else the whole disk; then
 * name each volume's filesystem and decide whether awp reads it; then LVM.
 */
#include "volume/lvm_int.h"

#include <awp/fs.h>

#include "util/error.h"
#include "util/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_or_empty(const char *s)
{
	return awp_strdup(s ? s : "");
}

int awp_disk_add_volume(awp_disk *d, const awp_volume *v, awp_source *src)
{
	if (AWP_GROW(d->vols, d->cap, d->nvols + 1) < 0)
		return AWP_ENOMEM;
	struct disk_volume *dv = &d->vols[d->nvols];
	memset(dv, 0, sizeof(*dv));
	dv->v = *v;
	dv->v.name = dup_or_empty(v->name);
	dv->v.type = dup_or_empty(v->type);
	dv->v.type_name = dup_or_empty(v->type_name);
	dv->v.part_name = dup_or_empty(v->part_name);
	dv->v.part_uuid = dup_or_empty(v->part_uuid);
	dv->v.fs_type = dup_or_empty(v->fs_type);
	dv->v.reason_code = dup_or_empty(v->reason_code);
	dv->v.reason = dup_or_empty(v->reason);
	dv->src = src ? awp_source_ref(src) : NULL;
	d->nvols++;
	return 0;
}

int awp_disk_warn(awp_disk *d, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (AWP_GROW(d->warnings, d->warncap, d->nwarn + 1) < 0)
		return AWP_ENOMEM;
	char *w = awp_strdup(buf);
	if (!w)
		return AWP_ENOMEM;
	d->warnings[d->nwarn++] = w;
	return 0;
}

int awp_disk_set_scheme(awp_disk *d, const char *scheme, const char *id)
{
	free(d->scheme);
	free(d->id);
	d->scheme = dup_or_empty(scheme);
	d->id = dup_or_empty(id);
	return d->scheme && d->id ? 0 : AWP_ENOMEM;
}

static void set_str(const char **field, const char *value)
{
	free((char *)*field);
	*field = dup_or_empty(value);
}

/* Decide, for a volume without a verdict, what it holds and whether awp reads it. */
static void classify(awp_disk *d, struct disk_volume *dv)
{
	awp_volume *v = &dv->v;
	if (v->reason_code[0] || !dv->src)
		return;
	const char *fs = awp_fs_probe(dv->src);
	set_str(&v->fs_type, fs ? fs : "");
	if (!fs) {
		set_str(&v->reason_code, "no_filesystem");
		set_str(&v->reason, "no filesystem signature found");
		return;
	}
	if (strcmp(fs, "ext2") == 0 || strcmp(fs, "ext3") == 0 || strcmp(fs, "ext4") == 0 ||
	    strcmp(fs, "xfs") == 0 || strcmp(fs, "vfat") == 0) {
		v->readable = 1;
		return;
	}
	if (strcmp(fs, "LVM2_member") == 0) {
		set_str(&v->reason_code, "lvm_member");
		set_str(&v->reason, "LVM2 physical volume: its logical volumes are listed separately");
	} else if (strcmp(fs, "crypto_LUKS") == 0) {
		set_str(&v->reason_code, "encrypted");
		set_str(&v->reason, "LUKS encrypted volume: awp cannot read it without the key");
	} else if (strcmp(fs, "swap") == 0) {
		set_str(&v->reason_code, "swap");
		set_str(&v->reason, "swap space holds no files");
	} else {
		char buf[128];
		snprintf(buf, sizeof buf, "%s filesystem is not supported", fs);
		set_str(&v->reason_code, "unsupported_filesystem");
		set_str(&v->reason, buf);
	}
	(void)d;
}

AWP_EXTERN int awp_disk_open(awp_disk **out, awp_source *src)
{
	awp_disk *d = awp_calloc(1, sizeof(*d));
	if (!d)
		return AWP_ENOMEM;
	d->src = awp_source_ref(src);
	int err = awp_disk_set_scheme(d, "none", "");
	if (err < 0)
		goto fail;

	int found = awp_part_gpt_scan(d);
	if (found == 0)
		found = awp_part_mbr_scan(d);
	if (found < 0) {
		err = found;
		goto fail;
	}
	if (found == 0) {
		awp_volume v = {.name = "disk", .kind = AWP_VOL_WHOLE_DISK, .size = awp_source_size(src)};
		if ((err = awp_disk_add_volume(d, &v, src)) < 0)
			goto fail;
	}
	for (size_t i = 0; i < d->nvols; i++)
		classify(d, &d->vols[i]);
	size_t before = d->nvols;
	if ((err = awp_lvm_scan(d)) < 0)
		goto fail;
	for (size_t i = before; i < d->nvols; i++)
		classify(d, &d->vols[i]);
	*out = d;
	return 0;
fail:
	awp_disk_free(d);
	return err;
}

int awp_disk_new_virtual(awp_disk **out, const char *name)
{
	awp_disk *d = awp_calloc(1, sizeof(*d));
	if (!d)
		return AWP_ENOMEM;
	int err = awp_disk_set_scheme(d, "none", name);
	if (err < 0) {
		awp_disk_free(d);
		return err;
	}
	*out = d;
	return 0;
}

int awp_disk_open_lvm(awp_disk **out, const char *name, awp_source *const *pvs, const char *const *pv_names,
		      size_t n)
{
	awp_disk *d = NULL;
	int err = awp_disk_new_virtual(&d, name);
	if (err < 0)
		return err;
	if (n > 0 && (err = awp_lvm_assemble(d, pvs, pv_names, n)) < 0) {
		awp_disk_free(d);
		return err;
	}
	for (size_t i = 0; i < d->nvols; i++)
		classify(d, &d->vols[i]);
	*out = d;
	return 0;
}

AWP_EXTERN void awp_disk_free(awp_disk *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nvols; i++) {
		awp_volume *v = &d->vols[i].v;
		free((char *)v->name);
		free((char *)v->type);
		free((char *)v->type_name);
		free((char *)v->part_name);
		free((char *)v->part_uuid);
		free((char *)v->fs_type);
		free((char *)v->reason_code);
		free((char *)v->reason);
		awp_source_free(d->vols[i].src);
	}
	for (size_t i = 0; i < d->nwarn; i++)
		free(d->warnings[i]);
	free(d->warnings);
	free(d->vols);
	free(d->scheme);
	free(d->id);
	awp_source_free(d->src);
	free(d);
}

AWP_EXTERN const char *awp_disk_scheme(const awp_disk *d) { return d->scheme; }
AWP_EXTERN const char *awp_disk_id(const awp_disk *d) { return d->id; }
AWP_EXTERN awp_source *awp_disk_source(const awp_disk *d) { return d->src; }
AWP_EXTERN size_t awp_disk_volume_count(const awp_disk *d) { return d->nvols; }
AWP_EXTERN const awp_volume *awp_disk_volume(const awp_disk *d, size_t i)
{
	return i < d->nvols ? &d->vols[i].v : NULL;
}
AWP_EXTERN awp_source *awp_disk_volume_source(const awp_disk *d, size_t i)
{
	return i < d->nvols ? d->vols[i].src : NULL;
}
AWP_EXTERN size_t awp_disk_warning_count(const awp_disk *d) { return d->nwarn; }
AWP_EXTERN const char *awp_disk_warning(const awp_disk *d, size_t i)
{
	return i < d->nwarn ? d->warnings[i] : NULL;
}
