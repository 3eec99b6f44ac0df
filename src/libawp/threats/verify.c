/*
 * threats/verify.c - compare dpkg-owned files with their package's MD5,
 * sixteen files at a time.
 *
 * Most bytes of a Debian system are files its packages installed; the
 * tampering check has to hash every one of them with MD5 (what dpkg
 * records), and a verified file needs nothing else (it is not YARA-scanned,
 * see scan.c). So those files skip the general per-file path and come here:
 * each of AWP_MD5X_LANES lanes holds one file, read AWP_VERIFY_CHUNK bytes
 * at a time into the lane's slice of one buffer, and md5x.c advances all
 * lanes together by the smallest number of blocks any of them has left. A
 * lane that runs dry reads its file's next chunk or, at the end, pads the
 * message, and then takes the next file. With a single busy lane (the end of
 * a scan, or a CPU without AVX-512) the scalar compression runs instead.
 *
 * A verified file is not looked up in the hash lists either (scan.c); one
 * that does not verify goes back to the general path, which hashes it for
 * them. Memory: lanes x (chunk + 128) bytes.
 *
 * Invariant: every job handed in is completed through the callback exactly
 * once (by add or flush), or freed by awp_verifier_free.
 */
#include "threats/threats_int.h"

#include "util/error.h"
#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AWP_VERIFY_CHUNK (256u << 10) /* per lane read: large reads, 4 MiB for 16 lanes */
#define LANE_CAP (AWP_VERIFY_CHUNK + 128)

typedef struct lane {
	verify_job *job;
	size_t blocks;         /* blocks left in the buffer */
	uint32_t off;          /* next block: offset from v->buf */
} lane;

struct awp_verifier {
	verify_done_cb cb;
	void *payload;
	size_t nlanes;
	uint8_t *buf;          /* nlanes * LANE_CAP */
	uint32_t st[4][AWP_MD5X_LANES];
	lane lanes[AWP_MD5X_LANES];
};

void awp_verify_job_free(verify_job *j)
{
	if (!j)
		return;
	awp_file_free(j->f);
	free(j->path);
	free(j);
}

int awp_verifier_new(awp_verifier **out, verify_done_cb cb, void *payload)
{
	awp_verifier *v = awp_calloc(1, sizeof(*v));
	int err = 0;
	if (!v)
		return AWP_ENOMEM;
	v->cb = cb;
	v->payload = payload;
	v->nlanes = awp_md5x_lanes();
	/* Idle lanes are pointed at their own slice while others work, so
	 * every slice is readable: allocate all sixteen. */
	if (!(v->buf = awp_calloc(AWP_MD5X_LANES, LANE_CAP))) {
		err = AWP_ENOMEM;
		goto done;
	}
	for (size_t l = 0; l < AWP_MD5X_LANES; l++)
		v->lanes[l].off = (uint32_t)(l * LANE_CAP);
done:
	if (err < 0) {
		awp_verifier_free(v);
		return err;
	}
	*out = v;
	return 0;
}

void awp_verifier_free(awp_verifier *v)
{
	if (!v)
		return;
	for (size_t l = 0; l < AWP_MD5X_LANES; l++)
		awp_verify_job_free(v->lanes[l].job);
	free(v->buf);
	free(v);
}

/* Read the lane's next chunk (padding the message at its end). */
static void fill(awp_verifier *v, size_t l)
{
	lane *ln = &v->lanes[l];
	verify_job *j = ln->job;
	uint8_t *p = v->buf + l * LANE_CAP;
	ln->off = (uint32_t)(l * LANE_CAP);
	size_t got = 0;
	uint64_t left = j->size > j->off ? j->size - j->off : 0;
	size_t want = left < AWP_VERIFY_CHUNK ? (size_t)left : AWP_VERIFY_CHUNK;
	while (got < want) {
		size_t n = 0;
		if (awp_file_read(j->f, p + got, want - got, j->off + got, &n) < 0) {
			j->err = 1;
			snprintf(j->errmsg, sizeof j->errmsg, "%s", awp_error_last());
			ln->blocks = 0;
			return;
		}
		if (n == 0)
			break;
		got += n;
	}
	j->off += got;
	ln->blocks = got / 64;
	if (got < AWP_VERIFY_CHUNK || j->off >= j->size) {
		/* End of the file (a short read ends it too): pad in place. */
		j->eof = 1;
		ln->blocks += awp_md5_pad(p + got / 64 * 64, got % 64, j->off);
	}
}

static void lane_state(awp_verifier *v, size_t l, uint32_t s[4], int set)
{
	for (int w = 0; w < 4; w++) {
		if (set)
			v->st[w][l] = s[w];
		else
			s[w] = v->st[w][l];
	}
}

/* Start a job in free lane l. */
static void start(awp_verifier *v, size_t l, verify_job *j)
{
	uint32_t s[4];
	awp_md5_init(s);
	lane_state(v, l, s, 1);
	v->lanes[l].job = j;
	fill(v, l);
}

/* The lane's buffer is consumed: next chunk, or complete the job. */
static int advance(awp_verifier *v, size_t l)
{
	lane *ln = &v->lanes[l];
	verify_job *j = ln->job;
	if (!j->err && !j->eof) {
		fill(v, l);
		if (!j->err)
			return 0;
	}
	char md5[33] = "";
	if (!j->err) {
		uint32_t s[4];
		lane_state(v, l, s, 0);
		awp_md5_hex(s, md5);
	}
	ln->job = NULL;
	ln->blocks = 0;
	int err = v->cb(j, md5, v->payload);
	awp_verify_job_free(j);
	return err;
}

/* Hash the lanes until at least one of them is consumed and handled. */
static int step(awp_verifier *v)
{
	size_t n = SIZE_MAX, busy = 0, last = 0;
	for (size_t l = 0; l < v->nlanes; l++) {
		if (!v->lanes[l].job)
			continue;
		if (!v->lanes[l].blocks) /* read error or an empty chunk */
			return advance(v, l);
		busy++;
		last = l;
		if (v->lanes[l].blocks < n)
			n = v->lanes[l].blocks;
	}
	if (!busy)
		return 0;
	if (busy == 1) {
		uint32_t s[4];
		lane_state(v, last, s, 0);
		awp_md5_blocks(s, v->buf + v->lanes[last].off, v->lanes[last].blocks);
		lane_state(v, last, s, 1);
		v->lanes[last].blocks = 0;
		return advance(v, last);
	}
	uint32_t off[AWP_MD5X_LANES];
	for (size_t l = 0; l < AWP_MD5X_LANES; l++)
		off[l] = v->lanes[l].job ? v->lanes[l].off : (uint32_t)(l * LANE_CAP);
	awp_md5x_blocks(v->st, v->buf, off, n);
	int err = 0;
	for (size_t l = 0; l < v->nlanes && err >= 0; l++) {
		lane *ln = &v->lanes[l];
		if (!ln->job)
			continue;
		ln->blocks -= n;
		ln->off += (uint32_t)(n * 64);
		if (!ln->blocks)
			err = advance(v, l);
	}
	return err;
}

int awp_verifier_add(awp_verifier *v, verify_job *j)
{
	int err = 0;
	for (;;) {
		for (size_t l = 0; l < v->nlanes; l++) {
			if (!v->lanes[l].job) {
				start(v, l, j);
				return 0;
			}
		}
		if ((err = step(v)) < 0) {
			awp_verify_job_free(j);
			return err;
		}
	}
}

int awp_verifier_flush(awp_verifier *v)
{
	for (;;) {
		int busy = 0;
		for (size_t l = 0; l < v->nlanes; l++)
			busy |= v->lanes[l].job != NULL;
		if (!busy)
			return 0;
		int err = step(v);
		if (err < 0)
			return err;
	}
}
