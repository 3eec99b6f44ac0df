/*
 * bench/bench_fs.c - disk-reading layer throughput against `cat IMAGE`.
 *
 * usage: bench_fs IMAGE [VOLUME]
 *
 * Measures, in one run and on one core:
 *   1. baseline: `cat IMAGE > /dev/null` (warm cache: run once before timing)
 *   2. awp: walk the root filesystem and read every regular file's content
 *   3. awp: metadata-only walk (names, sizes, modes)
 * and prints throughputs, the ratio of (2) to (1) and peak memory.
 * Throughput of awp is file-content bytes per second; of cat, bytes of the
 * image file per second (what the target compares).
 */
#include <awp/target.h>
#include <awp/walk.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct totals {
	uint64_t files, entries, bytes;
	char *buf;
	int read_content;
};

enum { CHUNK = 1 << 20 };

static int cb(awp_fs *fs, const awp_walk_entry *e, void *payload)
{
	struct totals *t = payload;
	t->entries++;
	if (e->st.type != AWP_FT_REG || e->hardlink_repeat)
		return 0;
	t->files++;
	if (!t->read_content)
		return 0;
	awp_file *f = NULL;
	if (awp_file_open(&f, fs, e->st.ino) < 0) {
		fprintf(stderr, "bench: %s\n", awp_error_last());
		return 0;
	}
	uint64_t off = 0;
	for (;;) {
		size_t n = 0;
		if (awp_file_read(f, t->buf, CHUNK, off, &n) < 0) {
			fprintf(stderr, "bench: %s\n", awp_error_last());
			break;
		}
		if (n == 0)
			break;
		off += n;
	}
	t->bytes += off;
	awp_file_free(f);
	return 0;
}

static double time_cat(const char *image)
{
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "cat '%s' > /dev/null", image);
	double t0 = now();
	if (system(cmd) != 0)
		return -1;
	return now() - t0;
}

static double best_of(int n, double (*fn)(const char *), const char *arg)
{
	double best = 1e30;
	for (int i = 0; i < n; i++) {
		double t = fn(arg);
		if (t >= 0 && t < best)
			best = t;
	}
	return best;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_fs IMAGE [VOLUME]\n");
		return 2;
	}
	const char *image = argv[1];
	awp_target *tg = NULL;
	if (awp_target_open(&tg, image) < 0) {
		fprintf(stderr, "bench: %s\n", awp_error_last());
		return 3;
	}
	awp_fs *fs = awp_target_pick_fs(tg, argc > 2 ? argv[2] : NULL);
	if (!fs) {
		fprintf(stderr, "bench: %s\n", awp_error_last());
		return 3;
	}
	/* cat reads the file's bytes (a qcow2 is smaller than its virtual disk). */
	struct stat sb;
	uint64_t image_bytes = stat(image, &sb) == 0 ? (uint64_t)sb.st_size : awp_source_size(awp_target_source(tg));
	time_cat(image); /* warm the page cache */
	double cat_s = best_of(3, time_cat, image);

	struct totals full = {.buf = malloc(CHUNK), .read_content = 1};
	struct totals meta = {.read_content = 0};
	double best_full = 1e30, best_meta = 1e30;
	for (int i = 0; i < 3; i++) {
		full.files = full.entries = full.bytes = 0;
		double t0 = now();
		awp_fs_walk(fs, NULL, cb, &full);
		double t = now() - t0;
		if (t < best_full)
			best_full = t;
		meta.files = meta.entries = 0;
		t0 = now();
		awp_fs_walk(fs, NULL, cb, &meta);
		t = now() - t0;
		if (t < best_meta)
			best_meta = t;
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double cat_mbs = (double)image_bytes / cat_s / 1e6;
	double awp_mbs = (double)full.bytes / best_full / 1e6;
	printf("image:              %s (%s, %.1f MB)\n", image, awp_target_format(tg), (double)image_bytes / 1e6);
	printf("filesystem:         %s, %llu entries, %llu regular files, %.1f MB content\n",
	       awp_fs_info_get(fs)->type, (unsigned long long)full.entries, (unsigned long long)full.files,
	       (double)full.bytes / 1e6);
	printf("cat IMAGE:          %.3f s  %.0f MB/s\n", cat_s, cat_mbs);
	printf("awp walk+read all:  %.3f s  %.0f MB/s\n", best_full, awp_mbs);
	printf("ratio (awp / cat):  %.2f   (target >= 0.80)\n", awp_mbs / cat_mbs);
	printf("awp metadata walk:  %.4f s   (target < 0.5 s)\n", best_meta);
	printf("peak memory (RSS):  %.1f MiB (target < 128 MiB)\n", (double)ru.ru_maxrss / 1024.0);
	free(full.buf);
	awp_target_free(tg);
	return 0;
}
