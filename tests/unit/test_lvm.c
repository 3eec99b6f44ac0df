/*
 * LVM2: physical volume images written here in the real on-disk format
 * (label, pv_header, mda_header with lvm2's CRCs, text metadata laid out as
 * lvm2 2.03 writes it), with filesystem images made by mkfs placed into the
 * LVs' extents. Checks: linear, 2-segment and striped LVs read back byte for
 * byte; thin/snapshot/raid LVs listed with reasons; the newest metadata wins;
 * metadata that wraps around the circular buffer; a VG with a missing PV;
 * damaged labels, headers and text give warnings, never a crash.
 * Also checks that the committed fuzz seeds are PVs that assemble.
 */
#include "harness.h"
#include "fscompare.h"

#include <awp/volume.h>

#include "volume/lvm_int.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define MiB (1024u * 1024u)
#define EXTENT_SECTORS 2048u /* 1 MiB extents keep the images small */
#define PE_START_SECTORS 2048u
#define MDA_OFF 4096u
#define MDA_SIZE (MiB - 4096u)
#define PV_EXTENTS 16u
#define PV_BYTES ((uint64_t)PE_START_SECTORS * 512 + (uint64_t)PV_EXTENTS * EXTENT_SECTORS * 512)

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

static int pwrite_all(int fd, const void *buf, size_t len, uint64_t off)
{
	return pwrite(fd, buf, len, (off_t)off) == (ssize_t)len ? 0 : -1;
}

enum {
	BAD_LABEL_CRC = 1,
	BAD_MDA_CRC = 2,
	BAD_TEXT_CRC = 4,
	WRAP = 8,          /* place the text so that it wraps to the area start */
	TEXT_TOO_LONG = 16 /* raw_locn size larger than the area */
};

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
static int write_pv(const char *path, const char *uuid32, const char *text, int flags)
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

/* --- metadata text, formatted the way lvm2 2.03 writes it ------------------- */

struct seg {
	int start, count, nstripes, stripe_size; /* stripe_size in sectors */
	const char *pv[2];
	int pe[2];
};

struct lvdesc {
	const char *name, *id;
	int visible;
	int nsegs;
	struct seg segs[2];
	const char *raw_segments; /* instead of segs: verbatim segment sections */
};

struct textbuf {
	char buf[32768];
	size_t len;
};

static void tb_printf(struct textbuf *tb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tb_printf(struct textbuf *tb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tb->buf + tb->len, sizeof tb->buf - tb->len, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof tb->buf - tb->len)
		tb->len += (size_t)n;
}

/* "abcdef..." (32) -> "abcdef-ghij-..." (6-4-4-4-4-4-6) as lvm2 prints uuids. */
static const char *dashed(const char *u, char out[40])
{
	static const int groups[] = {6, 4, 4, 4, 4, 4, 6};
	size_t o = 0, i = 0;
	for (int g = 0; g < 7; g++) {
		if (g)
			out[o++] = '-';
		for (int k = 0; k < groups[g]; k++)
			out[o++] = u[i++];
	}
	out[o] = 0;
	return out;
}

static void vg_text(struct textbuf *tb, const char *vgname, int seqno, const char *const *pvuuids, int npvs,
		    const struct lvdesc *lvs, int nlvs)
{
	char d[40];
	tb->len = 0;
	tb_printf(tb, "%s {\nid = \"%s\"\nseqno = %d\nformat = \"lvm2\"\n"
		      "status = [\"RESIZEABLE\", \"READ\", \"WRITE\"]\nflags = []\nextent_size = %u\n"
		      "max_lv = 0\nmax_pv = 0\nmetadata_copies = 0\n\nphysical_volumes {\n",
		  vgname, dashed("TiQEsXoRfWTTcpoola4v0eD081AS2HBe", d), seqno, EXTENT_SECTORS);
	for (int i = 0; i < npvs; i++)
		tb_printf(tb, "\npv%d {\nid = \"%s\"\ndevice = \"/dev/xvdf%d\"\t# Hint only\n\n"
			      "status = [\"ALLOCATABLE\"]\nflags = []\ndev_size = %llu\npe_start = %u\npe_count = %u\n}\n",
			  i, dashed(pvuuids[i], d), i, (unsigned long long)(PV_BYTES / 512), PE_START_SECTORS, PV_EXTENTS);
	tb_printf(tb, "}\n\nlogical_volumes {\n");
	for (int l = 0; l < nlvs; l++) {
		const struct lvdesc *lv = &lvs[l];
		tb_printf(tb, "\n%s {\nid = \"%s\"\nstatus = [\"READ\", \"WRITE\"%s]\nflags = []\n"
			      "creation_time = 1795632162\t# 2026-11-25 18:42:42 +0000\ncreation_host = \"vm\"\n"
			      "segment_count = %d\n",
			  lv->name, lv->id, lv->visible ? ", \"VISIBLE\"" : "", lv->raw_segments ? 1 : lv->nsegs);
		if (lv->raw_segments) {
			tb_printf(tb, "%s}\n", lv->raw_segments);
			continue;
		}
		for (int s = 0; s < lv->nsegs; s++) {
			const struct seg *sg = &lv->segs[s];
			tb_printf(tb, "\nsegment%d {\nstart_extent = %d\nextent_count = %d\n\ntype = \"striped\"\n"
				      "stripe_count = %d\n", s + 1, sg->start, sg->count, sg->nstripes);
			if (sg->nstripes > 1)
				tb_printf(tb, "stripe_size = %d\n", sg->stripe_size);
			tb_printf(tb, "\nstripes = [\n");
			for (int k = 0; k < sg->nstripes; k++)
				tb_printf(tb, "\"%s\", %d%s\n", sg->pv[k], sg->pe[k], k + 1 < sg->nstripes ? "," : "");
			tb_printf(tb, "]\n}\n");
		}
		tb_printf(tb, "}\n");
	}
	tb_printf(tb, "}\n\n}\n# Generated by LVM2 version 2.03.16(2) (2022-05-18): Wed Nov 25 18:42:42 2026\n\n"
		      "contents = \"Text Format Volume Group\"\nversion = 1\n\n"
		      "description = \"Write from lvcreate -n \\\"quoted\\\" name.\"\n\n"
		      "creation_host = \"vm\"\t# Linux vm 6.1.0 #1 SMP x86_64\n"
		      "creation_time = 1795632162\t# Wed Nov 25 18:42:42 2026\n\n");
}

/* --- placing data into an LV (independent of lvm.c: plain loops over the table) --- */

static int lv_place(const char *const *pvpaths, const struct lvdesc *lv, const unsigned char *data, uint64_t len)
{
	const uint64_t ext = (uint64_t)EXTENT_SECTORS * 512;
	for (uint64_t pos = 0; pos < len; pos += 512) {
		uint64_t lext = pos / ext;
		const struct seg *sg = NULL;
		for (int s = 0; s < lv->nsegs; s++)
			if (lext >= (uint64_t)lv->segs[s].start && lext < (uint64_t)(lv->segs[s].start + lv->segs[s].count))
				sg = &lv->segs[s];
		if (!sg)
			return -1;
		uint64_t in = pos - (uint64_t)sg->start * ext;
		int stripe = 0;
		uint64_t within = in;
		if (sg->nstripes > 1) {
			uint64_t chunk = (uint64_t)sg->stripe_size * 512;
			stripe = (int)((in / chunk) % (uint64_t)sg->nstripes);
			within = (in / chunk / (uint64_t)sg->nstripes) * chunk + in % chunk;
		}
		int pvn = sg->pv[stripe][2] - '0';
		uint64_t phys = (uint64_t)PE_START_SECTORS * 512 + (uint64_t)sg->pe[stripe] * ext + within;
		int fd = open(pvpaths[pvn], O_RDWR);
		if (fd < 0)
			return -1;
		size_t n = len - pos < 512 ? (size_t)(len - pos) : 512;
		int err = pwrite_all(fd, data + pos, n, phys);
		close(fd);
		if (err)
			return -1;
	}
	return 0;
}

static unsigned char *slurp(const char *path, uint64_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *b = malloc((size_t)n + 1);
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	*len = (uint64_t)n;
	return b;
}

/* --- the scenario ------------------------------------------------------------- */

static const char *const PVU[2] = {"OvsHZBsRUvfYDEqAkf7gsKohFKSFyYmT", "OPPKcRpre6UPtREKHWBTmLXj6ROuuEnY"};

/* pv0: pe 0-3 lin, 4-5 str, 6-7 (old multi seg2 lives on pv1), 10-12 multi seg2, 14-15 thin pool */
static const struct lvdesc LVS_NEW[] = {
	{"lin", "D4XdWd-oOgj-9o4j-3wS9-Ap7V-mA8W-FVEqJM", 1, 1, {{0, 4, 1, 0, {"pv0"}, {0}}}, NULL},
	{"multi", "M2XdWd-oOgj-9o4j-3wS9-Ap7V-mA8W-FVEqJM", 1, 2,
	 {{0, 2, 1, 0, {"pv1"}, {4}}, {2, 3, 1, 0, {"pv0"}, {10}}}, NULL},
	{"str", "JePUHZ-fvCi-GLel-Nqd2-4euZ-97Eq-dG7OAT", 1, 1, {{0, 4, 2, 128, {"pv0", "pv1"}, {4, 0}}}, NULL},
	{"pool", "P00lHZ-fvCi-GLel-Nqd2-4euZ-97Eq-dG7OAT", 1, 0, {{0}},
	 "\nsegment1 {\nstart_extent = 0\nextent_count = 1\n\ntype = \"thin-pool\"\nmetadata = \"pool_tmeta\"\n"
	 "pool = \"pool_tdata\"\ntransaction_id = 1\nchunk_size = 128\ndiscards = \"passdown\"\nzero_new_blocks = 1\n}\n"},
	{"thin", "Th1nHZ-fvCi-GLel-Nqd2-4euZ-97Eq-dG7OAT", 1, 0, {{0}},
	 "\nsegment1 {\nstart_extent = 0\nextent_count = 8\n\ntype = \"thin\"\nthin_pool = \"pool\"\n"
	 "transaction_id = 0\ndevice_id = 1\n}\n"},
	{"pool_tmeta", "TmetaZ-fvCi-GLel-Nqd2-4euZ-97Eq-dG7OAT", 0, 1, {{0, 1, 1, 0, {"pv0"}, {14}}}, NULL},
	{"pool_tdata", "TdataZ-fvCi-GLel-Nqd2-4euZ-97Eq-dG7OAT", 0, 1, {{0, 1, 1, 0, {"pv0"}, {15}}}, NULL},
	{"snap", "SnapHZ-fvCi-GLel-Nqd2-4euZ-97Eq-dG7OAT", 1, 1, {{0, 1, 1, 0, {"pv1"}, {10}}}, NULL},
	{"snapshot0", "Snap0Z-fvCi-GLel-Nqd2-4euZ-97Eq-dG7OAT", 0, 0, {{0}},
	 "\nsegment1 {\nstart_extent = 0\nextent_count = 4\n\ntype = \"snapshot\"\nchunk_size = 8\n"
	 "origin = \"lin\"\ncow_store = \"snap\"\n}\n"},
	{"r1", "RaidHZ-fvCi-GLel-Nqd2-4euZ-97Eq-dG7OAT", 1, 0, {{0}},
	 "\nsegment1 {\nstart_extent = 0\nextent_count = 1\n\ntype = \"raid1\"\ndevice_count = 2\n"
	 "region_size = 1024\n\nraids = [\n\"r1_rmeta_0\", \"r1_rimage_0\",\n\"r1_rmeta_1\", \"r1_rimage_1\"\n]\n}\n"},
};
/* Before lvextend and before "str": multi had one segment. */
static const struct lvdesc LVS_OLD[] = {
	{"lin", "D4XdWd-oOgj-9o4j-3wS9-Ap7V-mA8W-FVEqJM", 1, 1, {{0, 4, 1, 0, {"pv0"}, {0}}}, NULL},
	{"multi", "M2XdWd-oOgj-9o4j-3wS9-Ap7V-mA8W-FVEqJM", 1, 1, {{0, 2, 1, 0, {"pv1"}, {4}}}, NULL},
};

static const awp_volume *find_vol(const awp_disk *d, const char *name, size_t *idx)
{
	for (size_t i = 0; i < awp_disk_volume_count(d); i++)
		if (strcmp(awp_disk_volume(d, i)->name, name) == 0) {
			if (idx)
				*idx = i;
			return awp_disk_volume(d, i);
		}
	return NULL;
}

/* Read the LV back in odd-sized pieces and compare with the image file. */
static void check_bytes(const awp_disk *d, const char *lvname, const char *imgpath)
{
	size_t i;
	const awp_volume *v = find_vol(d, lvname, &i);
	CHECK_MSG(v != NULL, lvname);
	if (!v)
		return;
	awp_source *src = awp_disk_volume_source(d, i);
	CHECK_MSG(src != NULL, lvname);
	uint64_t ilen = 0;
	unsigned char *img = slurp(imgpath, &ilen);
	CHECK(img != NULL);
	if (!src || !img) {
		free(img);
		return;
	}
	CHECK(awp_source_size(src) >= ilen);
	unsigned char *got = malloc((size_t)ilen);
	/* A prime-sized step makes reads straddle stripe chunk and segment boundaries. */
	const size_t step = 100003;
	int ok = 1;
	for (uint64_t pos = 0; pos < ilen && ok; pos += step) {
		size_t n = ilen - pos < step ? (size_t)(ilen - pos) : step;
		if (awp_source_read(src, got + pos, n, pos) < 0)
			ok = 0;
	}
	CHECK_MSG(ok, awp_error_last());
	CHECK_MSG(ok && memcmp(got, img, (size_t)ilen) == 0, lvname);
	/* One read of the whole LV, too. */
	CHECK_OK(awp_source_read(src, got, (size_t)ilen, 0));
	CHECK_MSG(memcmp(got, img, (size_t)ilen) == 0, lvname);
	free(got);
	free(img);
}

static awp_disk *new_target(void)
{
	return calloc(1, sizeof(awp_disk));
}

static void dump_warnings(const awp_disk *d)
{
	for (size_t i = 0; i < awp_disk_warning_count(d); i++)
		fprintf(stderr, "  warning: %s\n", awp_disk_warning(d, i));
}

static int has_warning(const awp_disk *d, const char *needle)
{
	for (size_t i = 0; i < awp_disk_warning_count(d); i++)
		if (strstr(awp_disk_warning(d, i), needle))
			return 1;
	return 0;
}

static size_t count_lvm(const awp_disk *d)
{
	size_t n = 0;
	for (size_t i = 0; i < awp_disk_volume_count(d); i++)
		n += awp_disk_volume(d, i)->kind == AWP_VOL_LVM;
	return n;
}

/* The committed fuzz seeds must be real PVs that assemble (else fuzzing starts from noise). */
static void check_seeds(void)
{
	const char *root = test_env("AWP_SOURCE_DIR");
	if (!root)
		return;
	const char *seeds[] = {"pv_small", "pv_wrapped"};
	for (size_t k = 0; k < 2; k++) {
		char p[4096];
		snprintf(p, sizeof p, "%s/tests/fuzz/corpus/fuzz_lvm_label/%s", root, seeds[k]);
		awp_source *s = NULL;
		CHECK_OK(awp_source_open(&s, p));
		if (!s)
			continue;
		awp_disk *t = new_target();
		CHECK_EQ_INT(awp_lvm_assemble(t, &s, NULL, 1), 1);
		dump_warnings(t);
		CHECK_EQ_INT(awp_disk_warning_count(t), 0);
		size_t i;
		const awp_volume *v = find_vol(t, "vg0/lin", &i);
		unsigned char buf[2048], exp[2048];
		CHECK(v && v->size == 2048 && awp_disk_volume_source(t, i));
		if (v && awp_disk_volume_source(t, i)) {
			/* lin = extents 0-1 then 6-7 of the data area at 4096, 512-byte extents. */
			CHECK_OK(awp_source_read(awp_disk_volume_source(t, i), buf, 2048, 0));
			for (size_t o = 0; o < 2048; o++) {
				size_t phys = 4096 + (o < 1024 ? o : 3072 + (o - 1024));
				exp[o] = (unsigned char)(phys * 7 + (phys >> 9));
			}
			CHECK(memcmp(buf, exp, 2048) == 0);
		}
		v = find_vol(t, "vg0/str", &i);
		CHECK(v && strcmp(v->type, "striped") == 0 && awp_disk_volume_source(t, i));
		v = find_vol(t, "vg0/thin", &i);
		CHECK(v && strcmp(v->reason_code, "lvm_thin_unsupported") == 0);
		awp_disk_free(t);
		awp_source_free(s);
	}
}

void test_main(void)
{
	char *dir = test_tmpdir();
	CHECK(dir != NULL);
	char pv0[4200], pv1[4200], pvw[4200], a[4200], b[4200], c[4200], w[4200];
	snprintf(pv0, sizeof pv0, "%s/pv0.img", dir);
	snprintf(pv1, sizeof pv1, "%s/pv1.img", dir);
	snprintf(pvw, sizeof pvw, "%s/pvwrap.img", dir);
	snprintf(a, sizeof a, "%s/a.ext4", dir);
	snprintf(b, sizeof b, "%s/b.ext4", dir);
	snprintf(c, sizeof c, "%s/c.vfat", dir);
	snprintf(w, sizeof w, "%s/w.ext4", dir);

	/* Filesystem images to place into the LVs. */
	/* Random file contents fill most of each image, so every extent holds data that a
	 * wrong mapping would garble (an image of zeros would compare equal anyway). */
	if (test_sh("cd %s && mkdir -p t/etc t/usr/bin t2 t3 && printf 'ID=debian\\n' > t/etc/os-release && "
		    "head -c 2000000 /dev/urandom > t/usr/bin/tool && seq 1 50000 > t/etc/numbers && "
		    "cp -r t/etc t2/ && head -c 3000000 /dev/urandom > t2/big && "
		    "cp -r t/etc t3/ && head -c 1500000 /dev/urandom > t3/big && "
		    "mkfs.ext4 -q -F -d t %s 4M && mkfs.ext4 -q -F -d t2 %s 5M && "
		    "mkfs.vfat -C %s 4096 >/dev/null && mcopy -i %s t2/big ::big && "
		    "mkfs.ext4 -q -F -d t3 %s 3M",
		    dir, a, b, c, c, w) != 0)
		test_skip("mkfs.ext4 / mkfs.vfat / mcopy not available");

	/* vg0 across two PVs: pv0 carries an old copy (seqno 5), pv1 the newest (seqno 9). */
	struct textbuf *tnew = malloc(sizeof *tnew), *told = malloc(sizeof *told);
	vg_text(tnew, "vg0", 9, PVU, 2, LVS_NEW, (int)(sizeof LVS_NEW / sizeof LVS_NEW[0]));
	vg_text(told, "vg0", 5, PVU, 2, LVS_OLD, (int)(sizeof LVS_OLD / sizeof LVS_OLD[0]));
	CHECK(write_pv(pv0, PVU[0], told->buf, 0) == 0);
	CHECK(write_pv(pv1, PVU[1], tnew->buf, 0) == 0);
	const char *const pvs[2] = {pv0, pv1};
	uint64_t alen, blen, clen;
	unsigned char *ad = slurp(a, &alen), *bd = slurp(b, &blen), *cd = slurp(c, &clen);
	CHECK(ad && bd && cd);
	CHECK(lv_place(pvs, &LVS_NEW[0], ad, alen) == 0);
	CHECK(lv_place(pvs, &LVS_NEW[1], bd, blen) == 0);
	CHECK(lv_place(pvs, &LVS_NEW[2], cd, clen) == 0);
	free(ad);
	free(bd);
	free(cd);

	/* 1. Both PVs assembled (the multi-disk path): newest metadata, every LV kind. */
	awp_source *s0 = NULL, *s1 = NULL;
	CHECK_OK(awp_source_open(&s0, pv0));
	CHECK_OK(awp_source_open(&s1, pv1));
	if (s0 && s1) {
		awp_disk *t = new_target();
		awp_source *const srcs[2] = {s0, s1};
		const char *const names[2] = {"xvdf", "xvdg"};
		CHECK_EQ_INT(awp_lvm_assemble(t, srcs, names, 2), 1);
		dump_warnings(t);
		CHECK_EQ_INT(awp_disk_warning_count(t), 0);
		/* Visible LVs only: lin multi str pool thin snap r1 (not _tmeta/_tdata/snapshot0). */
		CHECK_EQ_INT(count_lvm(t), 7);
		const awp_volume *v = find_vol(t, "vg0/lin", NULL);
		CHECK(v && v->size == 4 * MiB && strcmp(v->type, "linear") == 0 && !v->reason_code[0]);
		CHECK(v && strcmp(v->part_uuid, "D4XdWd-oOgj-9o4j-3wS9-Ap7V-mA8W-FVEqJM") == 0);
		CHECK(v && strcmp(v->part_name, "vg0/lin") == 0 && v->kind == AWP_VOL_LVM);
		v = find_vol(t, "vg0/multi", NULL);
		CHECK(v && v->size == 5 * MiB && strcmp(v->type, "linear") == 0); /* newest: 2 segments */
		v = find_vol(t, "vg0/str", NULL);
		CHECK(v && v->size == 4 * MiB && strcmp(v->type, "striped") == 0);
		check_bytes(t, "vg0/lin", a);
		check_bytes(t, "vg0/multi", b);
		check_bytes(t, "vg0/str", c);
		size_t idx;
		v = find_vol(t, "vg0/thin", &idx);
		CHECK(v && strcmp(v->reason_code, "lvm_thin_unsupported") == 0 && strstr(v->reason, "thin volume"));
		CHECK(v && v->size == 8 * MiB && awp_disk_volume_source(t, idx) == NULL);
		v = find_vol(t, "vg0/pool", NULL);
		CHECK(v && strcmp(v->reason_code, "lvm_thin_unsupported") == 0);
		v = find_vol(t, "vg0/snap", &idx);
		CHECK(v && strcmp(v->reason_code, "lvm_unsupported_segment") == 0 && strstr(v->reason, "snapshot"));
		CHECK(v && awp_disk_volume_source(t, idx) == NULL);
		v = find_vol(t, "vg0/r1", NULL);
		CHECK(v && strcmp(v->reason_code, "lvm_unsupported_segment") == 0 && strcmp(v->type, "raid1") == 0);
		CHECK(find_vol(t, "vg0/pool_tmeta", NULL) == NULL);
		awp_disk_free(t);

		/* Order does not matter: newest copy still wins when it comes first. */
		t = new_target();
		awp_source *const rev[2] = {s1, s0};
		CHECK_EQ_INT(awp_lvm_assemble(t, rev, NULL, 2), 1);
		v = find_vol(t, "vg0/multi", NULL);
		CHECK(v && v->size == 5 * MiB);
		awp_disk_free(t);
	}

	/* 2. One disk of the VG through awp_disk_open: its own (old) copy, the other PV missing. */
	awp_disk *d = NULL;
	if (s0)
		CHECK_OK(awp_disk_open(&d, s0));
	if (d) {
		const awp_volume *v = find_vol(d, "disk", NULL);
		CHECK(v && strcmp(v->fs_type, "LVM2_member") == 0 && strcmp(v->reason_code, "lvm_member") == 0);
		CHECK_EQ_INT(count_lvm(d), 2);
		v = find_vol(d, "vg0/lin", NULL);
		CHECK(v && strcmp(v->fs_type, "ext4") == 0 && v->readable == 1);
		v = find_vol(d, "vg0/multi", NULL);
		CHECK(v && strcmp(v->reason_code, "lvm_missing_pv") == 0 && v->size == 2 * MiB);
		CHECK(has_warning(d, "not found"));
		check_bytes(d, "vg0/lin", a);
		awp_disk_free(d);
		d = NULL;
	}
	awp_source_free(s0);
	awp_source_free(s1);

	/* 3. A single-PV VG whose metadata wraps around the end of the circular buffer. */
	{
		static const struct lvdesc root[] = {
			{"root", "RootWd-oOgj-9o4j-3wS9-Ap7V-mA8W-FVEqJM", 1, 2,
			 {{0, 2, 1, 0, {"pv0"}, {7}}, {2, 1, 1, 0, {"pv0"}, {1}}}, NULL}};
		struct textbuf *tw = malloc(sizeof *tw);
		vg_text(tw, "vgw", 3, PVU, 1, root, 1);
		CHECK(tw->len > 512); /* so that it really wraps */
		CHECK(write_pv(pvw, PVU[0], tw->buf, WRAP) == 0);
		uint64_t wlen;
		unsigned char *wd = slurp(w, &wlen);
		const char *const wp[1] = {pvw};
		CHECK(wd && lv_place(wp, &root[0], wd, wlen) == 0);
		free(wd);
		awp_source *sw = NULL;
		CHECK_OK(awp_source_open(&sw, pvw));
		if (sw && awp_disk_open(&d, sw) == 0) {
			dump_warnings(d);
			CHECK_EQ_INT(awp_disk_warning_count(d), 0);
			const awp_volume *v = find_vol(d, "vgw/root", NULL);
			CHECK(v && strcmp(v->fs_type, "ext4") == 0 && v->readable && v->size == 3 * MiB);
			check_bytes(d, "vgw/root", w);
			awp_disk_free(d);
			d = NULL;
		}
		awp_source_free(sw);

		/* 4. Damage: each variant gives warnings and no crash. */
		static const struct {
			int flags;
			const char *needle;
			int lvs;
		} dmg[] = {
			{BAD_LABEL_CRC, "label checksum", 1},  /* still used: the rest is consistent */
			{BAD_MDA_CRC, "mda_header", 1},
			{BAD_TEXT_CRC, "copy ignored", 0},
			{TEXT_TOO_LONG, "outside the area", 0},
		};
		for (size_t k = 0; k < sizeof dmg / sizeof dmg[0]; k++) {
			unlink(pvw);
			CHECK(write_pv(pvw, PVU[0], tw->buf, dmg[k].flags) == 0);
			sw = NULL;
			CHECK_OK(awp_source_open(&sw, pvw));
			if (sw && awp_disk_open(&d, sw) == 0) {
				CHECK_MSG(has_warning(d, dmg[k].needle), dmg[k].needle);
				CHECK_EQ_INT(count_lvm(d), dmg[k].lvs);
				awp_disk_free(d);
				d = NULL;
			}
			awp_source_free(sw);
		}
		/* Bad syntax (with a valid checksum) and truncated text. */
		const char *bad[] = {
			"vgw {\nid = \"x\"\nseqno = 3\nphysical_volumes {\npv0 { id = [ \"a\", }\n",
			"vgw {\nid = \"x\"\nseqno = 3\nphysical_volumes {\npv0 {\nid = \"OvsHZB",
			"vgw { id = \"x\" seqno = 3 extent_size = 8192 physical_volumes { pv0 { id = \"y\" } } "
			"logical_volumes { a { status = [\"VISIBLE\"] segment1 { start_extent = 0 extent_count = 2 "
			"type = \"striped\" stripe_count = 1 stripes = [ \"pv0\", 0 ] } } } }",
		};
		for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
			unlink(pvw);
			CHECK(write_pv(pvw, PVU[0], bad[k], 0) == 0);
			sw = NULL;
			CHECK_OK(awp_source_open(&sw, pvw));
			if (sw && awp_disk_open(&d, sw) == 0) {
				CHECK(awp_disk_warning_count(d) > 0);
				if (k < 2)
					CHECK(has_warning(d, "line"));
				else /* parsed, but the LV's PV "y" is not this disk: listed, missing */
					CHECK(find_vol(d, "vgw/a", NULL) && strcmp(find_vol(d, "vgw/a", NULL)->reason_code,
										  "lvm_missing_pv") == 0);
				awp_disk_free(d);
				d = NULL;
			}
			awp_source_free(sw);
		}
		/* A PV image cut short inside the metadata area. */
		unlink(pvw);
		CHECK(write_pv(pvw, PVU[0], tw->buf, 0) == 0);
		CHECK(truncate(pvw, 8192) == 0);
		sw = NULL;
		CHECK_OK(awp_source_open(&sw, pvw));
		if (sw && awp_disk_open(&d, sw) == 0) {
			CHECK(has_warning(d, "outside the device"));
			CHECK_EQ_INT(count_lvm(d), 0);
			awp_disk_free(d);
			d = NULL;
		}
		awp_source_free(sw);
		free(tw);
	}
	free(tnew);
	free(told);
	check_seeds();
	test_rmtree(dir);
	free(dir);
}
