/*
 * LVM2 cross-check against the real LVM tools: a VG made by pvcreate /
 * vgcreate / lvcreate / lvextend on two loop devices (with activation off, so
 * no device-mapper is needed), data written where `lvs --segments` says each
 * LV's extents are, then awp reads the image files and must return the same
 * bytes, names, sizes and uuids. Needs root, loop devices and /sbin/lvm:
 * skips (77) otherwise, so CI without them still passes.
 */
#include "harness.h"
#include "fscompare.h"

#include <awp/volume.h>

#include "volume/lvm_int.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#define MiB (1024u * 1024u)

static char loopdev[2][64];
static char cfg[1024];

static int run_out(char *out, size_t cap, const char *cmd)
{
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	size_t n = fread(out, 1, cap - 1, p);
	out[n] = 0;
	return pclose(p) == 0 ? 0 : -1;
}

static void detach(void)
{
	for (int i = 0; i < 2; i++)
		if (loopdev[i][0]) {
			test_sh("losetup -d %s 2>/dev/null", loopdev[i]);
			loopdev[i][0] = 0;
		}
}

static int which_pv(const char *dev)
{
	for (int i = 0; i < 2; i++)
		if (strcmp(dev, loopdev[i]) == 0)
			return i;
	return -1;
}

/* Write `data` into the LV `lv` of `vg` at the places `lvs --segments` reports. */
static int place(const char *vg, const char *lv, const char *const img[2], const uint64_t pe_start[2],
		 uint64_t ext_bytes, const unsigned char *data, uint64_t len)
{
	char cmd[2048], out[8192];
	snprintf(cmd, sizeof cmd,
		 "lvm lvs --config '%s' --noheadings --separator '|' --segments --units s --nosuffix "
		 "-o seg_start_pe,seg_size_pe,stripes,stripe_size,seg_pe_ranges %s/%s 2>/dev/null",
		 cfg, vg, lv);
	if (run_out(out, sizeof out, cmd) < 0)
		return -1;
	int fds[2] = {open(img[0], O_RDWR), open(img[1], O_RDWR)};
	int err = fds[0] < 0 || fds[1] < 0;
	char *lsave = NULL;
	for (char *line = strtok_r(out, "\n", &lsave); line && !err; line = strtok_r(NULL, "\n", &lsave)) {
		unsigned long long start, count, nstripes, ssize;
		char ranges[1024];
		if (sscanf(line, " %llu|%llu|%llu|%llu|%1023[^\n]", &start, &count, &nstripes, &ssize, ranges) != 5 ||
		    nstripes < 1 || nstripes > 2) {
			err = 1;
			break;
		}
		int pv[2] = {-1, -1};
		uint64_t pe[2] = {0, 0};
		char *save = NULL;
		int k = 0;
		for (char *r = strtok_r(ranges, " ", &save); r && k < 2; r = strtok_r(NULL, " ", &save), k++) {
			char *colon = strrchr(r, ':');
			if (!colon)
				break;
			*colon = 0;
			pv[k] = which_pv(r);
			pe[k] = strtoull(colon + 1, NULL, 10);
		}
		if (k != (int)nstripes || pv[0] < 0 || (nstripes == 2 && pv[1] < 0)) {
			err = 1;
			break;
		}
		/* dm-stripe: chunk c of the segment goes to stripe c % n, row c / n. */
		uint64_t seg_off = start * ext_bytes, seg_len = count * ext_bytes;
		uint64_t chunk = nstripes > 1 ? ssize * 512 : seg_len;
		for (uint64_t in = 0; in < seg_len && seg_off + in < len && !err; in += chunk) {
			uint64_t c = in / chunk;
			int st = (int)(c % nstripes);
			uint64_t phys = pe_start[pv[st]] + pe[st] * ext_bytes + (c / nstripes) * chunk;
			uint64_t n = len - (seg_off + in) < chunk ? len - (seg_off + in) : chunk;
			err = pwrite(fds[pv[st]], data + seg_off + in, (size_t)n, (off_t)phys) != (ssize_t)n;
		}
	}
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return err ? -1 : 0;
}

static const awp_volume *find_vol(const awp_disk *d, const char *name, size_t *idx)
{
	for (size_t i = 0; i < awp_disk_volume_count(d); i++)
		if (strcmp(awp_disk_volume(d, i)->name, name) == 0) {
			*idx = i;
			return awp_disk_volume(d, i);
		}
	return NULL;
}

void test_main(void)
{
	if (geteuid() != 0)
		test_skip("not root: loop devices unavailable");
	if (test_sh("lvm version >/dev/null 2>&1") != 0)
		test_skip("lvm tools not installed");
	char *dir = test_tmpdir();
	char img0[4200], img1[4200], vg[64], out[4096], cmd[8192];
	snprintf(img0, sizeof img0, "%s/pv0.img", dir);
	snprintf(img1, sizeof img1, "%s/pv1.img", dir);
	snprintf(vg, sizeof vg, "awptest%d", (int)getpid());
	const char *const img[2] = {img0, img1};
	for (int i = 0; i < 2; i++) {
		snprintf(cmd, sizeof cmd, "truncate -s 40M %s && losetup -f --show %s 2>/dev/null", img[i], img[i]);
		if (run_out(out, sizeof out, cmd) < 0 || strncmp(out, "/dev/loop", 9) != 0) {
			detach();
			test_rmtree(dir);
			test_skip("losetup cannot attach a loop device here");
		}
		out[strcspn(out, "\n")] = 0;
		if (strlen(out) >= sizeof loopdev[i])
			out[0] = 0;
		memcpy(loopdev[i], out, strlen(out) + 1);
	}
	/* Only our two devices are scanned; no device-mapper, udev or devices file. */
	snprintf(cfg, sizeof cfg,
		 "global { activation = 0 } activation { udev_sync = 0 udev_rules = 0 monitoring = 0 } "
		 "devices { obtain_device_list_from_udev = 0 filter = [ \"a|^%s$|\", \"a|^%s$|\", \"r|.*|\" ] }",
		 loopdev[0], loopdev[1]);
	const char *L = "LVM_SUPPRESS_FD_WARNINGS=1 lvm";
	int ok = test_sh("%s pvcreate -q -y --config '%s' --metadatacopies 2 %s >/dev/null 2>&1 && "
			 "%s pvcreate -q -y --config '%s' %s >/dev/null 2>&1 && "
			 "%s vgcreate -q --config '%s' -s 1M %s %s %s >/dev/null 2>&1 && "
			 "%s lvcreate -q --config '%s' -an -Zn -y -L 4M -n lin %s %s >/dev/null 2>&1 && "
			 "%s lvcreate -q --config '%s' -an -Zn -y -L 4M -i 2 -I 64k -n str %s >/dev/null 2>&1 && "
			 "%s lvextend -q --config '%s' -L +3M %s/lin %s >/dev/null 2>&1",
			 L, cfg, loopdev[0], L, cfg, loopdev[1], L, cfg, vg, loopdev[0], loopdev[1],
			 L, cfg, vg, loopdev[0], L, cfg, vg, L, cfg, vg, loopdev[1]) == 0;
	uint64_t pe_start[2] = {0, 0};
	char uuids[2][64] = {"", ""};
	for (int i = 0; ok && i < 2; i++) {
		snprintf(cmd, sizeof cmd, "%s pvs --config '%s' --noheadings --units b --nosuffix -o pe_start %s 2>/dev/null",
			 L, cfg, loopdev[i]);
		ok = run_out(out, sizeof out, cmd) == 0;
		pe_start[i] = strtoull(out, NULL, 10);
	}
	const char *lvn[2] = {"lin", "str"};
	for (int i = 0; ok && i < 2; i++) {
		snprintf(cmd, sizeof cmd, "%s lvs --config '%s' --noheadings -o lv_uuid %s/%s 2>/dev/null", L, cfg, vg, lvn[i]);
		ok = run_out(out, sizeof out, cmd) == 0 && sscanf(out, " %63s", uuids[i]) == 1;
	}
	unsigned char *data[2] = {malloc(7 * MiB), malloc(4 * MiB)};
	FILE *r = fopen("/dev/urandom", "rb");
	ok = ok && r && data[0] && data[1] && fread(data[0], 1, 7 * MiB, r) == 7 * MiB &&
	     fread(data[1], 1, 4 * MiB, r) == 4 * MiB;
	if (r)
		fclose(r);
	CHECK_MSG(ok, "lvm tools failed to build the VG");
	if (ok) {
		CHECK(place(vg, "lin", img, pe_start, MiB, data[0], 7 * MiB) == 0);
		CHECK(place(vg, "str", img, pe_start, MiB, data[1], 4 * MiB) == 0);
	}
	/* No vgremove: the VG disappears with the image files. Detaching flushes the loop devices. */
	detach();
	awp_source *src[2] = {NULL, NULL};
	for (int i = 0; ok && i < 2; i++)
		CHECK_OK(awp_source_open(&src[i], img[i]));
	if (ok && src[0] && src[1]) {
		awp_disk *t = calloc(1, sizeof(awp_disk));
		CHECK_EQ_INT(awp_lvm_assemble(t, src, NULL, 2), 1);
		for (size_t i = 0; i < awp_disk_warning_count(t); i++)
			fprintf(stderr, "  warning: %s\n", awp_disk_warning(t, i));
		CHECK_EQ_INT(awp_disk_warning_count(t), 0);
		CHECK_EQ_INT(awp_disk_volume_count(t), 2);
		for (int i = 0; i < 2; i++) {
			char name[128];
			snprintf(name, sizeof name, "%s/%s", vg, lvn[i]);
			size_t idx = 0;
			const awp_volume *v = find_vol(t, name, &idx);
			CHECK_MSG(v != NULL, name);
			if (!v)
				continue;
			uint64_t len = i == 0 ? 7 * MiB : 4 * MiB;
			CHECK_EQ_INT(v->size, len);
			CHECK_EQ_STR(v->part_uuid, uuids[i]);
			CHECK_EQ_STR(v->type, i == 0 ? "linear" : "striped");
			awp_source *lv = awp_disk_volume_source(t, idx);
			unsigned char *got = malloc(len);
			CHECK(lv && got);
			if (lv && got) {
				CHECK_OK(awp_source_read(lv, got, (size_t)len, 0));
				CHECK_MSG(memcmp(got, data[i], (size_t)len) == 0, name);
			}
			free(got);
		}
		awp_disk_free(t);
		/* The PV with two metadata areas alone: its own copies (both areas) are read. */
		awp_disk *d = NULL;
		CHECK_OK(awp_disk_open(&d, src[0]));
		if (d) {
			size_t idx;
			char name[128];
			snprintf(name, sizeof name, "%s/lin", vg);
			const awp_volume *v = find_vol(d, name, &idx);
			CHECK(v && strcmp(v->reason_code, "lvm_missing_pv") == 0); /* its last 3 MiB are on pv1 */
			awp_disk_free(d);
		}
	}
	awp_source_free(src[0]);
	awp_source_free(src[1]);
	free(data[0]);
	free(data[1]);
	test_rmtree(dir);
	free(dir);
}
