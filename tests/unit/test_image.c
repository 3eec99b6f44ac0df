/*
 * Image backends: a raw file with a data pattern is converted with qemu-img
 * to every format awp reads (qcow2 v2/v3, compressed qcow2, qcow2 with a
 * backing chain of qcow2 and raw files, vmdk sparse and streamOptimized,
 * vmdk descriptor + flat extent, vhd fixed/dynamic, vhdx), and every byte
 * read through awp_source_open is compared to the expected raw bytes.
 * Also: zstd qcow2 and encrypted qcow2 are refused as unsupported, truncated
 * images fail cleanly, backing loops are caught.
 */
#include "harness.h"
#include "fscompare.h"

#include <awp/source.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MiB (1024 * 1024)

static char *dir;

static char *path_of(const char *name)
{
	static char buf[4][4096];
	static int slot;
	char *p = buf[slot++ & 3];
	snprintf(p, 4096, "%s/%s", dir, name);
	return p;
}

/* Compare the whole virtual disk of `img` to the raw file `raw`, reading in
 * odd-sized chunks so that reads straddle cluster and grain boundaries. */
static void compare(const char *img, const char *raw, const char *format)
{
	awp_source *src = NULL;
	int err = awp_source_open(&src, path_of(img));
	char d[600];
	snprintf(d, sizeof d, "%s: %d %s", img, err, awp_error_last());
	CHECK_MSG(err == 0, d);
	if (err)
		return;
	CHECK_EQ_STR(awp_source_format(src), format);
	int fd = open(path_of(raw), O_RDONLY);
	CHECK(fd >= 0);
	off_t rsize = lseek(fd, 0, SEEK_END);
	snprintf(d, sizeof d, "%s: size %llu, raw %llu", img, (unsigned long long)awp_source_size(src),
		 (unsigned long long)rsize);
	CHECK_MSG(awp_source_size(src) == (uint64_t)rsize, d);
	if (awp_source_size(src) != (uint64_t)rsize)
		rsize = 0;
	const size_t chunk = 300007;
	char *a = malloc(chunk), *b = malloc(chunk);
	uint64_t diffs = 0, off = 0;
	while (off < (uint64_t)rsize && fd >= 0) {
		size_t n = (uint64_t)rsize - off < chunk ? (size_t)((uint64_t)rsize - off) : chunk;
		if (pread(fd, a, n, (off_t)off) != (ssize_t)n)
			break;
		err = awp_source_read(src, b, n, off);
		if (err) {
			snprintf(d, sizeof d, "%s: read at %llu: %s", img, (unsigned long long)off, awp_error_last());
			CHECK_MSG(0, d);
			break;
		}
		if (memcmp(a, b, n) != 0)
			diffs++;
		off += n;
	}
	snprintf(d, sizeof d, "%s: %llu chunks differ", img, (unsigned long long)diffs);
	CHECK_MSG(diffs == 0 && off == (uint64_t)rsize, d);
	/* A read past the end is refused by the core. */
	if (rsize > 0)
		CHECK_EQ_INT(awp_source_read(src, a, 2, (uint64_t)rsize - 1), AWP_ECORRUPT);
	free(a);
	free(b);
	if (fd >= 0)
		close(fd);
	awp_source_free(src);
}

static void expect_fail(const char *img, int code, const char *needle)
{
	awp_source *src = NULL;
	int err = awp_source_open(&src, path_of(img));
	char d[1200];
	snprintf(d, sizeof d, "%s: got %d (%s), want %d with \"%s\"", img, err, awp_error_last(), code, needle);
	CHECK_MSG(err == code && strstr(awp_error_last(), needle) != NULL, d);
	if (err == 0)
		awp_source_free(src);
}

void test_main(void)
{
	dir = test_tmpdir();
	CHECK(dir != NULL);
	/* 24 MiB: random data, a zero hole, a repeated pattern, random tail. */
	CHECK(test_sh("cd %s && head -c %d /dev/urandom > base.raw && truncate -s %d base.raw && "
		      "yes 'awp image test pattern 0123456789' | head -c %d >> base.raw && "
		      "head -c %d /dev/urandom >> base.raw && truncate -s %d base.raw",
		      dir, 6 * MiB, 10 * MiB, 6 * MiB, 4 * MiB, 24 * MiB) == 0);
	CHECK(test_sh("cd %s && qemu-img convert -O qcow2 -o compat=0.10 base.raw v2.qcow2 && "
		      "qemu-img convert -O qcow2 base.raw v3.qcow2 && "
		      "qemu-img convert -O qcow2 -o cluster_size=4096 base.raw small-cluster.qcow2 && "
		      "qemu-img convert -c -O qcow2 base.raw comp.qcow2 && "
		      "qemu-img convert -O vmdk base.raw sparse.vmdk && "
		      "qemu-img convert -O vmdk -o subformat=streamOptimized base.raw stream.vmdk && "
		      "qemu-img convert -O vmdk -o subformat=monolithicFlat base.raw flat.vmdk && "
		      "qemu-img convert -O vmdk -o subformat=twoGbMaxExtentSparse base.raw split.vmdk && "
		      "qemu-img convert -O vpc -o subformat=fixed,force_size=on base.raw fixed.vhd && "
		      "qemu-img convert -O vpc -o subformat=dynamic,force_size=on base.raw dyn.vhd && "
		      "qemu-img convert -O vhdx base.raw dyn.vhdx && "
		      "qemu-img convert -O vhdx -o subformat=fixed base.raw fixed.vhdx",
		      dir) == 0);
	compare("v2.qcow2", "base.raw", "qcow2");
	compare("v3.qcow2", "base.raw", "qcow2");
	compare("small-cluster.qcow2", "base.raw", "qcow2");
	compare("comp.qcow2", "base.raw", "qcow2");
	compare("sparse.vmdk", "base.raw", "vmdk");
	compare("stream.vmdk", "base.raw", "vmdk");
	compare("flat.vmdk", "base.raw", "vmdk");
	compare("split.vmdk", "base.raw", "vmdk");
	compare("fixed.vhd", "base.raw", "vhd");
	compare("dyn.vhd", "base.raw", "vhd");
	compare("dyn.vhdx", "base.raw", "vhdx");
	compare("fixed.vhdx", "base.raw", "vhdx");

	/* Backing chains: qcow2 <- qcow2 <- qcow2 (v2 in the middle), and a raw
	 * backing file; the overlays are written with qemu-io, the expected
	 * bytes are made by applying the same writes to a copy of the raw file.
	 * The overlay is also bigger than its backing file (zeros past its end). */
	CHECK(test_sh("cd %s && mkdir -p chain && cp v3.qcow2 chain/base.qcow2 && cd chain && "
		      "qemu-img create -q -f qcow2 -b base.qcow2 -F qcow2 mid.qcow2 && "
		      "qemu-io -c 'write -P 0xab 1M 64k' -c 'write -P 0x11 10M 4k' mid.qcow2 >/dev/null && "
		      "qemu-img create -q -f qcow2 -o compat=0.10 -b mid.qcow2 -F qcow2 top.qcow2 26M && "
		      "qemu-io -c 'write -P 0xcd 1040k 100k' -c 'write -z 3M 128k' -c 'write -P 0x5a 25M 4k' "
		      "top.qcow2 >/dev/null && "
		      "qemu-img create -q -f qcow2 -b ../base.raw -F raw over-raw.qcow2 && "
		      "qemu-io -c 'write -P 0xee 5M 1M' -c 'write -z 12M 64k' over-raw.qcow2 >/dev/null && "
		      "qemu-img convert -O raw mid.qcow2 ../mid.raw && "
		      "qemu-img convert -O raw top.qcow2 ../top.raw && "
		      "qemu-img convert -O raw over-raw.qcow2 ../over-raw.raw", dir) == 0);
	compare("chain/mid.qcow2", "mid.raw", "qcow2");
	compare("chain/top.qcow2", "top.raw", "qcow2");
	compare("chain/over-raw.qcow2", "over-raw.raw", "qcow2");
	/* A vmdk delta disk over its parent (parentFileNameHint). */
	CHECK(test_sh("cd %s/chain && cp ../sparse.vmdk parent.vmdk && "
		      "qemu-img create -q -f vmdk -b parent.vmdk -F vmdk delta.vmdk && "
		      "qemu-io -f vmdk -c 'write -P 0x77 2M 192k' delta.vmdk >/dev/null && "
		      "qemu-img convert -O raw delta.vmdk ../delta.raw", dir) == 0);
	compare("chain/delta.vmdk", "delta.raw", "vmdk");
	/* A renamed monolithicSparse / streamOptimized file (its embedded
	 * descriptor still names the old file). */
	CHECK(test_sh("cd %s && cp sparse.vmdk renamed-sparse.vmdk && cp stream.vmdk renamed-stream.vmdk", dir) == 0);
	compare("renamed-sparse.vmdk", "base.raw", "vmdk");
	compare("renamed-stream.vmdk", "base.raw", "vmdk");

	/* Refusals with a clear reason, never a crash. */
	CHECK(test_sh("cd %s && qemu-img convert -c -O qcow2 -o compression_type=zstd base.raw zstd.qcow2 && "
		      /* crypt_method = 2 (LUKS) patched into a plain header: creating a
		       * real LUKS image spends seconds in PBKDF benchmarks. */
		      "cp v3.qcow2 enc.qcow2 && printf '\\000\\000\\000\\002' | "
		      "dd of=enc.qcow2 bs=1 seek=32 conv=notrunc status=none && "
		      "qemu-img create -q -f qcow2 -b loop2.qcow2 -F qcow2 -u loop1.qcow2 1M && "
		      "qemu-img create -q -f qcow2 -b loop1.qcow2 -F qcow2 -u loop2.qcow2 1M && "
		      "qemu-img create -q -f qcow2 -b missing.qcow2 -F qcow2 -u orphan.qcow2 1M",
		      dir) == 0);
	expect_fail("zstd.qcow2", AWP_EUNSUPPORTED, "zstd");
	expect_fail("enc.qcow2", AWP_EUNSUPPORTED, "encrypted");
	expect_fail("loop1.qcow2", AWP_ELIMIT, "loop");
	expect_fail("orphan.qcow2", AWP_ENOTFOUND, "missing.qcow2");

	/* Truncated images: open or read fails cleanly. */
	static const char *const trunc[] = {"v3.qcow2", "comp.qcow2", "sparse.vmdk", "stream.vmdk", "dyn.vhd", "dyn.vhdx"};
	for (size_t i = 0; i < sizeof trunc / sizeof trunc[0]; i++) {
		for (int keep = 0; keep < 3; keep++) {
			static const long sizes[] = {100, 70000, 3 * MiB};
			CHECK(test_sh("cd %s && head -c %ld %s > t_%s", dir, sizes[keep], trunc[i], trunc[i]) == 0);
			char name[128];
			snprintf(name, sizeof name, "t_%s", trunc[i]);
			awp_source *src = NULL;
			int err = awp_source_open(&src, path_of(name));
			if (err == 0) {
				/* Opened: reading everything must fail or return data, never crash. */
				char *buf = malloc(MiB);
				int rerr = 0;
				for (uint64_t off = 0; off < awp_source_size(src) && rerr == 0; off += MiB) {
					size_t n = awp_source_size(src) - off < MiB ? (size_t)(awp_source_size(src) - off) : MiB;
					rerr = awp_source_read(src, buf, n, off);
				}
				free(buf);
				awp_source_free(src);
			} else {
				CHECK_MSG(strstr(awp_error_last(), name) != NULL, awp_error_last());
			}
		}
	}
	test_rmtree(dir);
	free(dir);
}
