/*
 * Backing chains at their limits: a chain of 16 qcow2 overlays reads back
 * exactly; one more link is refused (AWP_ELIMIT); a backing file named by an
 * absolute path works; a backing format extension saying "raw" is honoured
 * even when the backing file carries a qcow2 header.
 */
#include "harness.h"
#include "fscompare.h"

#include <awp/source.h>

#include <stdlib.h>
#include <string.h>

static int read_byte(const char *path, uint64_t off, unsigned char *out)
{
	awp_source *s = NULL;
	int err = awp_source_open(&s, path);
	if (err == 0) {
		err = awp_source_read(s, out, 1, off);
		awp_source_free(s);
	}
	return err;
}

void test_main(void)
{
	char *dir = test_tmpdir();
	CHECK(dir != NULL);
	/* c0 is the base; c<i> overlays c<i-1> and writes byte i at i MiB. */
	CHECK(test_sh("cd %s && qemu-img create -q -f qcow2 c0.qcow2 32M && "
		      "for i in $(seq 1 17); do qemu-img create -q -f qcow2 -b c$((i-1)).qcow2 -F qcow2 c$i.qcow2 && "
		      "qemu-io -c \"write -P $i ${i}M 4k\" c$i.qcow2 >/dev/null || exit 1; done", dir) == 0);
	char p[4096];
	unsigned char b = 0;
	snprintf(p, sizeof p, "%s/c16.qcow2", dir); /* 16 backing files below it */
	CHECK_OK(read_byte(p, 3u << 20, &b));
	CHECK_EQ_INT(b, 3);
	CHECK_OK(read_byte(p, 16u << 20, &b));
	CHECK_EQ_INT(b, 16);
	CHECK_OK(read_byte(p, 20u << 20, &b));
	CHECK_EQ_INT(b, 0);
	snprintf(p, sizeof p, "%s/c17.qcow2", dir);
	awp_source *s = NULL;
	int err = awp_source_open(&s, p);
	CHECK_EQ_INT(err, AWP_ELIMIT);
	CHECK_MSG(strstr(awp_error_last(), "deeper") != NULL, awp_error_last());
	if (err == 0)
		awp_source_free(s);

	/* Absolute backing path, opened from another directory. */
	CHECK(test_sh("cd %s && mkdir -p sub && qemu-img create -q -f qcow2 -b %s/c3.qcow2 -F qcow2 sub/abs.qcow2 && "
		      "qemu-io -c 'write -P 0x99 0 512' sub/abs.qcow2 >/dev/null", dir, dir) == 0);
	snprintf(p, sizeof p, "%s/sub/abs.qcow2", dir);
	CHECK_OK(read_byte(p, 2u << 20, &b));
	CHECK_EQ_INT(b, 2);
	CHECK_OK(read_byte(p, 0, &b));
	CHECK_EQ_INT(b, 0x99);

	/* Backing format "raw" over a file that starts with a qcow2 header:
	 * the raw bytes (the header itself) must show through. */
	CHECK(test_sh("cd %s && cp c0.qcow2 looks-qcow2.raw && "
		      "qemu-img create -q -f qcow2 -b looks-qcow2.raw -F raw over.qcow2 1M", dir) == 0);
	snprintf(p, sizeof p, "%s/over.qcow2", dir);
	CHECK_OK(read_byte(p, 0, &b));
	CHECK_EQ_INT(b, 'Q');
	test_rmtree(dir);
	free(dir);
}
