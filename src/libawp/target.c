/*
 * target.c - open a user's target down to its filesystems.
 *
 * A volume that should be readable but whose filesystem fails to open is
 * kept in the list with status FAILED and the error text as its reason, so
 * that every report can say what was not read and why.
 */
#include <awp/target.h>
#include <awp/aws.h>

#include "target_int.h"
#include "util/error.h"
#include "util/mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct awp_target {
	char *path;
	const char *format;
	awp_source *src;
	awp_disk *disk;
	awp_target_volume *vols;
	char **owned_reasons; /* per volume: reason text allocated here, or NULL */
	size_t nvols;
	int root;
};

static int has_os_release(awp_fs *fs)
{
	awp_stat st;
	return awp_fs_lookup(fs, "/etc/os-release", 1, &st) == 0 ||
	       awp_fs_lookup(fs, "/usr/lib/os-release", 1, &st) == 0;
}

static void find_root(awp_target *t)
{
	t->root = -1;
	for (size_t i = 0; i < t->nvols; i++) {
		if (t->vols[i].fs && has_os_release(t->vols[i].fs)) {
			t->root = (int)i;
			t->vols[i].is_root = 1;
			return;
		}
	}
}

static int alloc_volumes(awp_target *t, size_t n)
{
	t->vols = awp_calloc(n ? n : 1, sizeof(*t->vols));
	t->owned_reasons = awp_calloc(n ? n : 1, sizeof(*t->owned_reasons));
	if (!t->vols || !t->owned_reasons)
		return AWP_ENOMEM;
	t->nvols = n;
	return 0;
}

static int open_dir(awp_target *t)
{
	int err = alloc_volumes(t, 1);
	if (err < 0)
		return err;
	t->format = "directory";
	awp_target_volume *v = &t->vols[0];
	v->name = "dir";
	v->reason_code = v->reason = "";
	return awp_fs_open_dir(&v->fs, t->path);
}

static int open_volume(awp_target *t, size_t i)
{
	const awp_volume *vol = awp_disk_volume(t->disk, i);
	awp_target_volume *v = &t->vols[i];
	v->name = vol->name;
	v->volume = vol;
	v->reason_code = vol->reason_code;
	v->reason = vol->reason;
	awp_source *vs = awp_disk_volume_source(t->disk, i);
	if (!vol->readable || !vs) {
		int failed = strcmp(vol->reason_code, "damaged") == 0 || strncmp(vol->reason_code, "lvm_missing", 11) == 0;
		v->status = failed ? AWP_VOLUME_FAILED : AWP_VOLUME_SKIPPED;
		return 0;
	}
	char *fsname = awp_asprintf("%s %s", t->path, vol->name);
	if (!fsname)
		return AWP_ENOMEM;
	int err = awp_fs_open(&v->fs, vs, fsname);
	free(fsname);
	if (err == AWP_ENOMEM)
		return err;
	if (err < 0) {
		v->fs = NULL;
		v->status = err == AWP_EUNSUPPORTED ? AWP_VOLUME_SKIPPED : AWP_VOLUME_FAILED;
		v->reason_code = err == AWP_EUNSUPPORTED ? "unsupported_filesystem" : "damaged";
		if (!(t->owned_reasons[i] = awp_strdup(awp_error_last())))
			return AWP_ENOMEM;
		v->reason = t->owned_reasons[i];
	}
	return 0;
}

/* "ebs:snap-...": an EBS snapshot read through the EBS direct APIs, with a
 * client built from the environment (region, endpoint, credentials). */
static int open_ebs(awp_target *t)
{
	awp_aws_client *c = NULL;
	int err = awp_aws_client_new(&c, NULL);
	if (err >= 0)
		err = awp_source_open_ebs(&t->src, c, t->path + 4);
	awp_aws_client_free(c);
	return err;
}

static int open_volumes(awp_target *t);

static int open_image(awp_target *t)
{
	int err = strncmp(t->path, "ebs:", 4) == 0 ? open_ebs(t) : awp_source_open(&t->src, t->path);
	if (err < 0)
		return err;
	return open_volumes(t);
}

static int open_disk_volumes(awp_target *t)
{
	int err;
	if ((err = alloc_volumes(t, awp_disk_volume_count(t->disk))) < 0)
		return err;
	for (size_t i = 0; i < t->nvols; i++)
		if ((err = open_volume(t, i)) < 0)
			return err;
	return 0;
}

static int open_volumes(awp_target *t)
{
	int err;
	t->format = awp_source_format(t->src);
	if ((err = awp_disk_open(&t->disk, t->src)) < 0)
		return err;
	return open_disk_volumes(t);
}

AWP_EXTERN int awp_target_open(awp_target **out, const char *path)
{
	awp_target *t = awp_calloc(1, sizeof(*t));
	if (!t)
		return AWP_ENOMEM;
	t->root = -1;
	int err;
	struct stat st;
	if (!(t->path = awp_strdup(path))) {
		err = AWP_ENOMEM;
		goto fail;
	}
	if (strncmp(path, "ebs:", 4) == 0) {
		if ((err = open_image(t)) < 0)
			goto fail;
	} else if (stat(path, &st) < 0) {
		err = awp_error_errno(errno, "%s", path);
		goto fail;
	} else if ((err = S_ISDIR(st.st_mode) ? open_dir(t) : open_image(t)) < 0)
		goto fail;
	find_root(t);
	*out = t;
	return 0;
fail:
	awp_target_free(t);
	return err;
}

AWP_EXTERN int awp_target_open_source(awp_target **out, awp_source *src, const char *name)
{
	awp_target *t = awp_calloc(1, sizeof(*t));
	if (!t)
		return AWP_ENOMEM;
	t->root = -1;
	int err;
	t->src = awp_source_ref(src);
	if (!(t->path = awp_strdup(name ? name : awp_source_name(src)))) {
		err = AWP_ENOMEM;
		goto fail;
	}
	if ((err = open_volumes(t)) < 0)
		goto fail;
	find_root(t);
	*out = t;
	return 0;
fail:
	awp_target_free(t);
	return err;
}

int awp_target_open_disk(awp_target **out, awp_disk *disk, const char *name)
{
	awp_target *t = awp_calloc(1, sizeof(*t));
	if (!t) {
		awp_disk_free(disk);
		return AWP_ENOMEM;
	}
	t->root = -1;
	t->disk = disk;
	t->format = "volumes";
	int err;
	if (!(t->path = awp_strdup(name))) {
		err = AWP_ENOMEM;
		goto fail;
	}
	if ((err = open_disk_volumes(t)) < 0)
		goto fail;
	find_root(t);
	*out = t;
	return 0;
fail:
	awp_target_free(t);
	return err;
}

AWP_EXTERN void awp_target_free(awp_target *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nvols; i++) {
		awp_fs_free(t->vols[i].fs);
		free(t->owned_reasons[i]);
	}
	free(t->vols);
	free(t->owned_reasons);
	awp_disk_free(t->disk);
	awp_source_free(t->src);
	free(t->path);
	free(t);
}

AWP_EXTERN const char *awp_target_format(const awp_target *t) { return t->format; }
AWP_EXTERN const char *awp_target_path(const awp_target *t) { return t->path; }
AWP_EXTERN awp_source *awp_target_source(const awp_target *t) { return t->src; }
AWP_EXTERN awp_disk *awp_target_disk(const awp_target *t) { return t->disk; }
AWP_EXTERN size_t awp_target_volume_count(const awp_target *t) { return t->nvols; }
AWP_EXTERN int awp_target_root(const awp_target *t) { return t->root; }

AWP_EXTERN const awp_target_volume *awp_target_volume_get(const awp_target *t, size_t i)
{
	return i < t->nvols ? &t->vols[i] : NULL;
}

AWP_EXTERN size_t awp_target_readable_count(const awp_target *t)
{
	size_t n = 0;
	for (size_t i = 0; i < t->nvols; i++)
		n += t->vols[i].fs != NULL;
	return n;
}

static int volume_matches(const awp_target_volume *v, const char *name)
{
	if (strcmp(v->name, name) == 0)
		return 1;
	if (!v->volume)
		return 0;
	char num[16];
	snprintf(num, sizeof num, "%d", v->volume->number);
	if (v->volume->number > 0 && strcmp(num, name) == 0)
		return 1;
	if (v->fs) {
		const awp_fs_info *info = awp_fs_info_get(v->fs);
		if ((info->label[0] && strcmp(info->label, name) == 0) || (info->uuid[0] && strcmp(info->uuid, name) == 0))
			return 1;
	}
	return 0;
}

AWP_EXTERN awp_fs *awp_target_pick_fs(const awp_target *t, const char *name)
{
	if (name) {
		for (size_t i = 0; i < t->nvols; i++) {
			if (!volume_matches(&t->vols[i], name))
				continue;
			if (t->vols[i].fs)
				return t->vols[i].fs;
			awp_error_set(AWP_EUNSUPPORTED, "%s: volume %s is not readable: %s", t->path, t->vols[i].name,
				      t->vols[i].reason);
			return NULL;
		}
		awp_error_set(AWP_ENOTFOUND, "%s: no volume named '%s' (see 'awp inspect')", t->path, name);
		return NULL;
	}
	if (t->root >= 0)
		return t->vols[t->root].fs;
	for (size_t i = 0; i < t->nvols; i++)
		if (t->vols[i].fs)
			return t->vols[i].fs;
	awp_error_set(AWP_EUNSUPPORTED, "%s: no readable filesystem (see 'awp inspect')", t->path);
	return NULL;
}
