/*
 * secrets/fsscan.c - scan the files of an awp_fs into a report: size limit,
 * chunked reads, package ownership, and the list of files not scanned.
 *
 * Ownership: a file whose owner has a database digest is scanned without
 * hashing; only when it has findings is it read a second time to compare
 * the digest (most package files have no findings, and hashing every byte
 * would cost more than the scan itself, see docs/benchmarks.md).
 */
#include "secrets/secrets_int.h"

#include <awp/walk.h>

#include "util/crypto_dl.h"
#include "util/error.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK (1u << 20)
#define FIRST_CHUNK (8u << 10) /* = the binary probe: a binary costs one small read */

struct awp_secrets_report {
	awp_arena arena;
	awp_secrets_stats st;
	awp_secret_finding *f;
	size_t nf, fcap;
	awp_secrets_skipped *sk;
	size_t nsk, skcap;
	char *buf;
};

AWP_EXTERN int awp_secrets_report_new(awp_secrets_report **out)
{
	*out = awp_calloc(1, sizeof(**out));
	return *out ? 0 : AWP_ENOMEM;
}

AWP_EXTERN void awp_secrets_report_free(awp_secrets_report *r)
{
	if (!r)
		return;
	awp_arena_free(&r->arena);
	free(r->f);
	free(r->sk);
	free(r->buf);
	free(r);
}

AWP_EXTERN const awp_secrets_stats *awp_secrets_report_stats(const awp_secrets_report *r) { return &r->st; }
AWP_EXTERN size_t awp_secrets_report_count(const awp_secrets_report *r) { return r->nf; }
AWP_EXTERN const awp_secret_finding *awp_secrets_report_get(const awp_secrets_report *r, size_t i)
{
	return i < r->nf ? &r->f[i] : NULL;
}
AWP_EXTERN size_t awp_secrets_report_skipped_count(const awp_secrets_report *r) { return r->nsk; }
AWP_EXTERN const awp_secrets_skipped *awp_secrets_report_skipped(const awp_secrets_report *r, size_t i)
{
	return i < r->nsk ? &r->sk[i] : NULL;
}

static int add_skipped(awp_secrets_report *r, const char *path, const char *reason, uint64_t size, const char *msg)
{
	if (AWP_GROW(r->sk, r->skcap, r->nsk + 1) < 0)
		return AWP_ENOMEM;
	awp_secrets_skipped *k = &r->sk[r->nsk];
	k->path = awp_arena_strdup(&r->arena, path);
	k->reason = reason;
	k->size = size;
	k->message = awp_arena_strdup(&r->arena, msg ? msg : "");
	if (!k->path || !k->message)
		return AWP_ENOMEM;
	r->nsk++;
	return 0;
}

/* Findings of one file, held until ownership is settled. */
struct pending {
	awp_secrets_report *rep;
	size_t first;          /* index of the file's first finding in rep */
};

static int collect(const awp_secret_finding *f, void *payload)
{
	struct pending *p = payload;
	awp_secrets_report *r = p->rep;
	if (AWP_GROW(r->f, r->fcap, r->nf + 1) < 0)
		return AWP_ENOMEM;
	awp_secret_finding *o = &r->f[r->nf];
	*o = *f;
	/* rule strings live in the rule set; copy the per-file ones */
	o->path = awp_arena_strdup(&r->arena, f->path);
	o->redacted = awp_arena_strdup(&r->arena, f->redacted);
	o->fingerprint = awp_arena_strdup(&r->arena, f->fingerprint);
	o->package = awp_arena_strdup(&r->arena, f->package);
	o->suppress_note = awp_arena_strdup(&r->arena, f->suppress_note);
	if (!o->path || !o->redacted || !o->fingerprint || !o->package || !o->suppress_note)
		return AWP_ENOMEM;
	r->nf++;
	return 0;
}

/* Hash a file with the algorithm of `digest` and compare: 1 equal, 0 not. */
static int digest_equal(awp_file *fh, const char *digest, char *buf, uint64_t size)
{
	const EVP_MD *md = NULL;
	const char *hex = NULL;
	if (strncmp(digest, "md5:", 4) == 0)
		md = EVP_md5(), hex = digest + 4;
	else if (strncmp(digest, "sha1:", 5) == 0)
		md = EVP_sha1(), hex = digest + 5;
	else if (strncmp(digest, "sha256:", 7) == 0)
		md = EVP_sha256(), hex = digest + 7;
	if (!md)
		return 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	if (!c || EVP_DigestInit_ex(c, md, NULL) != 1) {
		EVP_MD_CTX_free(c);
		return 0;
	}
	uint64_t off = 0;
	int ok = 1;
	while (off < size) {
		size_t n = 0;
		if (awp_file_read(fh, buf, CHUNK, off, &n) < 0 || n == 0) {
			ok = 0;
			break;
		}
		EVP_DigestUpdate(c, buf, n);
		off += n;
	}
	unsigned char out[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	EVP_DigestFinal_ex(c, out, &len);
	EVP_MD_CTX_free(c);
	if (!ok || strlen(hex) != 2 * (size_t)len)
		return 0;
	static const char hx[] = "0123456789abcdef";
	for (unsigned i = 0; i < len; i++) {
		char a = hex[2 * i], b = hex[2 * i + 1];
		a = (char)(a >= 'A' && a <= 'F' ? a + 32 : a);
		b = (char)(b >= 'A' && b <= 'F' ? b + 32 : b);
		if (a != hx[out[i] >> 4] || b != hx[out[i] & 15])
			return 0;
	}
	return 1;
}

static void count(awp_secrets_report *r, size_t from)
{
	for (size_t i = from; i < r->nf; i++) {
		if (r->f[i].suppressed)
			r->st.suppressed[r->f[i].suppressed]++;
		else
			r->st.findings++;
	}
}

AWP_EXTERN int awp_secrets_scan_fs_file(awp_secrets_scanner *s, awp_fs *fs, const char *path, const awp_stat *st,
					const awp_secrets_fs_options *opts, awp_secrets_report *report)
{
	awp_secrets_fs_options def = AWP_SECRETS_FS_OPTIONS_INIT;
	if (!opts)
		opts = &def;
	uint64_t max = opts->max_file_size;
	if (!max)
		max = awp_secrets_rules_max_file_size(awp_secrets_scanner_rules(s));
	if (!max)
		max = AWP_SECRETS_DEFAULT_MAX_FILE_SIZE;
	if (st->size > max) {
		report->st.files_too_large++;
		return add_skipped(report, path, "size", st->size, NULL);
	}
	if (!report->buf && !(report->buf = awp_malloc(CHUNK)))
		return AWP_ENOMEM;
	const char *digest = "";
	const char *pkg = opts->owner ? opts->owner(path, &digest, opts->owner_payload) : NULL;
	awp_secrets_file info = AWP_SECRETS_FILE_INIT;
	info.package = pkg;
	int err;
	if ((err = awp_secrets_file_begin(s, path, &info)) < 0)
		return err;
	awp_file *fh = NULL;
	struct pending pend = {report, report->nf};
	if ((err = awp_file_open(&fh, fs, st->ino)) < 0)
		goto unreadable;
	uint64_t off = 0;
	size_t want = FIRST_CHUNK;
	for (;;) {
		size_t n = 0;
		if ((err = awp_file_read(fh, report->buf, want, off, &n)) < 0)
			goto unreadable;
		off += n;
		int last = n == 0 || off >= st->size;
		if ((err = awp_secrets_scan_buffer(s, path, report->buf, n, last, collect, &pend)) < 0)
			goto done;
		if (last)
			break;
		if (awp_secrets_scanner_skipping(s)) {
			/* binary: nothing more to read */
			if ((err = awp_secrets_scan_buffer(s, path, NULL, 0, 1, collect, &pend)) < 0)
				goto done;
			break;
		}
		want = CHUNK;
	}
	const awp_secrets_file_result *res = awp_secrets_scanner_last(s);
	if (res->binary) {
		report->st.files_binary++;
	} else {
		report->st.files_scanned++;
		report->st.bytes_scanned += res->bytes;
	}
	report->st.truncated += res->truncated;
	if (report->nf > pend.first && pkg && *pkg && digest && *digest && digest_equal(fh, digest, report->buf, st->size))
		for (size_t i = pend.first; i < report->nf; i++)
			report->f[i].suppressed = AWP_SUPPRESS_PACKAGE, report->f[i].suppress_note = "";
	count(report, pend.first);
	if (opts->on_finding)
		for (size_t i = pend.first; i < report->nf && err >= 0; i++)
			err = opts->on_finding(&report->f[i], opts->finding_payload);
	goto done;
unreadable:
	report->nf = pend.first;
	report->st.files_unreadable++;
	err = add_skipped(report, path, "unreadable", st->size, awp_error_last());
	awp_secrets_scanner_abort(s);
done:
	awp_file_free(fh);
	return err;
}

struct walkctx {
	awp_secrets_scanner *s;
	const awp_secrets_fs_options *opts;
	awp_secrets_report *rep;
};

static int walk_cb(awp_fs *fs, const awp_walk_entry *e, void *payload)
{
	struct walkctx *w = payload;
	if (e->st.type != AWP_FT_REG || e->hardlink_repeat)
		return 0;
	return awp_secrets_scan_fs_file(w->s, fs, e->path, &e->st, w->opts, w->rep);
}

static void walk_err(const char *path, int code, const char *message, void *payload)
{
	(void)code;
	struct walkctx *w = payload;
	w->rep->st.files_unreadable++;
	add_skipped(w->rep, path, "unreadable", 0, message);
}

AWP_EXTERN int awp_secrets_scan_fs(awp_secrets_scanner *s, awp_fs *fs, const awp_secrets_fs_options *opts,
				   awp_secrets_report *report)
{
	awp_secrets_fs_options def = AWP_SECRETS_FS_OPTIONS_INIT;
	if (!opts)
		opts = &def;
	struct walkctx w = {s, opts, report};
	awp_walk_options wo = AWP_WALK_OPTIONS_INIT;
	wo.start = opts->start;
	wo.on_error = walk_err;
	wo.error_payload = &w;
	return awp_fs_walk(fs, &wo, walk_cb, &w);
}
