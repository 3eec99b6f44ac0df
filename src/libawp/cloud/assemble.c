/*
 * cloud/assemble.c - an instance's volumes as one machine: find the root
 * filesystem (the one with os-release, preferring the root device), read
 * its /etc/fstab and place every other filesystem where fstab mounts it,
 * then present the result as one tree (fs/mounts.c).
 *
 * Device names: EC2's block device mapping says /dev/sdf or /dev/xvdf; the
 * guest sees /dev/xvdf (Xen) or /dev/nvmeNn1 (Nitro). sdX and xvdX are one
 * name here; nvmeN is matched by position (0 is the root device, then the
 * other mappings in their order), which is how Nitro attaches volumes at
 * boot but not a guarantee after hot-plugging: UUID= and LABEL= (what
 * cloud images write) are exact.
 *
 * Every filesystem that is not part of the tree keeps a reason; one that
 * should have been read (fstab names it, or it holds a filesystem awp could
 * not read) makes the instance Partial.
 */
#include "cloud/cloud_int.h"

#include "target_int.h"
#include "volume/volume_int.h"

#include "util/error.h"
#include "util/mem.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct cand {
	size_t disk;
	const awp_target_volume *tv; /* NULL: the disk could not be opened */
	awp_aws_scan_volume *out;
} cand;

int cloud_parse_device(const char *dev, char *base, size_t base_len, int *part)
{
	*part = 0;
	if (strncmp(dev, "/dev/", 5) == 0)
		dev += 5;
	char tmp[64];
	if (strlen(dev) >= sizeof tmp - 2)
		return -1;
	if (strncmp(dev, "nvme", 4) == 0) {
		/* nvme<ctrl>n<ns>[p<part>] */
		const char *p = dev + 4;
		char *end;
		long ctrl = strtol(p, &end, 10);
		if (end == p || *end != 'n' || ctrl < 0 || ctrl > 1000)
			return -1;
		p = end + 1;
		strtol(p, &end, 10);
		if (end == p)
			return -1;
		if (*end == 'p') {
			long pn = strtol(end + 1, &end, 10);
			if (pn <= 0 || pn > 1000)
				return -1;
			*part = (int)pn;
		}
		if (*end)
			return -1;
		snprintf(base, base_len, "nvme%ld", ctrl);
		return 0;
	}
	if (strncmp(dev, "sd", 2) == 0)
		snprintf(tmp, sizeof tmp, "xvd%s", dev + 2);
	else if (strncmp(dev, "xvd", 3) == 0 || strncmp(dev, "hd", 2) == 0)
		snprintf(tmp, sizeof tmp, "%s", strncmp(dev, "hd", 2) == 0 ? dev : dev);
	else
		return -1;
	size_t len = strlen(tmp);
	size_t d = len;
	while (d > 0 && isdigit((unsigned char)tmp[d - 1]))
		d--;
	if (d < len) {
		long pn = strtol(tmp + d, NULL, 10);
		if (pn <= 0 || pn > 1000)
			return -1;
		*part = (int)pn;
		tmp[d] = '\0';
	}
	snprintf(base, base_len, "%s", tmp);
	return 0;
}

/* "/dev/mapper/vg-lv" or "/dev/vg/lv" -> "vg/lv" ("--" is a '-' in a name). */
static int lvm_name(const char *spec, char *out, size_t len)
{
	if (strncmp(spec, "/dev/mapper/", 12) == 0) {
		const char *s = spec + 12;
		size_t o = 0;
		int split = 0;
		for (; *s && o + 2 < len; s++) {
			if (s[0] == '-' && s[1] == '-') {
				out[o++] = '-';
				s++;
			} else if (s[0] == '-' && !split) {
				out[o++] = '/';
				split = 1;
			} else {
				out[o++] = *s;
			}
		}
		out[o] = '\0';
		return split ? 0 : -1;
	}
	if (strncmp(spec, "/dev/", 5) == 0) {
		const char *s = spec + 5;
		const char *slash = strchr(s, '/');
		if (!slash || strchr(slash + 1, '/') || strncmp(s, "disk/", 5) == 0 || strncmp(s, "mapper/", 7) == 0)
			return -1;
		snprintf(out, len, "%s", s);
		return 0;
	}
	return -1;
}

static const awp_fs_info *cinfo(const cand *c)
{
	return c->tv && c->tv->fs ? awp_fs_info_get(c->tv->fs) : NULL;
}

/* The candidate an fstab spec names, or -1. */
static long match_spec(const char *spec, const cand *cs, size_t nc, const cloud_disk *disks, size_t nd)
{
	const char *uuid = NULL, *label = NULL, *partuuid = NULL, *partlabel = NULL;
	if (strncmp(spec, "UUID=", 5) == 0)
		uuid = spec + 5;
	else if (strncmp(spec, "LABEL=", 6) == 0)
		label = spec + 6;
	else if (strncmp(spec, "PARTUUID=", 9) == 0)
		partuuid = spec + 9;
	else if (strncmp(spec, "PARTLABEL=", 10) == 0)
		partlabel = spec + 10;
	else if (strncmp(spec, "/dev/disk/by-uuid/", 18) == 0)
		uuid = spec + 18;
	else if (strncmp(spec, "/dev/disk/by-label/", 19) == 0)
		label = spec + 19;
	else if (strncmp(spec, "/dev/disk/by-partuuid/", 22) == 0)
		partuuid = spec + 22;
	for (size_t i = 0; i < nc; i++) {
		const awp_fs_info *fi = cinfo(&cs[i]);
		const awp_volume *v = cs[i].tv ? cs[i].tv->volume : NULL;
		if (uuid && fi && fi->uuid[0] && strcasecmp(fi->uuid, uuid) == 0)
			return (long)i;
		if (label && fi && fi->label[0] && strcmp(fi->label, label) == 0)
			return (long)i;
		if (partuuid && v && v->part_uuid[0] && strcasecmp(v->part_uuid, partuuid) == 0)
			return (long)i;
		if (partlabel && v && v->kind == AWP_VOL_PARTITION && v->part_name[0] && strcmp(v->part_name, partlabel) == 0)
			return (long)i;
	}
	if (uuid || label || partuuid || partlabel)
		return -1;
	char lv[256];
	if (lvm_name(spec, lv, sizeof lv) == 0) {
		for (size_t i = 0; i < nc; i++)
			if (cs[i].tv && cs[i].tv->volume && cs[i].tv->volume->kind == AWP_VOL_LVM &&
			    strcmp(cs[i].tv->name, lv) == 0 && strcmp(cs[i].out->reason_code, CLOUD_LVM_SPANS) != 0)
				return (long)i;
		return -1;
	}
	char base[64];
	int part;
	if (cloud_parse_device(spec, base, sizeof base, &part) < 0)
		return -1;
	long disk = -1;
	for (size_t d = 0; d < nd && disk < 0; d++) {
		char db[64];
		int dp;
		if (strncmp(base, "nvme", 4) == 0) {
			if (disks[d].nvme_index == (int)strtol(base + 4, NULL, 10))
				disk = (long)d;
		} else if (disks[d].device[0] && cloud_parse_device(disks[d].device, db, sizeof db, &dp) == 0 &&
			   strcmp(db, base) == 0) {
			disk = (long)d;
		}
	}
	if (disk < 0)
		return -1;
	for (size_t i = 0; i < nc; i++) {
		if (cs[i].disk != (size_t)disk || !cs[i].tv || !cs[i].tv->volume)
			continue;
		const awp_volume *v = cs[i].tv->volume;
		if ((part > 0 && v->kind == AWP_VOL_PARTITION && v->number == part) ||
		    (part == 0 && v->kind == AWP_VOL_WHOLE_DISK))
			return (long)i;
	}
	return -1;
}

static int has_opt(const char *opts, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = opts; p && *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && strncmp(p, name, n) == 0)
			return 1;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* Filesystem types fstab may name that live on no volume of ours. */
static int virtual_fs(const char *type)
{
	static const char *const v[] = {"swap", "tmpfs", "proc", "sysfs", "devpts", "devtmpfs", "none", "nfs",
					"nfs4", "cifs", "smbfs", "efs", "fuse", "fuse.sshfs", "cgroup", "cgroup2",
					"securityfs", "debugfs", "hugetlbfs", "mqueue", "ramfs", "overlay", "bind", NULL};
	for (size_t i = 0; v[i]; i++)
		if (strcmp(type, v[i]) == 0)
			return 1;
	return 0;
}

/* fstab's octal escapes (\040 for a space) in place. */
static void unescape(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* Skipped volumes that hold nothing to read: not a coverage gap. */
static int benign_skip(const char *code)
{
	static const char *const ok[] = {"swap", "bios_boot", "lvm_member", "extended", "no_filesystem", CLOUD_LVM_SPANS,
					 NULL};
	for (size_t i = 0; ok[i]; i++)
		if (strcmp(code, ok[i]) == 0)
			return 1;
	return 0;
}

int cloud_fstab_next(char **cursor, cloud_fstab_entry *e)
{
	for (char *line = *cursor, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		*cursor = next;
		char *f[4] = {0};
		char *save = NULL;
		int nf = 0;
		for (char *tok = strtok_r(line, " \t\r", &save); tok && nf < 4; tok = strtok_r(NULL, " \t\r", &save))
			f[nf++] = tok;
		if (nf < 3 || f[0][0] == '#')
			continue;
		unescape(f[0]);
		unescape(f[1]);
		e->spec = f[0];
		e->file = f[1];
		e->type = f[2];
		e->opts = nf >= 4 ? f[3] : "";
		return 1;
	}
	*cursor = NULL;
	return 0;
}

int cloud_fstab_places(const cloud_fstab_entry *e)
{
	return e->file[0] == '/' && strcmp(e->file, "/") != 0 && !virtual_fs(e->type) && !has_opt(e->opts, "bind");
}

int cloud_lvm_name(const char *spec, char *out, size_t len)
{
	return lvm_name(spec, out, len);
}

void cloud_machine_clear(cloud_machine *m)
{
	awp_fs_free(m->fs);
	awp_target_free(m->lvm);
	memset(m, 0, sizeof(*m));
}

/*
 * Volume groups whose physical volumes are on several of the disks: each
 * disk alone lists their LVs as lvm_missing_pv, so every PV of every disk
 * is assembled once more, together, into m->lvm. Nothing is made when the
 * PVs are all on one disk (its own assembly has them all).
 */
static int assemble_lvm(cloud_machine *m, const cloud_disk *disks, size_t nd, const char *name)
{
	awp_source **srcs = NULL;
	char **names = NULL;
	size_t n = 0, cap1 = 0, cap2 = 0, ndisks = 0;
	int err = 0;
	for (size_t d = 0; d < nd; d++) {
		awp_disk *disk = disks[d].target ? awp_target_disk(disks[d].target) : NULL;
		size_t before = n;
		for (size_t i = 0; disk && i < awp_disk_volume_count(disk); i++) {
			const awp_volume *v = awp_disk_volume(disk, i);
			awp_source *src = awp_disk_volume_source(disk, i);
			if (!src || strcmp(v->fs_type, "LVM2_member") != 0)
				continue;
			if (n >= AWP_MAX_INSTANCE_FILESYSTEMS)
				break;
			if (AWP_GROW(srcs, cap1, n + 1) < 0 || AWP_GROW(names, cap2, n + 1) < 0) {
				err = AWP_ENOMEM;
				goto done;
			}
			if (!(names[n] = awp_asprintf("%s %s", disks[d].volume_id, v->name))) {
				err = AWP_ENOMEM;
				goto done;
			}
			srcs[n++] = src;
		}
		ndisks += n > before;
	}
	if (ndisks < 2)
		goto done;
	awp_disk *vd = NULL;
	char *tname = awp_asprintf("%s lvm", name);
	if (!tname) {
		err = AWP_ENOMEM;
		goto done;
	}
	if ((err = awp_disk_open_lvm(&vd, CLOUD_LVM_VOLUME_ID, srcs, (const char *const *)names, n)) == 0)
		err = awp_target_open_disk(&m->lvm, vd, tname);
	free(tname);
done:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(srcs);
	return err;
}

/* The cross-volume LV named like a per-disk one, or NULL. */
static const awp_target_volume *lvm_find(const awp_target *t, const char *name)
{
	for (size_t i = 0; t && i < awp_target_volume_count(t); i++) {
		const awp_target_volume *tv = awp_target_volume_get(t, i);
		if (tv->volume && tv->volume->kind == AWP_VOL_LVM && strcmp(tv->name, name) == 0)
			return tv;
	}
	return NULL;
}

/* A cross-volume LV that some disk reads alone (its VG is on that disk). */
static int lvm_on_one_disk(const cloud_disk *disks, size_t nd, const awp_target_volume *tv)
{
	for (size_t d = 0; d < nd; d++) {
		const awp_target *t = disks[d].target;
		for (size_t i = 0; t && i < awp_target_volume_count(t); i++) {
			const awp_target_volume *o = awp_target_volume_get(t, i);
			if (o->volume && o->volume->kind == AWP_VOL_LVM && strcmp(o->name, tv->name) == 0 &&
			    strcmp(o->reason_code, "lvm_missing_pv") != 0)
				return 1;
		}
	}
	return 0;
}

static int fail(cloud_machine *m, awp_arena *a, const char *code, const char *msg)
{
	m->fail_code = awp_arena_strdup(a, code);
	m->fail = awp_arena_strdup(a, msg);
	return m->fail_code && m->fail ? 0 : AWP_ENOMEM;
}

int cloud_assemble(cloud_machine *m, cloud_disk *disks_in, size_t nd, const char *name, awp_arena *a)
{
	memset(m, 0, sizeof(*m));
	int err = 0;
	cand *cs = NULL;
	cloud_disk *disks = NULL;
	size_t nd_in = nd;
	awp_fs_mount *mounts = NULL;
	size_t *mcand = NULL;
	int *placed = NULL;
	char *fstab = NULL;
	size_t nc = 0;

	/* the disks, plus the volume groups spanning several of them as one more */
	if ((err = assemble_lvm(m, disks_in, nd_in, name)) < 0)
		goto done;
	disks = awp_calloc(nd_in + 1, sizeof(*disks));
	if (!disks) {
		err = AWP_ENOMEM;
		goto done;
	}
	if (nd_in)
		memcpy(disks, disks_in, nd_in * sizeof(*disks));
	if (m->lvm) {
		disks[nd++] = (cloud_disk){.volume_id = CLOUD_LVM_VOLUME_ID, .device = "", .snapshot_id = "",
					   .nvme_index = -1, .target = m->lvm, .err_code = "", .err = ""};
	}
	for (size_t d = 0; d < nd_in; d++)
		nc += disks[d].target ? awp_target_volume_count(disks[d].target) : 1;
	for (size_t i = 0; m->lvm && i < awp_target_volume_count(m->lvm); i++)
		nc += !lvm_on_one_disk(disks, nd_in, awp_target_volume_get(m->lvm, i));
	if (nc > AWP_MAX_INSTANCE_FILESYSTEMS) {
		err = fail(m, a, "size_limit", "too many volumes");
		goto done;
	}
	cs = awp_calloc(nc ? nc : 1, sizeof(*cs));
	m->vols = awp_arena_alloc(a, (nc ? nc : 1) * sizeof(*m->vols));
	mounts = awp_calloc(AWP_MAX_FSTAB_ENTRIES + 1, sizeof(*mounts));
	mcand = awp_calloc(AWP_MAX_FSTAB_ENTRIES + 1, sizeof(*mcand));
	placed = awp_calloc(AWP_MAX_FSTAB_ENTRIES + 1, sizeof(*placed));
	if (!cs || !m->vols || !mounts || !mcand || !placed) {
		err = AWP_ENOMEM;
		goto done;
	}
	memset(m->vols, 0, (nc ? nc : 1) * sizeof(*m->vols));
	m->nvols = nc;
	size_t k = 0;
	long root = -1;
	int unsupported = 0;
	const char *disk_fail = NULL, *disk_fail_msg = NULL;
	for (size_t d = 0; d < nd; d++) {
		size_t nv = disks[d].target ? awp_target_volume_count(disks[d].target) : 1;
		for (size_t i = 0; i < nv; i++) {
			const awp_target_volume *tv = disks[d].target ? awp_target_volume_get(disks[d].target, i) : NULL;
			if (d >= nd_in && lvm_on_one_disk(disks, nd_in, tv))
				continue; /* listed (and read) with its disk */
			cand *c = &cs[k];
			awp_aws_scan_volume *v = c->out = &m->vols[k++];
			c->disk = d;
			c->tv = tv;
			v->volume_id = disks[d].volume_id;
			v->device = disks[d].device;
			v->snapshot_id = disks[d].snapshot_id;
			v->mountpoint = "";
			v->name = c->tv ? c->tv->name : "";
			v->fs_type = c->tv && c->tv->volume ? c->tv->volume->fs_type : "";
			if (c->tv && c->tv->fs)
				v->fs_type = awp_fs_info_get(c->tv->fs)->type;
			if (!c->tv) {
				v->reason_code = disks[d].err_code;
				v->reason = disks[d].err;
				m->partial = 1;
				if (!disk_fail) {
					disk_fail = disks[d].err_code;
					disk_fail_msg = disks[d].err;
				}
			} else if (!c->tv->fs) {
				v->reason_code = c->tv->reason_code;
				v->reason = c->tv->reason;
				const awp_target_volume *whole = NULL;
				if (d < nd_in && strcmp(v->reason_code, "lvm_missing_pv") == 0 &&
				    (whole = lvm_find(m->lvm, c->tv->name)) && strcmp(whole->reason_code, "lvm_missing_pv") != 0) {
					v->reason_code = CLOUD_LVM_SPANS;
					v->reason = lvm_on_one_disk(disks, nd_in, whole)
							    ? "its volume group spans several volumes: read from the volume "
							      "that holds all of this LV"
							    : "its volume group spans several volumes: read from all of them "
							      "together (volume_id lvm)";
				}
				if (!benign_skip(v->reason_code))
					m->partial = 1;
				unsupported |= strcmp(c->tv->reason_code, "unsupported_filesystem") == 0;
			} else {
				v->reason_code = "not_in_fstab";
				v->reason = "not mounted by the root filesystem's /etc/fstab";
				if (c->tv->is_root && (root < 0 || (disks[d].is_root_device && !disks[cs[root].disk].is_root_device)))
					root = (long)(c - cs);
			}
		}
	}
	if (root < 0) {
		if (unsupported)
			err = fail(m, a, "unsupported_filesystem", "no root filesystem awp reads (see volumes)");
		else if (disk_fail)
			err = fail(m, a, disk_fail, disk_fail_msg);
		else
			err = fail(m, a, "no_root_filesystem", "no volume holds /etc/os-release");
		goto done;
	}

	size_t nm = 0;
	mounts[nm].path = "/";
	mounts[nm].fs = cs[root].tv->fs;
	mcand[nm++] = (size_t)root;
	awp_fs *rootfs = cs[root].tv->fs;
	size_t flen = 0;
	err = awp_fs_read_file(rootfs, "/etc/fstab", AWP_MAX_FSTAB, &fstab, &flen);
	if (err == AWP_ENOMEM)
		goto done;
	err = 0;
	cloud_fstab_entry fe;
	for (char *cur = fstab; cloud_fstab_next(&cur, &fe);) {
		if (!cloud_fstab_places(&fe))
			continue;
		long ci = match_spec(fe.spec, cs, nc, disks, nd);
		if (ci < 0) {
			/* nofail/noauto entries may legitimately be absent */
			if (!has_opt(fe.opts, "nofail") && !has_opt(fe.opts, "noauto"))
				m->partial = 1;
			continue;
		}
		if (ci == root)
			continue;
		if (!cs[ci].tv || !cs[ci].tv->fs) {
			if (cs[ci].out->mountpoint[0] == '\0')
				cs[ci].out->mountpoint = awp_arena_strdup(a, fe.file);
			m->partial = 1;
			continue;
		}
		if (nm > AWP_MAX_FSTAB_ENTRIES || nm >= 64)
			break;
		mounts[nm].path = awp_arena_strdup(a, fe.file);
		if (!mounts[nm].path) {
			err = AWP_ENOMEM;
			goto done;
		}
		mounts[nm].fs = cs[ci].tv->fs;
		mcand[nm++] = (size_t)ci;
	}
	if ((err = awp_fs_open_mounts(&m->fs, mounts, nm, name, placed)) < 0) {
		if (err == AWP_ENOMEM)
			goto done;
		err = fail(m, a, "assembly_failed", awp_error_last());
		goto done;
	}
	for (size_t i = 0; i < nm; i++) {
		awp_aws_scan_volume *v = cs[mcand[i]].out;
		if (placed[i]) {
			if (v->read) /* one filesystem mounted twice: the first place counts */
				continue;
			v->read = 1;
			v->mountpoint = mounts[i].path;
			v->reason_code = v->reason = "";
		} else {
			v->mountpoint = mounts[i].path;
			v->reason_code = "mountpoint_missing";
			v->reason = "fstab mounts it on a directory the filesystem below does not have";
			m->partial = 1;
		}
	}
	for (size_t i = 0; i < nc; i++)
		if (!cs[i].out->read && cs[i].tv && cs[i].tv->fs && strcmp(cs[i].out->reason_code, "not_in_fstab") == 0)
			m->partial = 1;
done:
	/* the results outlive the targets */
	for (size_t i = 0; err == 0 && m->vols && i < m->nvols; i++) {
		awp_aws_scan_volume *v = &m->vols[i];
		const char **f[] = {&v->name, &v->fs_type, &v->reason_code, &v->reason, &v->mountpoint};
		for (size_t j = 0; j < sizeof f / sizeof f[0]; j++)
			if (!(*f[j] = awp_arena_strdup(a, *f[j] ? *f[j] : "")))
				err = AWP_ENOMEM;
	}
	free(fstab);
	free(disks);
	free(cs);
	free(mounts);
	free(mcand);
	free(placed);
	return err;
}
