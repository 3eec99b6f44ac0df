/*
 * An instance whose volume group spans two EBS volumes (issue 8), without
 * AWS: two PV images, each opened as its own target as the instance scan
 * does, given to cloud_assemble(). vg0/root has one segment on each PV and
 * holds the root ext4 (os-release, an fstab naming /dev/mapper/vg0-root and
 * /dev/vg0/data); vg0/data lies on the second PV only. Checks: the tree
 * has every file of both LVs, the per-disk lvm_missing_pv entries of root
 * are superseded, nothing is partial, and vg0/data is listed once.
 */
#include "harness.h"
#include "fscompare.h"
#include "lvm_image.h"

#include "cloud/cloud_int.h"

#include <awp/target.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const PVU[2] = {"SpanPVaaUvfYDEqAkf7gsKohFKSFyYm0", "SpanPVbbUvfYDEqAkf7gsKohFKSFyYm1"};
static const char *const PVD[2] = {"SpanPV-aaUv-fYDE-qAkf-7gsK-ohFK-SFyYm0", "SpanPV-bbUv-fYDE-qAkf-7gsK-ohFK-SFyYm1"};

/* root: extents 0-9 of pv0 then 0-9 of pv1 (20 MiB); data: extents 10-13 of pv1. */
#define ROOT_EXT 10
#define DATA_EXT 4

static void metadata(char *buf, size_t len)
{
	int n = snprintf(buf, len,
			 "vg0 {\nid = \"TiQEsX-oRfW-TTcp-oola-4v0e-D081-AS2HBe\"\nseqno = 3\nformat = \"lvm2\"\n"
			 "status = [\"RESIZEABLE\", \"READ\", \"WRITE\"]\nflags = []\nextent_size = %u\n"
			 "max_lv = 0\nmax_pv = 0\nmetadata_copies = 0\n\nphysical_volumes {\n",
			 EXTENT_SECTORS);
	for (int i = 0; i < 2; i++)
		n += snprintf(buf + n, len - (size_t)n,
			      "\npv%d {\nid = \"%s\"\ndevice = \"/dev/nvme%dn1\"\n\nstatus = [\"ALLOCATABLE\"]\n"
			      "flags = []\ndev_size = %llu\npe_start = %u\npe_count = %u\n}\n",
			      i, PVD[i], i, (unsigned long long)(PV_BYTES / 512), PE_START_SECTORS, PV_EXTENTS);
	snprintf(buf + n, len - (size_t)n,
		 "}\n\nlogical_volumes {\n\nroot {\nid = \"R00tLV-oOgj-9o4j-3wS9-Ap7V-mA8W-FVEqJM\"\n"
		 "status = [\"READ\", \"WRITE\", \"VISIBLE\"]\nflags = []\nsegment_count = 2\n\n"
		 "segment1 {\nstart_extent = 0\nextent_count = %d\n\ntype = \"striped\"\nstripe_count = 1\n\n"
		 "stripes = [\n\"pv0\", 0\n]\n}\n"
		 "segment2 {\nstart_extent = %d\nextent_count = %d\n\ntype = \"striped\"\nstripe_count = 1\n\n"
		 "stripes = [\n\"pv1\", 0\n]\n}\n}\n"
		 "\ndata {\nid = \"DataLV-oOgj-9o4j-3wS9-Ap7V-mA8W-FVEqJM\"\n"
		 "status = [\"READ\", \"WRITE\", \"VISIBLE\"]\nflags = []\nsegment_count = 1\n\n"
		 "segment1 {\nstart_extent = 0\nextent_count = %d\n\ntype = \"striped\"\nstripe_count = 1\n\n"
		 "stripes = [\n\"pv1\", %d\n]\n}\n}\n}\n}\n"
		 "contents = \"Text Format Volume Group\"\nversion = 1\n",
		 ROOT_EXT, ROOT_EXT, ROOT_EXT, DATA_EXT, ROOT_EXT);
}

/* Copy `img` into the PVs at (pv, first extent) runs of `ext` extents each. */
static int place(const char *img, const char *const *pvs, const int *pvn, const int *pe, int nruns, int ext)
{
	int in = open(img, O_RDONLY);
	if (in < 0)
		return -1;
	int err = 0;
	size_t chunk = (size_t)EXTENT_SECTORS * 512;
	char *buf = malloc(chunk);
	for (int r = 0; r < nruns && buf && !err; r++) {
		int out = open(pvs[pvn[r]], O_RDWR);
		if (out < 0) {
			err = -1;
			break;
		}
		for (int e = 0; e < ext && !err; e++) {
			ssize_t got = pread(in, buf, chunk, (off_t)(((uint64_t)r * (uint64_t)ext + (uint64_t)e) * chunk));
			if (got < 0)
				err = -1;
			else if (got > 0)
				err = pwrite_all(out, buf, (size_t)got,
						 (uint64_t)PE_START_SECTORS * 512 + (uint64_t)(pe[r] + e) * chunk);
		}
		close(out);
	}
	free(buf);
	close(in);
	return buf ? err : -1;
}

static const awp_aws_scan_volume *find(const cloud_machine *m, const char *volume_id, const char *name)
{
	for (size_t i = 0; i < m->nvols; i++)
		if (strcmp(m->vols[i].volume_id, volume_id) == 0 && strcmp(m->vols[i].name, name) == 0)
			return &m->vols[i];
	return NULL;
}

void test_main(void)
{
	char *dir = test_tmpdir();
	CHECK(dir != NULL);
	char pv0[4200], pv1[4200], tree[4200];
	snprintf(pv0, sizeof pv0, "%s/pv0.img", dir);
	snprintf(pv1, sizeof pv1, "%s/pv1.img", dir);
	snprintf(tree, sizeof tree, "%s/merged", dir);
	/* Random contents over most of the root LV, so that both segments hold data. */
	if (test_sh("cd %s && mkdir -p t/etc t/usr/bin t/data d && printf 'ID=debian\\nVERSION_ID=12\\n' > t/etc/os-release && "
		    "printf '# spans two volumes\\n/dev/mapper/vg0-root / ext4 defaults 0 1\\n"
		    "/dev/vg0/data /data ext4 defaults 0 2\\nproc /proc proc defaults 0 0\\n' > t/etc/fstab && "
		    "head -c 14000000 /dev/urandom > t/usr/bin/big && seq 1 50000 > t/etc/numbers && "
		    "head -c 100000 /dev/urandom > d/blob && echo data > d/readme && "
		    "mkfs.ext4 -q -F -d t root.ext4 20M && mkfs.ext4 -q -F -d d data.ext4 4M && "
		    "mkdir -p merged && cp -a t/. merged/ && cp -a d/. merged/data/",
		    dir) != 0)
		test_skip("mkfs.ext4 not available");

	char *text = malloc(16384);
	CHECK(text != NULL);
	metadata(text, 16384);
	CHECK(write_pv(pv0, PVU[0], text, 0) == 0);
	CHECK(write_pv(pv1, PVU[1], text, 0) == 0);
	free(text);
	const char *const pvs[2] = {pv0, pv1};
	char img[4200];
	snprintf(img, sizeof img, "%s/root.ext4", dir);
	CHECK(place(img, pvs, (const int[]){0, 1}, (const int[]){0, 0}, 2, ROOT_EXT) == 0);
	snprintf(img, sizeof img, "%s/data.ext4", dir);
	CHECK(place(img, pvs, (const int[]){1}, (const int[]){ROOT_EXT}, 1, DATA_EXT) == 0);

	cloud_disk disks[2] = {
		{.volume_id = "vol-root", .device = "/dev/xvda", .snapshot_id = "snap-a", .is_root_device = 1,
		 .nvme_index = 0},
		{.volume_id = "vol-data", .device = "/dev/sdf", .snapshot_id = "snap-b", .nvme_index = 1},
	};
	CHECK_OK(awp_target_open(&disks[0].target, pv0));
	CHECK_OK(awp_target_open(&disks[1].target, pv1));
	if (!disks[0].target || !disks[1].target)
		return;

	awp_arena a = AWP_ARENA_INIT;
	cloud_machine m;
	CHECK_OK(cloud_assemble(&m, disks, 2, "test:span", &a));
	for (size_t i = 0; i < m.nvols; i++)
		fprintf(stderr, "  %s %s fs=%s read=%d at=%s reason=%s: %s\n", m.vols[i].volume_id, m.vols[i].name,
			m.vols[i].fs_type, m.vols[i].read, m.vols[i].mountpoint, m.vols[i].reason_code, m.vols[i].reason);
	CHECK_MSG(m.fs != NULL, m.fail ? m.fail : "");
	CHECK_EQ_INT(m.partial, 0);

	const awp_aws_scan_volume *v = find(&m, CLOUD_LVM_VOLUME_ID, "vg0/root");
	CHECK(v && v->read && strcmp(v->mountpoint, "/") == 0 && strcmp(v->fs_type, "ext4") == 0);
	v = find(&m, "vol-root", "vg0/root");
	CHECK(v && !v->read && strcmp(v->reason_code, CLOUD_LVM_SPANS) == 0);
	v = find(&m, "vol-data", "vg0/root");
	CHECK(v && !v->read && strcmp(v->reason_code, CLOUD_LVM_SPANS) == 0);
	/* data is whole on vol-data: read from there, not listed again under lvm */
	v = find(&m, "vol-data", "vg0/data");
	CHECK(v && v->read && strcmp(v->mountpoint, "/data") == 0);
	CHECK(find(&m, CLOUD_LVM_VOLUME_ID, "vg0/data") == NULL);
	v = find(&m, "vol-root", "vg0/data");
	CHECK(v && !v->read && strcmp(v->reason_code, CLOUD_LVM_SPANS) == 0); /* its PV is on vol-data */

	if (m.fs) {
		awp_fs *want = NULL;
		CHECK_OK(awp_fs_open_dir(&want, tree));
		const char *const ignore[] = {"/lost+found", "/data/lost+found", NULL};
		fscompare_result r;
		CHECK_OK(fscompare(want, m.fs, 0, ignore, &r));
		CHECK_EQ_INT(r.mismatches, 0);
		CHECK(r.files >= 5 && r.bytes > 14000000);
		awp_fs_free(want);
	}
	cloud_machine_clear(&m);
	awp_arena_free(&a);
	awp_target_free(disks[0].target);
	awp_target_free(disks[1].target);
	test_rmtree(dir);
	free(dir);
}
