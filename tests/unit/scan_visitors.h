/*
 * tests/unit/scan_visitors.h - synthetic content scanners for tests: a
 * "secret" visitor that finds AWS-style access key ids (AKIA + 16 upper-case
 * letters/digits) and a "threat" visitor that finds the EICAR test string.
 * They exercise the visitor interface exactly as the real modules will:
 * chunked content (matches may straddle chunks), line numbers, redacted
 * evidence, fingerprints, emitting through the sink. Never built into awp.
 */
#ifndef AWP_TEST_SCAN_VISITORS_H
#define AWP_TEST_SCAN_VISITORS_H

#include <awp/scan.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TV_MAX_FILES 256

struct tv_state {
	const char *needle;      /* fixed prefix to look for */
	size_t tail;             /* bytes after the prefix that belong to the match */
	char carry[128];         /* end of the previous chunk */
	size_t ncarry;
	uint64_t line, offset, bytes;
	/* matches of the current file */
	uint64_t hit_line[16];
	char hit[16][64];
	size_t nhit;
	/* what the visitor saw, for the tests */
	char files[TV_MAX_FILES][256];
	uint64_t sizes[TV_MAX_FILES];
	size_t nfiles;
	int finished;
};

static int tv_open(void **state, const void *config)
{
	struct tv_state *s = calloc(1, sizeof(*s));
	if (!s)
		return AWP_ENOMEM;
	s->needle = config;
	s->tail = strcmp(s->needle, "AKIA") == 0 ? 16 : 0;
	*state = s;
	return 0;
}

static int tv_wants(void *state, const awp_scan_file *f)
{
	(void)state;
	return f->st->size <= (64u << 20);
}

static int tv_begin(void *state, const awp_scan_file *f)
{
	struct tv_state *s = state;
	s->ncarry = 0;
	s->line = 1;
	s->offset = s->bytes = 0;
	s->nhit = 0;
	if (s->nfiles < TV_MAX_FILES)
		snprintf(s->files[s->nfiles], sizeof s->files[0], "%s:%s", f->volume, f->path);
	return 0;
}

static int tv_valid_tail(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9')))
			return 0;
	return 1;
}

/* Scan carry + chunk; lines are counted on the chunk only (carry was counted). */
static int tv_data(void *state, const void *buf, size_t len)
{
	struct tv_state *s = state;
	size_t nl = strlen(s->needle), need = nl + s->tail;
	size_t total = s->ncarry + len;
	char *w = malloc(total + 1);
	if (!w)
		return AWP_ENOMEM;
	memcpy(w, s->carry, s->ncarry);
	memcpy(w + s->ncarry, buf, len);
	/* line of position i in w: line at start of carry + newlines before i */
	uint64_t line = s->line;
	for (size_t i = 0; i < s->ncarry; i++)
		if (w[i] == '\n')
			line--; /* carry's newlines are already counted in s->line */
	for (size_t i = 0; i + need <= total; i++) {
		if (w[i] == '\n')
			line++;
		if (memcmp(w + i, s->needle, nl) != 0 || !tv_valid_tail(w + i + nl, s->tail))
			continue;
		if (i + need <= s->ncarry)
			continue; /* reported with the previous chunk */
		if (s->nhit < 16) {
			s->hit_line[s->nhit] = line;
			snprintf(s->hit[s->nhit], sizeof s->hit[0], "%.*s", (int)need, w + i);
			s->nhit++;
		}
	}
	for (size_t i = 0; i < len; i++)
		if (((const char *)buf)[i] == '\n')
			s->line++;
	s->bytes += len;
	size_t keep = need > 1 ? need - 1 : 0;
	if (keep > total)
		keep = total;
	memcpy(s->carry, w + total - keep, keep);
	s->ncarry = keep;
	free(w);
	return 0;
}

static int tv_end(void *state, const awp_scan_file *f, int read_error, awp_scan_sink *sink)
{
	struct tv_state *s = state;
	if (s->nfiles < TV_MAX_FILES)
		s->sizes[s->nfiles++] = s->bytes;
	if (read_error)
		return 0;
	for (size_t i = 0; i < s->nhit; i++) {
		awp_finding x;
		memset(&x, 0, sizeof x);
		char ev[64], fp[64];
		unsigned long h = 5381;
		for (const char *p = s->hit[i]; *p; p++)
			h = h * 33 + (unsigned char)*p;
		if (s->tail) {
			snprintf(ev, sizeof ev, "%.4s****************", s->hit[i]);
			snprintf(fp, sizeof fp, "fp1:%016lx", h);
			x.id = "aws-access-key-id";
			x.severity = AWP_SEVERITY_CRITICAL;
			x.category = "cloud";
			x.title = "AWS access key id";
			x.fingerprint = fp;
			x.evidence = ev;
		} else {
			x.id = "eicar-test-file";
			x.severity = AWP_SEVERITY_MEDIUM;
			x.category = "test-file";
			x.title = "EICAR <test> \"file\"";
			x.evidence = "EICAR-STANDARD-ANTIVIRUS-TEST-FILE";
			x.remediation = "delete it; it is harmless but should not be on a server";
		}
		x.path = f->path;
		x.line = s->hit_line[i];
		x.package = f->package;
		int err = awp_scan_emit(sink, &x);
		if (err < 0)
			return err;
	}
	return 0;
}

static int tv_finish(void *state, awp_scan_sink *sink)
{
	struct tv_state *s = state;
	s->finished = 1;
	char note[64];
	snprintf(note, sizeof note, "%zu files scanned", s->nfiles);
	return awp_scan_note(sink, note);
}

static struct tv_state *tv_last_secret, *tv_last_threat;

static void tv_close(void *state)
{
	/* kept for the test to inspect; freed by tv_reset() */
	struct tv_state *s = state;
	if (s->tail) {
		free(tv_last_secret);
		tv_last_secret = s;
	} else {
		free(tv_last_threat);
		tv_last_threat = s;
	}
}

static void tv_reset(void)
{
	free(tv_last_secret);
	free(tv_last_threat);
	tv_last_secret = tv_last_threat = NULL;
}

/* Like a text scanner: the rest of a file whose head holds a NUL is not needed. */
static int tv_text_only(void *state, const awp_scan_file *f, const void *head, size_t len)
{
	(void)state, (void)f;
	return memchr(head, 0, len) == NULL;
}
static const awp_scan_file_visitor tv_secret = {AWP_SCAN_VISITOR_VERSION, "secret", AWP_FINDING_SECRET, tv_open, tv_wants,
						tv_begin, tv_data, tv_end, tv_finish, tv_close, "AKIA", NULL};
static const awp_scan_file_visitor tv_secret_text = {AWP_SCAN_VISITOR_VERSION, "secret", AWP_FINDING_SECRET, tv_open,
						     tv_wants, tv_begin, tv_data, tv_end, tv_finish, tv_close, "AKIA",
						     tv_text_only};
static const awp_scan_file_visitor tv_threat = {
	AWP_SCAN_VISITOR_VERSION, "threat", AWP_FINDING_THREAT, tv_open, tv_wants, tv_begin, tv_data, tv_end, tv_finish,
	tv_close, "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*", NULL};

#endif
