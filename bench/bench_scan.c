/*
 * bench/bench_scan.c - the content pipeline of `awp scan` with a stand-in
 * content scanner, to measure what the secrets/threats modules will pay for
 * reading every file once, and whether the content thread pays off.
 *
 * The stand-in visitor wants every regular file up to 64 MiB and does
 * per-byte work of a fast matcher (a 256-entry histogram, ~1-2 GB/s, the
 * order of Hyperscan's 0.9-1.2 GB/s in docs/benchmarks), so the time split
 * between reading (walk thread) and scanning (content thread) is realistic.
 *
 * usage: bench_scan TARGET [THREADS...]   (default: 1 2; best of 3 each)
 */
#include <awp/scan.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct st {
	uint64_t hist[256];
	uint64_t files;
};

/* Passes of per-byte work per chunk ($BENCH_SCAN_PASSES, default 1): 0 reads
 * only, 4 is about a 10-rule YARA scan's cost. */
static int passes = 1;

static int v_open(void **state, const void *config)
{
	(void)config;
	*state = calloc(1, sizeof(struct st));
	return *state ? 0 : AWP_ENOMEM;
}

static int v_wants(void *state, const awp_scan_file *f)
{
	(void)state;
	return f->st->size <= (64u << 20);
}

static int v_data(void *state, const void *buf, size_t len)
{
	struct st *s = state;
	const unsigned char *p = buf;
	for (int k = 0; k < passes; k++)
		for (size_t i = 0; i < len; i++)
			s->hist[(unsigned char)(p[i] + k)]++;
	return 0;
}

static int v_end(void *state, const awp_scan_file *f, int read_error, awp_scan_sink *sink)
{
	(void)f, (void)read_error, (void)sink;
	((struct st *)state)->files++;
	return 0;
}

static void v_close(void *state) { free(state); }

static const awp_scan_file_visitor visitor = {AWP_SCAN_VISITOR_VERSION, "secret", AWP_FINDING_SECRET, v_open, v_wants,
					       NULL, v_data, v_end, NULL, v_close, NULL, NULL};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_scan TARGET [THREADS...]\n");
		return 2;
	}
	int modes[8] = {1, 2}, nmodes = 2;
	if (argc > 2) {
		nmodes = 0;
		for (int i = 2; i < argc && nmodes < 8; i++)
			modes[nmodes++] = atoi(argv[i]);
	}
	const char *env = getenv("BENCH_SCAN_PASSES");
	if (env)
		passes = atoi(env);
	const awp_scan_file_visitor *v[] = {&visitor};
	for (int m = 0; m < nmodes; m++) {
		double best = 1e9;
		awp_scan_stats st = {0};
		for (int rep = 0; rep < 3; rep++) {
			awp_scan_options o = AWP_SCAN_OPTIONS_INIT;
			o.scanners = AWP_SCANNER_SECRET;
			o.visitors = v;
			o.visitor_count = 1;
			o.threads = modes[m];
			awp_scan_result *r = NULL;
			double t0 = now();
			if (awp_scan_run(&r, argv[1], &o) < 0) {
				fprintf(stderr, "bench_scan: %s\n", awp_error_last());
				return 1;
			}
			double t = now() - t0;
			if (t < best) {
				best = t;
				st = *awp_scan_result_stats(r);
			}
			awp_scan_result_free(r);
		}
		printf("content pipeline (%d pass%s), %d thread%s: %.3f s, %llu files walked, %llu files / %.1f MiB read, %.0f MiB/s\n",
		       passes, passes == 1 ? "" : "es", st.threads, st.threads == 1 ? "" : "s", best, (unsigned long long)st.files,
		       (unsigned long long)st.content_files, (double)st.content_bytes / 1048576.0,
		       (double)st.content_bytes / 1048576.0 / best);
	}
	return 0;
}
