/*
 * scan/scanner_secrets.c - the secrets engine (awp/secrets.h) as a file
 * visitor of awp scan: it reads each wanted file's content from the shared
 * walk, chunk by chunk, and emits the engine's findings (redacted evidence,
 * fingerprint, owning package) as secret findings.
 *
 * Suppressed findings (unmodified package files, allowlists) are not
 * reported as findings: they are counted in a coverage note. Files above
 * the size limit are counted too (wants() runs on the walking thread and is
 * the only writer of that counter; finish() reads it after the walk).
 */
#include "scan/scan_int.h"

#include <awp/secrets.h>

#include "util/error.h"
#include "util/mem.h"

#include <stdio.h>
#include <string.h>
#include <stdlib.h>

struct state {
	awp_secrets_rules *rules;
	awp_secrets_scanner *sc;
	uint64_t max_size;
	uint64_t too_large;        /* walking thread only */
	uint64_t suppressed, truncated, files;
	const char *path;          /* the file being read */
	awp_scan_sink *sink;
};

static awp_severity level(awp_secret_severity s)
{
	switch (s) {
	case AWP_SECRET_SEVERITY_CRITICAL: return AWP_SEVERITY_CRITICAL;
	case AWP_SECRET_SEVERITY_HIGH: return AWP_SEVERITY_HIGH;
	case AWP_SECRET_SEVERITY_MEDIUM: return AWP_SEVERITY_MEDIUM;
	default: return AWP_SEVERITY_LOW; /* low and info */
	}
}

static int s_open(void **out, const void *config)
{
	(void)config;
	struct state *s = awp_calloc(1, sizeof(*s));
	if (!s)
		return AWP_ENOMEM;
	awp_secrets_load_options lo = AWP_SECRETS_LOAD_OPTIONS_INIT;
	int err = awp_secrets_rules_load(&s->rules, &lo);
	if (err < 0) {
		/* no rules file: the scanner cannot run (listed as not run) */
		if (err == AWP_ENOTFOUND)
			err = awp_error_prefix(AWP_ENOTFOUND, "secret rules: ");
		free(s);
		return err;
	}
	if ((err = awp_secrets_scanner_new(&s->sc, s->rules)) < 0) {
		awp_secrets_rules_free(s->rules);
		free(s);
		return err;
	}
	s->max_size = awp_secrets_rules_max_file_size(s->rules);
	if (!s->max_size)
		s->max_size = AWP_SECRETS_DEFAULT_MAX_FILE_SIZE;
	*out = s;
	return 0;
}

static int s_wants(void *state, const awp_scan_file *f)
{
	struct state *s = state;
	if (f->st->size > s->max_size) {
		s->too_large++;
		return 0;
	}
	return f->st->size > 0;
}

static int s_wants_rest(void *state, const awp_scan_file *f, const void *head, size_t len)
{
	(void)f;
	return awp_secrets_rules_wants_rest(((const struct state *)state)->rules, head, len);
}

static int s_begin(void *state, const awp_scan_file *f)
{
	struct state *s = state;
	awp_secrets_file info = AWP_SECRETS_FILE_INIT;
	info.package = f->package;
	info.package_digest = f->package_digest;
	s->path = f->path;
	s->files++;
	return awp_secrets_file_begin(s->sc, f->path, &info);
}

static int on_finding(const awp_secret_finding *x, void *payload)
{
	struct state *s = payload;
	if (x->suppressed != AWP_SUPPRESS_NONE) {
		s->suppressed++;
		return 0;
	}
	if (!s->sink)
		return 0;
	awp_finding f;
	memset(&f, 0, sizeof f);
	f.kind = AWP_FINDING_SECRET;
	f.id = x->rule_id;
	f.severity = level(x->severity);
	f.category = x->category;
	f.title = x->title;
	f.path = x->path;
	f.line = x->line;
	f.evidence = x->redacted;
	f.fingerprint = x->fingerprint;
	f.package = x->package;
	return awp_scan_emit(s->sink, &f);
}

static int s_data(void *state, const void *buf, size_t len)
{
	struct state *s = state;
	return awp_secrets_scan_buffer(s->sc, s->path, buf, len, 0, on_finding, s);
}

static int s_end(void *state, const awp_scan_file *f, int read_error, awp_scan_sink *sink)
{
	struct state *s = state;
	(void)read_error; /* what was read is still checked; the read error is counted by the scan */
	s->sink = sink;
	int err = awp_secrets_scan_buffer(s->sc, f->path, NULL, 0, 1, on_finding, s);
	s->sink = NULL;
	s->truncated += awp_secrets_scanner_last(s->sc)->truncated;
	return err;
}

static int s_finish(void *state, awp_scan_sink *sink)
{
	struct state *s = state;
	char note[256];
	int err = 0;
	if (s->too_large) {
		snprintf(note, sizeof note, "%llu files larger than %llu MiB not scanned", (unsigned long long)s->too_large,
			 (unsigned long long)(s->max_size >> 20));
		err = awp_scan_note(sink, note);
	}
	if (err == 0 && s->suppressed) {
		snprintf(note, sizeof note, "%llu findings suppressed (unmodified package files, allowlists)",
			 (unsigned long long)s->suppressed);
		err = awp_scan_note(sink, note);
	}
	if (err == 0 && s->truncated) {
		snprintf(note, sizeof note, "%llu candidates or findings dropped at a limit", (unsigned long long)s->truncated);
		err = awp_scan_note(sink, note);
	}
	for (size_t i = 0; err == 0 && i < awp_secrets_rules_note_count(s->rules); i++)
		err = awp_scan_note(sink, awp_secrets_rules_note(s->rules, i));
	return err;
}

static void s_close(void *state)
{
	struct state *s = state;
	awp_secrets_scanner_free(s->sc);
	awp_secrets_rules_free(s->rules);
	free(s);
}

const awp_scan_file_visitor awp_scan_secrets_visitor = {
	AWP_SCAN_VISITOR_VERSION, "secret", AWP_FINDING_SECRET, s_open, s_wants, s_begin, s_data, s_end, s_finish, s_close, NULL, s_wants_rest,
};
