/*
 * secrets/scan.c - one scanner per thread: Hyperscan over windows of a
 * file's content, then each candidate through extraction and checks.
 *
 * Windows. Hyperscan block mode runs on a window = the overlap kept from the
 * previous window + the new chunk (the first window of a file is scanned in
 * the caller's buffer without a copy). In absolute file offsets, a window
 * covers [wstart, wend); candidates whose match end lies in
 * (committed, limit] are checked, limit = wend - LOOKAHEAD (wend for the
 * last window) so that extraction always sees LOOKAHEAD bytes after a match
 * end and LOOKBACK bytes before it, whatever the chunking: results (and so
 * fingerprints) do not depend on chunk sizes. The next window starts at
 * limit - LOOKBACK, so any match no longer than LOOKBACK that ends after
 * limit is seen whole by the next window.
 *
 * Lines are counted lazily: only up to a finding, or up to the start of the
 * kept overlap when a window is dropped (checkpoint `cp`; `base` is the
 * window start, used when a finding lies before cp).
 *
 * Findings of a file are kept until its end (package ownership is decided by
 * the content digest, known only then) and never hold the secret itself.
 */
#include "secrets/secrets_int.h"

#include "util/crypto_dl.h"
#include "util/error.h"
#include "util/mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct lpos {
	uint64_t pos;     /* absolute offset */
	uint64_t line;    /* 1-based line of pos */
	int64_t last_nl;  /* absolute offset of the last '\n' before pos, -1 */
};

struct ifinding {
	unsigned rule;
	uint64_t line, column, end_line, offset, span_end;
	char redacted[16];
	char fingerprint[40];
};

struct awp_secrets_scanner {
	const awp_secrets_rules *r;
	hs_scratch_t *scratch;
	pcre2_match_data *md;
	/* current file */
	int in_file;
	char *path;
	char *package;
	int suppress_file;      /* package_unmodified from the caller */
	EVP_MD_CTX *hash;
	char want_digest[140];  /* lowercase hex the package database recorded */
	int binary;
	int checked_binary;
	int full;               /* path matches a rule's path filter: all rules run */
	uint64_t total;         /* bytes received */
	/* window */
	char *buf;
	size_t len, cap;
	const char *win;        /* buf or the caller's chunk */
	size_t win_len;
	uint64_t wstart, committed, limit;
	struct lpos base, cp;
	uint64_t *last_end;     /* per rule: end of the last extraction (abs) */
	unsigned char *path_ok; /* per rule: 0 not checked yet, 1 passes, 2 fails */
	size_t ncand;
	/* findings of the file */
	struct ifinding *f;
	size_t nf, fcap;
	awp_secrets_file_result last;
	size_t truncated;
	int stop;
};

AWP_EXTERN int awp_secrets_scanner_new(awp_secrets_scanner **out, const awp_secrets_rules *r)
{
	*out = NULL;
	awp_secrets_scanner *s = awp_calloc(1, sizeof(*s));
	if (!s)
		return AWP_ENOMEM;
	s->r = r;
	int err = 0;
	if ((r->db && hs_alloc_scratch(r->db, &s->scratch) != HS_SUCCESS) ||
	    (r->db_full && hs_alloc_scratch(r->db_full, &s->scratch) != HS_SUCCESS) ||
	    (r->db_bin && hs_alloc_scratch(r->db_bin, &s->scratch) != HS_SUCCESS)) {
		err = awp_error_set(AWP_ENOMEM, "secrets: cannot allocate Hyperscan scratch");
		goto fail;
	}
	s->md = pcre2_match_data_create(r->max_groups + 2, NULL);
	s->last_end = awp_calloc(r->n, sizeof(*s->last_end));
	s->path_ok = awp_calloc(r->n, 1);
	if (!s->md || !s->last_end || !s->path_ok) {
		err = awp_error_set(AWP_ENOMEM, "secrets: out of memory");
		goto fail;
	}
	*out = s;
	return 0;
fail:
	awp_secrets_scanner_free(s);
	return err;
}

static void file_reset(awp_secrets_scanner *s)
{
	free(s->path);
	free(s->package);
	s->path = s->package = NULL;
	if (s->hash) {
		EVP_MD_CTX_free(s->hash);
		s->hash = NULL;
	}
	if (s->buf && s->len)
		OPENSSL_cleanse(s->buf, s->len);
	s->len = 0;
	s->in_file = 0;
	s->nf = 0;
}

AWP_EXTERN void awp_secrets_scanner_free(awp_secrets_scanner *s)
{
	if (!s)
		return;
	file_reset(s);
	hs_free_scratch(s->scratch);
	pcre2_match_data_free(s->md);
	free(s->buf);
	free(s->last_end);
	free(s->path_ok);
	free(s->f);
	free(s);
}

int awp_secrets_scanner_skipping(const awp_secrets_scanner *s)
{
	return s->in_file && s->binary && !s->r->db_bin;
}

const awp_secrets_rules *awp_secrets_scanner_rules(const awp_secrets_scanner *s)
{
	return s->r;
}

void awp_secrets_scanner_abort(awp_secrets_scanner *s)
{
	file_reset(s);
}

AWP_EXTERN const awp_secrets_file_result *awp_secrets_scanner_last(const awp_secrets_scanner *s)
{
	return &s->last;
}

AWP_EXTERN int awp_secrets_file_begin(awp_secrets_scanner *s, const char *path, const awp_secrets_file *info)
{
	file_reset(s);
	const awp_secrets_rules *r = s->r;
	if (!(s->path = awp_strdup(path ? path : "")))
		return AWP_ENOMEM;
	s->in_file = 1;
	s->binary = s->checked_binary = 0;
	s->total = 0;
	s->wstart = s->committed = s->limit = 0;
	s->base = s->cp = (struct lpos){0, 1, -1};
	s->ncand = 0;
	s->truncated = 0;
	s->stop = 0;
	s->suppress_file = info && info->package_unmodified;
	s->want_digest[0] = 0;
	memset(&s->last, 0, sizeof(s->last));
	/* path filters are checked on a rule's first candidate, allowlists on
	 * the first finding: most files have neither (fnmatch per file and
	 * rule was the largest cost on small files) */
	memset(s->last_end, 0, r->n * sizeof(*s->last_end));
	memset(s->path_ok, 0, r->n);
	s->full = 0;
	size_t plen = strlen(s->path);
	for (size_t i = 0; i < r->ntrig && !s->full; i++)
		s->full = awp_secrets_fglob_match(&r->trig[i], s->path, plen);
	if (!(s->package = awp_strdup(info && info->package ? info->package : "")))
		return AWP_ENOMEM;
	const char *dg = info ? info->package_digest : NULL;
	if (dg && *dg && !s->suppress_file) {
		const EVP_MD *md = NULL;
		const char *hex = NULL;
		if (strncmp(dg, "md5:", 4) == 0)
			md = EVP_md5(), hex = dg + 4;
		else if (strncmp(dg, "sha1:", 5) == 0)
			md = EVP_sha1(), hex = dg + 5;
		else if (strncmp(dg, "sha256:", 7) == 0)
			md = EVP_sha256(), hex = dg + 7;
		if (md && strlen(hex) == (size_t)EVP_MD_get_size(md) * 2) {
			for (size_t i = 0; hex[i]; i++)
				s->want_digest[i] = (char)((hex[i] >= 'A' && hex[i] <= 'F') ? hex[i] + 32 : hex[i]);
			s->want_digest[strlen(hex)] = 0;
			if (!(s->hash = EVP_MD_CTX_new()) || EVP_DigestInit_ex(s->hash, md, NULL) != 1)
				return awp_error_set(AWP_ENOMEM, "secrets: cannot start digest");
		}
	}
	return 0;
}

/* Line and last newline at absolute offset `target` (inside the window). */
static struct lpos locate(awp_secrets_scanner *s, uint64_t target)
{
	struct lpos from = (s->cp.pos <= target && s->cp.pos >= s->wstart) ? s->cp : s->base;
	const char *p = s->win + (from.pos - s->wstart);
	const char *end = s->win + (target - s->wstart);
	struct lpos r = from;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		r.line++;
		r.last_nl = (int64_t)(s->wstart + (uint64_t)(nl - s->win));
		p = nl + 1;
	}
	r.pos = target;
	if (target >= s->cp.pos)
		s->cp = r;
	return r;
}

static int keep_finding(awp_secrets_scanner *s, const struct ifinding *f)
{
	if (s->nf >= AWP_MAX_SECRETS_FINDINGS_PER_FILE) {
		s->truncated++;
		return 0;
	}
	if (AWP_GROW(s->f, s->fcap, s->nf + 1) < 0)
		return AWP_ENOMEM;
	s->f[s->nf++] = *f;
	return 0;
}

/* Check one candidate: rule ri matched, ending at window offset `to`. */
static int candidate(awp_secrets_scanner *s, unsigned ri, size_t to)
{
	const struct srule *rule = &s->r->rules[ri];
	size_t lo = to > AWP_SECRETS_LOOKBACK ? to - AWP_SECRETS_LOOKBACK : 0;
	size_t hi = to + AWP_SECRETS_LOOKAHEAD < s->win_len ? to + AWP_SECRETS_LOOKAHEAD : s->win_len;
	size_t start = lo;
	if (s->last_end[ri] > s->wstart + lo)
		start = (size_t)(s->last_end[ri] - s->wstart);
	if (start >= to)
		return 0;
	const char *w = s->win + lo;
	size_t ms = 0, me = 0;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
	for (;;) {
		int rc = pcre2_match(rule->re, (PCRE2_SPTR)w, hi - lo, start - lo, 0, s->md, NULL);
		if (rc < 0)
			return 0; /* no match, or a match limit: not a finding */
		ms = ov[0] + lo;
		me = ov[1] + lo;
		if (ms >= to)
			return 0;
		if (me + 16 >= to)
			break;
		start = me > ms ? me : ms + 1;
	}
	s->last_end[ri] = s->wstart + me;
	size_t so = ms, sl = me - ms;
	if (rule->secret_group) {
		PCRE2_SIZE a = ov[2 * rule->secret_group], b = ov[2 * rule->secret_group + 1];
		if (a == PCRE2_UNSET || b == PCRE2_UNSET)
			return 0;
		so = a + lo;
		sl = b - a;
	}
	/* one layer of quotes around a value is not part of it */
	if (sl >= 2 && (s->win[so] == '\'' || s->win[so] == '"') && s->win[so + sl - 1] == s->win[so]) {
		so++;
		sl -= 2;
	}
	if (sl > AWP_SECRETS_MAX_SECRET)
		sl = AWP_SECRETS_MAX_SECRET;
	if (sl < rule->min_length)
		return 0;
	if (rule->pub.entropy > 0 && awp_secrets_entropy(s->win + so, sl) < rule->pub.entropy)
		return 0;
	if (rule->placeholders && awp_secrets_is_placeholder(s->win + so, sl))
		return 0;
	struct vctx vc = {s->r, s->md, w, hi - lo, so - lo, sl, me - lo, 0, 0, 0};
	if (rule->validator != V_NONE && !awp_secrets_validate(rule->validator, &vc))
		return 0;
	struct ifinding f;
	memset(&f, 0, sizeof f);
	f.rule = ri;
	f.offset = s->wstart + (rule->at_match ? ms : so);
	f.span_end = s->wstart + so + sl;
	struct lpos at = locate(s, f.offset);
	f.line = at.line;
	f.column = (uint64_t)((int64_t)f.offset - at.last_nl);
	f.end_line = f.line;
	if (vc.paired) {
		uint64_t poff = s->wstart + lo + vc.pair_off;
		struct lpos pl = locate(s, poff);
		if (poff < f.offset) {
			f.end_line = f.line;
			f.line = pl.line;
			f.column = (uint64_t)((int64_t)poff - pl.last_nl);
			f.offset = poff;
		} else {
			f.end_line = pl.line;
		}
		if (poff + vc.pair_len > f.span_end)
			f.span_end = poff + vc.pair_len;
	}
	awp_secrets_redact(s->win + so, sl, f.redacted);
	awp_secrets_fingerprint(s->r, rule->pub.id, s->win + so, sl, vc.paired ? w + vc.pair_off : NULL,
				vc.paired ? vc.pair_len : 0, f.fingerprint);
	return keep_finding(s, &f);
}

static int on_match(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags, void *ctx)
{
	(void)from;
	(void)flags;
	awp_secrets_scanner *s = ctx;
	uint64_t abs_end = s->wstart + to;
	if (abs_end <= s->committed || abs_end > s->limit || abs_end <= s->last_end[id])
		return 0;
	if (!s->path_ok[id]) {
		const struct srule *rule = &s->r->rules[id];
		s->path_ok[id] = !rule->npaths || awp_secrets_glob_any(rule->paths, rule->npaths, s->path) ? 1 : 2;
	}
	if (s->path_ok[id] != 1)
		return 0;
	if (++s->ncand > AWP_MAX_SECRETS_CANDIDATES_PER_FILE) {
		s->truncated++;
		return 1; /* stop: this file is pathological */
	}
	int err = candidate(s, id, (size_t)to);
	if (err < 0) {
		s->stop = err;
		return 1;
	}
	return 0;
}

static int scan_window(awp_secrets_scanner *s, int is_last)
{
	const hs_database_t *db = s->binary ? s->r->db_bin : s->full ? s->r->db_full : s->r->db;
	uint64_t wend = s->wstart + s->win_len;
	s->limit = is_last ? wend : (wend > AWP_SECRETS_LOOKAHEAD ? wend - AWP_SECRETS_LOOKAHEAD : 0);
	if (db && s->limit > s->committed && s->ncand <= AWP_MAX_SECRETS_CANDIDATES_PER_FILE) {
		hs_error_t he = hs_scan(db, s->win, (unsigned)s->win_len, 0, s->scratch, on_match, s);
		if (s->stop < 0)
			return s->stop;
		if (he != HS_SUCCESS && he != HS_SCAN_TERMINATED)
			return awp_error_set(AWP_ERROR, "secrets: %s: Hyperscan scan failed (%d)", s->path, (int)he);
	}
	if (s->limit > s->committed)
		s->committed = s->limit;
	return 0;
}

/* Keep [committed - LOOKBACK, wend) as the start of the next window. */
static int keep_overlap(awp_secrets_scanner *s)
{
	uint64_t wend = s->wstart + s->win_len;
	uint64_t keep = s->committed > AWP_SECRETS_LOOKBACK ? s->committed - AWP_SECRETS_LOOKBACK : 0;
	if (keep < s->wstart)
		keep = s->wstart;
	struct lpos at = locate(s, keep);
	size_t n = (size_t)(wend - keep);
	if (s->win == s->buf) {
		memmove(s->buf, s->buf + (keep - s->wstart), n);
	} else {
		if (n > s->cap) {
			char *nb = awp_realloc(s->buf, n);
			if (!nb)
				return AWP_ENOMEM;
			s->buf = nb;
			s->cap = n;
		}
		memcpy(s->buf, s->win + (keep - s->wstart), n);
	}
	s->len = n;
	s->wstart = keep;
	s->base = s->cp = at;
	return 0;
}

static int overlaps(const struct ifinding *a, const struct ifinding *b)
{
	return a->offset < b->span_end && b->offset < a->span_end;
}

static int deliver(awp_secrets_scanner *s, awp_secrets_finding_cb cb, void *payload)
{
	const awp_secrets_rules *r = s->r;
	int pkg = s->suppress_file;
	if (s->hash && s->nf) { /* the digest matters only to suppress findings */
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned int mdlen = 0;
		char hex[2 * EVP_MAX_MD_SIZE + 1];
		EVP_DigestFinal_ex(s->hash, md, &mdlen);
		static const char hx[] = "0123456789abcdef";
		for (unsigned i = 0; i < mdlen; i++) {
			hex[2 * i] = hx[md[i] >> 4];
			hex[2 * i + 1] = hx[md[i] & 15];
		}
		hex[2 * mdlen] = 0;
		s->last.digest_checked = 1;
		s->last.digest_matched = strcmp(hex, s->want_digest) == 0;
		pkg = s->last.digest_matched;
	}
	int builtin = 0;
	for (size_t i = 0; i < r->nallow && s->nf && !builtin; i++)
		builtin = r->allow[i].builtin && awp_secrets_glob_any(r->allow[i].paths, r->allow[i].npaths, s->path);
	int err = 0;
	for (size_t i = 0; i < s->nf && err >= 0; i++) {
		const struct ifinding *f = &s->f[i];
		const struct srule *rule = &r->rules[f->rule];
		if (rule->generic) {
			/* yields to an overlapping specific finding, or to a generic
			 * rule listed earlier in the rules file */
			int shadowed = 0;
			for (size_t j = 0; j < s->nf && !shadowed; j++)
				shadowed = j != i && overlaps(f, &s->f[j]) &&
					   (!r->rules[s->f[j].rule].generic || s->f[j].rule < f->rule);
			if (shadowed)
				continue;
		}
		awp_secret_finding out = {rule->pub.id, rule->pub.title, rule->pub.category, rule->pub.severity, s->path,
					  f->line, f->column, f->end_line, f->offset, f->redacted, f->fingerprint,
					  s->package, AWP_SUPPRESS_NONE, ""};
		if (pkg)
			out.suppressed = AWP_SUPPRESS_PACKAGE;
		else if (builtin)
			out.suppressed = AWP_SUPPRESS_BUILTIN, out.suppress_note = "built-in allowlist";
		else {
			for (size_t k = 0; k < r->nallow && !out.suppressed; k++) {
				const struct allow_entry *e = &r->allow[k];
				if (e->builtin)
					continue;
				if (e->npaths && !awp_secrets_glob_any(e->paths, e->npaths, s->path))
					continue;
				int ok = !e->nrules, fp_ok = !e->nfps;
				for (size_t j = 0; j < e->nrules && !ok; j++)
					ok = strcmp(e->rules[j], rule->pub.id) == 0;
				for (size_t j = 0; j < e->nfps && !fp_ok; j++)
					fp_ok = strcmp(e->fps[j], f->fingerprint) == 0;
				if (ok && fp_ok) {
					out.suppressed = e->nfps ? AWP_SUPPRESS_FINGERPRINT : AWP_SUPPRESS_ALLOWLIST;
					out.suppress_note = e->reason;
				}
			}
		}
		s->last.findings++;
		if (cb)
			err = cb(&out, payload);
	}
	return err;
}

static int finish(awp_secrets_scanner *s, awp_secrets_finding_cb cb, void *payload)
{
	s->last.bytes = s->total;
	s->last.binary = s->binary && !s->r->db_bin;
	s->last.truncated = s->truncated;
	int err = deliver(s, cb, payload);
	file_reset(s);
	return err;
}

AWP_EXTERN int awp_secrets_rules_wants_rest(const awp_secrets_rules *r, const void *head, size_t len)
{
	if (r->db_bin)
		return 1;
	return memchr(head, 0, len < AWP_SECRETS_BINARY_PROBE ? len : AWP_SECRETS_BINARY_PROBE) == NULL;
}

AWP_EXTERN int awp_secrets_scan_buffer(awp_secrets_scanner *s, const char *path, const void *buf, size_t len,
				       int is_last, awp_secrets_finding_cb cb, void *payload)
{
	int err;
	if (!s->in_file) {
		if ((err = awp_secrets_file_begin(s, path, NULL)) < 0)
			return err;
	} else if (path && strcmp(path, s->path) != 0) {
		return awp_error_set(AWP_EINVAL, "secrets: %s: started before the last chunk of %s", path, s->path);
	}
	if (len && !buf)
		return awp_error_set(AWP_EINVAL, "secrets: %s: NULL buffer", s->path);
	s->total += len;
	if (s->binary && !s->r->db_bin)
		return is_last ? finish(s, cb, payload) : 0;
	if (len > UINT32_MAX / 2)
		return awp_error_set(AWP_EINVAL, "secrets: %s: chunk of %zu bytes is too large", s->path, len);
	int direct = s->len == 0 && (is_last || len >= AWP_SECRETS_MIN_WINDOW);
	if (!direct) {
		if (s->len + len > s->cap) {
			size_t nc = s->cap ? s->cap : 65536;
			while (nc < s->len + len)
				nc *= 2;
			char *nb = awp_realloc(s->buf, nc);
			if (!nb)
				return AWP_ENOMEM;
			s->buf = nb;
			s->cap = nc;
		}
		if (len)
			memcpy(s->buf + s->len, buf, len);
		s->len += len;
	}
	s->win = direct ? buf : s->buf;
	s->win_len = direct ? len : s->len;
	if (!s->checked_binary && s->wstart == 0 && (s->win_len >= AWP_SECRETS_BINARY_PROBE || is_last)) {
		size_t probe = s->win_len < AWP_SECRETS_BINARY_PROBE ? s->win_len : AWP_SECRETS_BINARY_PROBE;
		s->binary = memchr(s->win, 0, probe) != NULL;
		s->checked_binary = 1;
		if (s->binary && !s->r->db_bin) {
			s->len = 0;
			return is_last ? finish(s, cb, payload) : 0;
		}
	}
	/* Hashed only once the file is known to be scanned: a skipped binary
	 * has no findings, so its package digest is never needed. */
	if (s->hash && len)
		EVP_DigestUpdate(s->hash, buf, len);
	if (!direct && !is_last && s->len < AWP_SECRETS_MIN_WINDOW)
		return 0;
	if ((err = scan_window(s, is_last)) < 0) {
		file_reset(s);
		return err;
	}
	if (is_last)
		return finish(s, cb, payload);
	if (s->binary && !s->r->db_bin) {
		s->len = 0;
		return 0;
	}
	return keep_overlap(s);
}
