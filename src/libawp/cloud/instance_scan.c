/*
 * cloud/instance_scan.c - `awp aws scan`: discovery and policy over the
 * configured regions, the snapshot lifecycle (CreateSnapshots, wait with
 * backoff, share or copy in saas mode, read, delete), the sweeper, and one
 * result per instance.
 *
 * Invariant: every snapshot id awp receives from CreateSnapshots or
 * CopySnapshot is recorded in s->created before anything else happens, and
 * is deleted (a) when its instance is done, whatever the outcome, (b) by
 * awp_aws_scan_cleanup() - called at the end of run, and by the CLI's
 * atexit/signal path. What a kill -9 leaks, the next run's sweeper deletes
 * (tag awp:managed=true, older than the sweep age).
 *
 * Cancellation: opts->cancel is polled between steps, during waits (in
 * 100 ms slices) and on every read of a snapshot (the source wrapper below),
 * so a SIGTERM mid-scan turns into failing reads, a quick end of the scan
 * of the current instance, and the cleanup.
 */
#include "cloud/cloud_int.h"
#include "cloud/aws/aws_int.h"

#include <awp/sys/source.h>

#include "util/error.h"
#include "util/jsonw.h"
#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_SWEEP_AGE_S (6 * 3600)
#define DEFAULT_SNAPSHOT_TIMEOUT_S 1800
#define DEFAULT_POLL_MS 2000
#define MAX_POLL_MS 15000

typedef struct created {
	awp_aws_client *c;
	char *id;
	size_t inst;    /* index of the instance result */
	int deleted;
} created;

typedef struct region_clients {
	const char *region;
	awp_aws_client *acct;   /* owned */
	awp_aws_client *reader; /* owned, or == acct */
} region_clients;

struct awp_aws_scan {
	awp_aws_client *account, *reader;
	awp_aws_scan_options o;
	awp_arena a;
	const char *scan_id;
	const char *scanner_account;
	region_clients *rc;
	size_t nrc;
	awp_aws_instance_result **res;
	size_t nres, capres;
	created *cr;
	size_t ncr, capcr;
	size_t swept;
};

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int canceled(const awp_aws_scan *s)
{
	return s->o.cancel && *s->o.cancel;
}

AWP_EXTERN const char *awp_instance_status_name(awp_instance_status st)
{
	switch (st) {
	case AWP_INSTANCE_SCANNED: return "scanned";
	case AWP_INSTANCE_PARTIAL: return "partial";
	case AWP_INSTANCE_SKIPPED: return "skipped";
	case AWP_INSTANCE_FAILED: return "failed";
	case AWP_INSTANCE_EXCLUDED: return "excluded";
	}
	return "unknown";
}

/* ---- a snapshot source that honours cancellation and the time limit ---- */

typedef struct guard {
	awp_source *inner;
	volatile sig_atomic_t *cancel;
	double deadline; /* monotonic seconds, 0: none */
	int *hit;        /* the instance's: AWP_ECANCELED / AWP_ELIMIT once tripped */
} guard;

static int guard_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	guard *g = ctx;
	if (g->cancel && *g->cancel) {
		*g->hit = AWP_ECANCELED;
		return awp_error_set(AWP_ECANCELED, "%s: scan canceled", awp_source_name(g->inner));
	}
	if (g->deadline > 0 && mono() > g->deadline) {
		*g->hit = AWP_ELIMIT;
		return awp_error_set(AWP_ELIMIT, "%s: instance time limit reached", awp_source_name(g->inner));
	}
	return awp_source_read(g->inner, buf, len, off);
}

static void guard_close(void *ctx)
{
	guard *g = ctx;
	awp_source_free(g->inner);
	free(g);
}

static const awp_source_ops guard_ops = {AWP_SOURCE_OPS_VERSION, "ebs", 1, guard_read, guard_close};

/* ---- bookkeeping ---- */

static const char *adup(awp_aws_scan *s, const char *str)
{
	return awp_arena_strdup(&s->a, str ? str : "");
}

static int set_reason(awp_aws_scan *s, awp_aws_instance_result *r, awp_instance_status st, const char *code,
		      const char *msg)
{
	r->status = st;
	r->reason_code = adup(s, code);
	r->reason = adup(s, msg);
	return r->reason_code && r->reason ? 0 : AWP_ENOMEM;
}

static int record_created(awp_aws_scan *s, awp_aws_client *c, const char *id, size_t inst)
{
	if (AWP_GROW(s->cr, s->capcr, s->ncr + 1) < 0)
		return AWP_ENOMEM;
	char *dup = awp_strdup(id);
	if (!dup)
		return AWP_ENOMEM;
	s->cr[s->ncr++] = (created){c, dup, inst, 0};
	return 0;
}

/* Delete the snapshots of one instance (all when inst == SIZE_MAX). */
static size_t delete_created(awp_aws_scan *s, size_t inst)
{
	size_t left = 0;
	/* copies first: a copy's source may be one of ours too, and order does not matter to EC2 */
	for (size_t i = s->ncr; i-- > 0;) {
		created *c = &s->cr[i];
		if (c->deleted || (inst != SIZE_MAX && c->inst != inst))
			continue;
		int err = awp_aws_delete_snapshot(c->c, c->id);
		if (err >= 0 || err == AWP_ENOTFOUND)
			c->deleted = 1;
		else
			left++;
	}
	return left;
}

AWP_EXTERN size_t awp_aws_scan_cleanup(awp_aws_scan *s)
{
	if (!s)
		return 0;
	size_t left = delete_created(s, SIZE_MAX);
	for (size_t i = 0; i < s->ncr; i++)
		if (s->cr[i].inst < s->nres && !s->cr[i].deleted)
			s->res[s->cr[i].inst]->snapshots_left = 0;
	for (size_t i = 0; i < s->ncr; i++)
		if (s->cr[i].inst < s->nres && !s->cr[i].deleted)
			s->res[s->cr[i].inst]->snapshots_left++;
	return left;
}

/* ---- setup ---- */

static int dup_list(awp_aws_scan *s, const char *const **field)
{
	const char *const *in = *field;
	if (!in)
		return 0;
	size_t n = 0;
	while (in[n])
		n++;
	const char **out = awp_arena_alloc(&s->a, (n + 1) * sizeof(*out));
	if (!out)
		return AWP_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!(out[i] = adup(s, in[i])))
			return AWP_ENOMEM;
	out[n] = NULL;
	*field = out;
	return 0;
}

AWP_EXTERN int awp_aws_scan_new(awp_aws_scan **out, awp_aws_client *account, awp_aws_client *reader,
				const awp_aws_scan_options *opts)
{
	if (!account || !opts || opts->version != AWP_AWS_SCAN_OPTIONS_VERSION)
		return awp_error_set(AWP_EINVAL, "aws scan: missing client or options of another version");
	awp_aws_scan *s = awp_calloc(1, sizeof(*s));
	if (!s)
		return AWP_ENOMEM;
	s->account = account;
	s->reader = reader ? reader : account;
	s->o = *opts;
	int err = AWP_ENOMEM;
	if (!s->o.skip_tag)
		s->o.skip_tag = AWP_AWS_SKIP_TAG;
	if (s->o.sweep_age_s < 0)
		s->o.sweep_age_s = DEFAULT_SWEEP_AGE_S;
	if (!s->o.snapshot_timeout_s)
		s->o.snapshot_timeout_s = DEFAULT_SNAPSHOT_TIMEOUT_S;
	if (!s->o.poll_ms)
		s->o.poll_ms = DEFAULT_POLL_MS;
	if (!(s->o.skip_tag = adup(s, s->o.skip_tag)) || (s->o.kms_key_id && !(s->o.kms_key_id = adup(s, s->o.kms_key_id))) ||
	    (s->o.scanner_account && !(s->o.scanner_account = adup(s, s->o.scanner_account))))
		goto fail;
	if (dup_list(s, &s->o.regions) < 0 || dup_list(s, &s->o.instance_ids) < 0)
		goto fail;
	s->scan_id = s->o.scan_id ? adup(s, s->o.scan_id)
				  : awp_arena_printf(&s->a, "awp-%lld-%ld", (long long)time(NULL), (long)getpid());
	if (!s->scan_id)
		goto fail;
	/* The id goes into tags and descriptions: keep it to safe characters. */
	for (const char *p = s->scan_id; *p; p++)
		if (!(*p == '-' || *p == '_' || *p == '.' || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= 'A' && *p <= 'Z'))) {
			err = awp_error_set(AWP_EINVAL, "aws scan: scan id '%s': use letters, digits, '-', '_', '.'", s->scan_id);
			goto fail;
		}
	*out = s;
	return 0;
fail:
	awp_aws_scan_free(s);
	return err;
}

AWP_EXTERN void awp_aws_scan_free(awp_aws_scan *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ncr; i++)
		free(s->cr[i].id);
	free(s->cr);
	for (size_t i = 0; i < s->nrc; i++) {
		if (s->rc[i].reader != s->rc[i].acct)
			awp_aws_client_free(s->rc[i].reader);
		awp_aws_client_free(s->rc[i].acct);
	}
	free(s->rc);
	for (size_t i = 0; i < s->nres; i++)
		free((char *)s->res[i]->report);
	free(s->res);
	awp_arena_free(&s->a);
	free(s);
}

AWP_EXTERN const char *awp_aws_scan_id(const awp_aws_scan *s) { return s->scan_id; }
AWP_EXTERN size_t awp_aws_scan_count(const awp_aws_scan *s) { return s->nres; }
AWP_EXTERN size_t awp_aws_scan_swept(const awp_aws_scan *s) { return s->swept; }

AWP_EXTERN const awp_aws_instance_result *awp_aws_scan_get(const awp_aws_scan *s, size_t i)
{
	return i < s->nres ? s->res[i] : NULL;
}

static int setup_regions(awp_aws_scan *s)
{
	size_t n = 0;
	if (s->o.regions)
		while (s->o.regions[n])
			n++;
	if (!(s->rc = awp_calloc(n ? n : 1, sizeof(*s->rc))))
		return AWP_ENOMEM;
	if (n == 0) {
		const char *r = awp_aws_client_region(s->account);
		int err = awp_aws_client_for_region(&s->rc[0].acct, s->account, r);
		if (err < 0)
			return err;
		s->rc[0].region = adup(s, r);
		s->nrc = 1;
		if (s->reader == s->account)
			s->rc[0].reader = s->rc[0].acct;
		else if ((err = awp_aws_client_for_region(&s->rc[0].reader, s->reader, r)) < 0)
			return err;
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		int err = awp_aws_client_for_region(&s->rc[i].acct, s->account, s->o.regions[i]);
		if (err < 0)
			return err;
		s->rc[i].region = s->o.regions[i];
		s->nrc = i + 1;
		if (s->reader == s->account)
			s->rc[i].reader = s->rc[i].acct;
		else if ((err = awp_aws_client_for_region(&s->rc[i].reader, s->reader, s->o.regions[i])) < 0)
			return err;
	}
	return 0;
}

/* STS GetCallerIdentity: the account the reader's credentials belong to. */
static int caller_account(awp_aws_scan *s, awp_aws_client *c)
{
	aws_response rs = {0};
	aws_xml_doc *doc = NULL;
	int err = aws_query(c, "sts", "GetCallerIdentity", "2011-06-15", NULL, &rs);
	if (err >= 0)
		err = aws_xml_parse(&doc, rs.body.ptr ? rs.body.ptr : "", rs.body.len, "sts GetCallerIdentity response");
	if (err >= 0) {
		const char *acct = aws_xml_text(doc->root, "GetCallerIdentityResult/Account");
		if (!acct || !*acct)
			err = awp_error_set(AWP_ECORRUPT, "sts GetCallerIdentity: no Account in the response");
		else if (!(s->scanner_account = adup(s, acct)))
			err = AWP_ENOMEM;
	}
	aws_xml_free(doc);
	aws_response_free(&rs);
	return err;
}

/* ---- the sweeper ---- */

/* A snapshot this host made in a run whose process is gone (kill -9, a
 * crash): its scan id is "awp-<time>-<pid>" and its awp:host tag is ours.
 * Such snapshots are deleted whatever their age; snapshots of other hosts
 * (another scanner machine may still be reading them) wait for the age. */
static int orphan_of_this_host(const awp_aws_scan *s, const awp_aws_snapshot *sn)
{
	char host[256];
	const char *h = awp_aws_tag_get(sn->tags, sn->ntags, "awp:host");
	const char *id = awp_aws_tag_get(sn->tags, sn->ntags, "awp:scan-id");
	if (!h || !id || strcmp(id, s->scan_id) == 0 || gethostname(host, sizeof host) != 0)
		return 0;
	host[sizeof host - 1] = '\0';
	long long t;
	long pid;
	char tail;
	if (strcmp(h, host) != 0 || sscanf(id, "awp-%lld-%ld%c", &t, &pid, &tail) != 2 || pid <= 1)
		return 0;
	return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

static int sweep_region(awp_aws_scan *s, awp_aws_client *c)
{
	static const char *const managed[] = {AWP_AWS_MANAGED_VALUE, NULL};
	awp_aws_filter f = {"tag:" AWP_AWS_MANAGED_TAG, managed};
	awp_aws_list *l = NULL;
	int err = awp_aws_describe_snapshots(&l, c, "self", NULL, &f, 1);
	if (err < 0)
		return err;
	time_t now = time(NULL);
	for (size_t i = 0; i < l->count; i++) {
		const awp_aws_snapshot *sn = &l->u.snapshots[i];
		time_t t = aws_parse_time(sn->start_time);
		/* an unparsable time is old: the tag says it is ours, and leaking costs money */
		if (t > 0 && (int64_t)(now - t) < s->o.sweep_age_s && !orphan_of_this_host(s, sn))
			continue;
		int e = awp_aws_delete_snapshot(c, sn->snapshot_id);
		if (e >= 0)
			s->swept++;
		else if (e != AWP_ENOTFOUND && err == 0)
			err = e;
	}
	awp_aws_list_free(l);
	return err;
}

/* ---- waiting ---- */

static void nap(awp_aws_scan *s, unsigned ms)
{
	while (ms > 0 && !canceled(s)) {
		unsigned step = ms < 100 ? ms : 100;
		aws_sleep_ms(step);
		ms -= step;
	}
}

/* Poll until every snapshot is completed. *out receives the last listing. */
static int wait_completed(awp_aws_scan *s, awp_aws_client *c, const char *const *ids, awp_aws_list **out,
			  const char **code)
{
	double start = mono();
	unsigned poll = s->o.poll_ms;
	for (;;) {
		if (canceled(s)) {
			*code = "canceled";
			return awp_error_set(AWP_ECANCELED, "canceled while waiting for snapshots");
		}
		awp_aws_list *l = NULL;
		int err = awp_aws_describe_snapshots(&l, c, NULL, ids, NULL, 0);
		if (err < 0) {
			*code = err == AWP_EAUTH ? "access_denied" : "snapshot_failed";
			return err;
		}
		size_t done = 0;
		for (size_t i = 0; i < l->count; i++) {
			if (strcmp(l->u.snapshots[i].state, "error") == 0) {
				*code = "snapshot_error";
				err = awp_error_set(AWP_ERROR, "snapshot %s of volume %s is in state error",
						    l->u.snapshots[i].snapshot_id, l->u.snapshots[i].volume_id);
				awp_aws_list_free(l);
				return err;
			}
			done += strcmp(l->u.snapshots[i].state, "completed") == 0;
		}
		if (done == l->count && l->count > 0) {
			*out = l;
			return 0;
		}
		awp_aws_list_free(l);
		if (mono() - start > (double)s->o.snapshot_timeout_s) {
			*code = "snapshot_timeout";
			return awp_error_set(AWP_ELIMIT, "snapshots not completed after %u s", s->o.snapshot_timeout_s);
		}
		nap(s, poll);
		poll = poll * 2 > MAX_POLL_MS ? MAX_POLL_MS : poll * 2;
	}
}

/* ---- one instance ---- */

static int is_windows(awp_aws_scan *s, awp_aws_client *c, const awp_aws_instance *in)
{
	if (awp_aws_instance_is_windows(in))
		return 1;
	if (in->platform_details[0] || !in->image_id[0])
		return 0;
	/* No PlatformDetails: ask the image. */
	(void)s;
	const char *ids[] = {in->image_id, NULL};
	awp_aws_list *l = NULL;
	int win = 0;
	if (awp_aws_describe_images(&l, c, ids) >= 0 && l->count == 1)
		win = strcmp(l->u.images[0].platform, "windows") == 0 || strstr(l->u.images[0].platform_details, "Windows");
	awp_aws_list_free(l);
	return win;
}

static const char *code_of(int err, int encrypted)
{
	switch (err) {
	case AWP_EAUTH: return encrypted ? "kms_access_denied" : "access_denied";
	case AWP_ENOTFOUND: return "snapshot_not_found";
	case AWP_ELIMIT: return "size_limit";
	case AWP_ECANCELED: return "canceled";
	case AWP_EUNSUPPORTED: return "unsupported_filesystem";
	default: return "read_failed";
	}
}

typedef struct inst_ctx {
	cloud_disk *disks;
	int hit;         /* a read was refused: canceled or out of time */
	awp_source **ebs;
	size_t n;
	awp_aws_list *snaps;
} inst_ctx;

static void inst_ctx_clear(inst_ctx *x)
{
	for (size_t i = 0; i < x->n; i++) {
		awp_target_free(x->disks[i].target);
		awp_source_free(x->ebs[i]);
	}
	free(x->disks);
	free(x->ebs);
	awp_aws_list_free(x->snaps);
}

static const char *device_of(const awp_aws_instance *in, const char *volume_id)
{
	for (size_t i = 0; i < in->ndevices; i++)
		if (strcmp(in->devices[i].volume_id, volume_id) == 0)
			return in->devices[i].device_name;
	return "";
}

static int nvme_index(const awp_aws_instance *in, const char *volume_id)
{
	int k = 1;
	for (size_t i = 0; i < in->ndevices; i++) {
		int root = strcmp(in->devices[i].device_name, in->root_device_name) == 0;
		if (strcmp(in->devices[i].volume_id, volume_id) == 0)
			return root ? 0 : k;
		k += !root;
	}
	return -1;
}

/* saas: make each snapshot readable by the scanner account. Returns the id
 * to read in *read_id (the original or a copy). */
static int saas_prepare(awp_aws_scan *s, region_clients *rc, size_t ri, const awp_aws_snapshot *sn, const awp_aws_tag *tags,
			size_t ntags, const char **read_id, const char **code)
{
	awp_aws_client *c = rc->acct;
	const char *id = sn->snapshot_id;
	int err;
	if (sn->encrypted && s->o.kms_key_id && strcmp(sn->kms_key_id, s->o.kms_key_id) != 0) {
		/* Re-encrypt with a key the scanner account may use: the default
		 * aws/ebs key cannot be shared across accounts. */
		char *copy = NULL;
		char desc[256];
		snprintf(desc, sizeof desc, "awp scan %s: copy of %s for the scanner account", s->scan_id, id);
		if ((err = awp_aws_copy_snapshot(&copy, c, rc->region, id, s->o.kms_key_id, desc, tags, ntags)) < 0) {
			*code = err == AWP_EAUTH ? "kms_access_denied" : "copy_failed";
			return err;
		}
		err = record_created(s, c, copy, ri);
		const char *ids[] = {copy, NULL};
		awp_aws_list *l = NULL;
		if (err >= 0)
			err = wait_completed(s, c, ids, &l, code);
		awp_aws_list_free(l);
		*read_id = adup(s, copy);
		free(copy);
		if (err < 0)
			return err;
		id = *read_id;
	} else {
		*read_id = id;
	}
	if ((err = awp_aws_share_snapshot(c, id, s->scanner_account, 0)) < 0) {
		*code = err == AWP_EAUTH ? "access_denied" : "share_failed";
		return err;
	}
	return 0;
}

static int scan_instance(awp_aws_scan *s, region_clients *rc, const awp_aws_instance *in, awp_aws_instance_result *r,
			 size_t ri)
{
	inst_ctx x = {0};
	cloud_machine m = {0};
	int err = 0;
	const char *code = "";
	double start = mono();
	char created_at[32];
	time_t now = time(NULL);
	struct tm tmv;
	gmtime_r(&now, &tmv);
	strftime(created_at, sizeof created_at, "%Y-%m-%dT%H:%M:%SZ", &tmv);
	char host[256] = "";
	if (gethostname(host, sizeof host) != 0)
		host[0] = '\0';
	host[sizeof host - 1] = '\0';
	awp_aws_tag tags[] = {{AWP_AWS_MANAGED_TAG, AWP_AWS_MANAGED_VALUE},
			      {"awp:scan-id", s->scan_id},
			      {"awp:host", host},
			      {"awp:instance", in->instance_id},
			      {"awp:created-at", created_at}};
	size_t ntags = sizeof tags / sizeof tags[0];

	if (s->o.max_instance_gib && in->ndevices) {
		const char **vids = awp_calloc(in->ndevices + 1, sizeof(*vids));
		awp_aws_list *vl = NULL;
		if (!vids)
			return AWP_ENOMEM;
		for (size_t i = 0; i < in->ndevices; i++)
			vids[i] = in->devices[i].volume_id;
		err = awp_aws_describe_volumes(&vl, rc->acct, vids, NULL, 0);
		free(vids);
		uint64_t gib = 0;
		for (size_t i = 0; err >= 0 && i < vl->count; i++)
			gib += vl->u.volumes[i].size_gib;
		awp_aws_list_free(vl);
		if (err >= 0 && gib > s->o.max_instance_gib) {
			char msg[128];
			snprintf(msg, sizeof msg, "volumes add up to %llu GiB, over the limit of %llu GiB",
				 (unsigned long long)gib, (unsigned long long)s->o.max_instance_gib);
			return set_reason(s, r, AWP_INSTANCE_FAILED, "size_limit", msg);
		}
		err = 0; /* a failed size check is not a reason to skip */
	}

	/* 1. the crash-consistent set */
	char desc[256];
	snprintf(desc, sizeof desc, "awp scan %s of %s (deleted by awp after reading)", s->scan_id, in->instance_id);
	awp_aws_list *ids = NULL;
	if ((err = awp_aws_create_snapshots(&ids, rc->acct, in->instance_id, desc, tags, ntags)) < 0) {
		code = err == AWP_EAUTH ? "access_denied" : "snapshot_failed";
		goto done;
	}
	for (size_t i = 0; i < ids->count && err >= 0; i++)
		err = record_created(s, rc->acct, ids->u.ids[i], ri);
	const char **idv = err >= 0 ? awp_calloc(ids->count + 1, sizeof(*idv)) : NULL;
	for (size_t i = 0; idv && i < ids->count; i++)
		idv[i] = ids->u.ids[i];
	if (err >= 0 && !idv)
		err = AWP_ENOMEM;
	if (err >= 0 && ids->count == 0) {
		code = "no_volumes";
		err = awp_error_set(AWP_ENOTFOUND, "%s: CreateSnapshots made no snapshot (no EBS volume)", in->instance_id);
	}
	/* 2. wait */
	if (err >= 0)
		err = wait_completed(s, rc->acct, idv, &x.snaps, &code);
	free(idv);
	awp_aws_list_free(ids);
	if (err < 0)
		goto done;
	if (x.snaps->count > AWP_MAX_INSTANCE_VOLUMES) {
		code = "size_limit";
		err = awp_error_set(AWP_ELIMIT, "%s: %zu volumes", in->instance_id, x.snaps->count);
		goto done;
	}
	/* 3. open each snapshot (shared or copied first in saas mode) */
	x.n = x.snaps->count;
	x.disks = awp_calloc(x.n, sizeof(*x.disks));
	x.ebs = awp_calloc(x.n, sizeof(*x.ebs));
	if (!x.disks || !x.ebs) {
		x.n = 0;
		err = AWP_ENOMEM;
		goto done;
	}
	double deadline = s->o.instance_timeout_s ? start + s->o.instance_timeout_s : 0;
	for (size_t i = 0; i < x.n; i++) {
		const awp_aws_snapshot *sn = &x.snaps->u.snapshots[i];
		cloud_disk *d = &x.disks[i];
		d->volume_id = adup(s, sn->volume_id);
		d->device = adup(s, device_of(in, sn->volume_id));
		d->snapshot_id = adup(s, sn->snapshot_id);
		d->is_root_device = in->root_device_name[0] && strcmp(d->device, in->root_device_name) == 0;
		d->nvme_index = nvme_index(in, sn->volume_id);
		if (!d->volume_id || !d->device || !d->snapshot_id) {
			err = AWP_ENOMEM;
			goto done;
		}
		const char *read_id = sn->snapshot_id, *vcode = "";
		int e = 0;
		if (s->o.mode == AWP_AWS_SAAS && (e = saas_prepare(s, rc, ri, sn, tags, ntags, &read_id, &vcode)) < 0) {
			if (e == AWP_ENOMEM || e == AWP_ECANCELED) {
				err = e;
				code = e == AWP_ECANCELED ? "canceled" : "";
				goto done;
			}
		}
		if (e >= 0) {
			if (!(d->snapshot_id = adup(s, read_id))) { /* read_id may live in x.snaps */
				err = AWP_ENOMEM;
				goto done;
			}
			e = awp_source_open_ebs_ex(&x.ebs[i], rc->reader, read_id, &s->o.ebs);
			vcode = code_of(e, sn->encrypted);
		}
		awp_source *gs = NULL;
		if (e >= 0) {
			guard *g = awp_calloc(1, sizeof(*g));
			if (!g) {
				err = AWP_ENOMEM;
				goto done;
			}
			g->inner = awp_source_ref(x.ebs[i]);
			g->cancel = s->o.cancel;
			g->deadline = deadline;
			g->hit = &x.hit;
			char nm[160];
			snprintf(nm, sizeof nm, "%s %s", in->instance_id, d->device[0] ? d->device : sn->volume_id);
			if ((e = awp_source_new(&gs, &guard_ops, g, awp_source_size(x.ebs[i]), nm)) < 0) {
				err = e;
				goto done;
			}
			e = awp_target_open_source(&d->target, gs, nm);
			awp_source_free(gs);
			vcode = code_of(e, sn->encrypted);
		}
		if (e == AWP_ENOMEM) {
			err = e;
			goto done;
		}
		if (e < 0) {
			d->target = NULL;
			d->err_code = adup(s, vcode);
			d->err = adup(s, awp_error_last());
		}
	}
	/* 4. one machine */
	char tname[160];
	snprintf(tname, sizeof tname, "aws:%s/%s", rc->region, in->instance_id);
	if ((err = cloud_assemble(&m, x.disks, x.n, tname, &s->a)) < 0)
		goto done;
	r->volumes = m.vols;
	r->volume_count = m.nvols;
	if (x.hit) {
		/* volumes that "failed" failed because reads were refused */
		code = x.hit == AWP_ECANCELED ? "canceled" : "time_limit";
		err = awp_error_set(x.hit, x.hit == AWP_ECANCELED ? "canceled while reading" : "instance time limit reached while reading");
		goto done;
	}
	if (!m.fs) {
		code = m.fail_code;
		err = awp_error_set(AWP_ERROR, "%s", m.fail);
		goto done;
	}
	/* 5. scan */
	if (s->o.scan) {
		char *rep = NULL;
		size_t nf = 0;
		err = s->o.scan(&rep, &nf, m.fs, tname, s->o.scan_payload);
		r->report = rep;
		r->findings = nf;
	}
	if (x.hit && err >= 0)
		err = x.hit == AWP_ECANCELED ? awp_error_set(AWP_ECANCELED, "canceled while reading")
					     : awp_error_set(AWP_ELIMIT, "instance time limit reached while reading");
	for (size_t i = 0; i < x.n; i++) {
		awp_ebs_stats st = {0};
		if (x.ebs[i])
			awp_source_ebs_stats(x.ebs[i], &st);
		r->blocks_listed += st.blocks_listed;
		r->blocks_fetched += st.blocks_fetched;
	}
	if (err < 0) {
		code = err == AWP_ECANCELED ? "canceled" : err == AWP_ELIMIT ? "time_limit" : "scan_failed";
		goto done;
	}
	if (m.partial)
		err = set_reason(s, r, AWP_INSTANCE_PARTIAL, "volumes_not_read", "some volumes were not read (see volumes)");
	else
		err = set_reason(s, r, AWP_INSTANCE_SCANNED, "", "");
done:
	if (err < 0 && err != AWP_ENOMEM) {
		int e2 = set_reason(s, r, AWP_INSTANCE_FAILED, code && *code ? code : "failed", awp_error_last());
		err = e2 < 0 ? e2 : 0;
	}
	cloud_machine_clear(&m);
	inst_ctx_clear(&x);
	/* 6. delete what was made for this instance, whatever happened */
	size_t nsn = 0;
	for (size_t i = 0; i < s->ncr; i++)
		nsn += s->cr[i].inst == ri;
	const char **sv = awp_arena_alloc(&s->a, (nsn + 1) * sizeof(*sv));
	if (sv) {
		size_t k = 0;
		for (size_t i = 0; i < s->ncr; i++)
			if (s->cr[i].inst == ri)
				sv[k++] = adup(s, s->cr[i].id);
		r->snapshots = sv;
		r->snapshot_count = nsn;
	}
	r->snapshots_left = delete_created(s, ri);
	r->seconds = mono() - start;
	return err;
}

static awp_aws_instance_result *new_result(awp_aws_scan *s, const char *region, const awp_aws_instance *in)
{
	if (AWP_GROW(s->res, s->capres, s->nres + 1) < 0)
		return NULL;
	awp_aws_instance_result *r = awp_arena_alloc(&s->a, sizeof(*r));
	if (!r)
		return NULL;
	memset(r, 0, sizeof(*r));
	const char *name = awp_aws_tag_get(in->tags, in->ntags, "Name");
	r->instance_id = adup(s, in->instance_id);
	r->region = adup(s, region);
	r->name = adup(s, name);
	r->state = adup(s, in->state);
	r->platform = adup(s, in->platform_details[0] ? in->platform_details : in->platform);
	r->image_id = adup(s, in->image_id);
	r->reason_code = r->reason = "";
	if (!r->instance_id || !r->region || !r->name || !r->state || !r->platform || !r->image_id)
		return NULL;
	s->res[s->nres++] = r;
	return r;
}

static int run_region(awp_aws_scan *s, region_clients *rc)
{
	awp_aws_list *l = NULL;
	int err = awp_aws_describe_instances(&l, rc->acct, s->o.instance_ids, NULL, 0);
	if (err < 0)
		return err;
	for (size_t i = 0; i < l->count && err >= 0; i++) {
		const awp_aws_instance *in = &l->u.instances[i];
		if (strcmp(in->state, "terminated") == 0 && !s->o.instance_ids)
			continue; /* gone: not worth a line */
		awp_aws_instance_result *r = new_result(s, rc->region, in);
		if (!r) {
			err = AWP_ENOMEM;
			break;
		}
		size_t ri = s->nres - 1;
		if (canceled(s))
			err = set_reason(s, r, AWP_INSTANCE_FAILED, "canceled", "the scan was canceled before this instance");
		else if (strcmp(in->state, "running") != 0) {
			char msg[96];
			snprintf(msg, sizeof msg, "instance is %s, not running", in->state);
			err = set_reason(s, r, AWP_INSTANCE_EXCLUDED, "not_running", msg);
		} else if (is_windows(s, rc->acct, in))
			err = set_reason(s, r, AWP_INSTANCE_EXCLUDED, "not_linux", "Windows instance: awp scans Linux");
		else if (awp_aws_tag_get(in->tags, in->ntags, s->o.skip_tag)) {
			char msg[192];
			snprintf(msg, sizeof msg, "tagged %s", s->o.skip_tag);
			err = set_reason(s, r, AWP_INSTANCE_SKIPPED, "skip_tag", msg);
		} else
			err = scan_instance(s, rc, in, r, ri);
		if (err >= 0 && s->o.on_instance)
			s->o.on_instance(r, s->o.payload);
	}
	awp_aws_list_free(l);
	return err;
}

AWP_EXTERN int awp_aws_scan_run(awp_aws_scan *s)
{
	int err = setup_regions(s);
	if (err < 0)
		return err;
	if (s->o.mode == AWP_AWS_SAAS) {
		if (s->o.scanner_account)
			s->scanner_account = s->o.scanner_account;
		else if ((err = caller_account(s, s->rc[0].reader)) < 0)
			return err;
	}
	/* Sweep first: a run killed earlier must not leak, even if this one fails. */
	for (size_t i = 0; i < s->nrc && !canceled(s); i++)
		if ((err = sweep_region(s, s->rc[i].acct)) < 0 && err != AWP_EAUTH)
			return err;
	err = 0;
	for (size_t i = 0; i < s->nrc && err >= 0; i++)
		err = run_region(s, &s->rc[i]);
	awp_aws_scan_cleanup(s);
	if (err >= 0 && canceled(s))
		err = awp_error_set(AWP_ECANCELED, "aws scan canceled");
	return err;
}

/* ---- JSON ---- */

AWP_EXTERN int awp_aws_instance_json(char **out, const awp_aws_scan *s, const awp_aws_instance_result *r)
{
	awp_strbuf sb = AWP_STRBUF_INIT;
	awp_jsonw w;
	awp_jsonw_init(&w, &sb, 1);
	awp_jsonw_object_begin(&w);
	awp_jsonw_kv_string(&w, "schema", "awp.aws-instance/1");
	awp_jsonw_kv_string(&w, "scan_id", s->scan_id);
	awp_jsonw_kv_string(&w, "mode", s->o.mode == AWP_AWS_SAAS ? "saas" : "in-account");
	awp_jsonw_kv_string(&w, "instance_id", r->instance_id);
	awp_jsonw_kv_string(&w, "region", r->region);
	awp_jsonw_kv_string(&w, "name", r->name);
	awp_jsonw_kv_string(&w, "state", r->state);
	awp_jsonw_kv_string(&w, "platform", r->platform);
	awp_jsonw_kv_string(&w, "image_id", r->image_id);
	awp_jsonw_kv_string(&w, "status", awp_instance_status_name(r->status));
	awp_jsonw_kv_string(&w, "reason_code", r->reason_code);
	awp_jsonw_kv_string(&w, "reason", r->reason);
	awp_jsonw_key(&w, "volumes");
	awp_jsonw_array_begin(&w);
	for (size_t i = 0; i < r->volume_count; i++) {
		const awp_aws_scan_volume *v = &r->volumes[i];
		awp_jsonw_object_begin(&w);
		awp_jsonw_kv_string(&w, "volume_id", v->volume_id);
		awp_jsonw_kv_string(&w, "device", v->device);
		awp_jsonw_kv_string(&w, "snapshot_id", v->snapshot_id);
		awp_jsonw_kv_string(&w, "name", v->name);
		awp_jsonw_kv_string(&w, "fs_type", v->fs_type);
		awp_jsonw_kv_string(&w, "mountpoint", v->mountpoint);
		awp_jsonw_kv_bool(&w, "read", v->read);
		awp_jsonw_kv_string(&w, "reason_code", v->reason_code);
		awp_jsonw_kv_string(&w, "reason", v->reason);
		awp_jsonw_object_end(&w);
	}
	awp_jsonw_array_end(&w);
	awp_jsonw_key(&w, "snapshots");
	awp_jsonw_object_begin(&w);
	awp_jsonw_key(&w, "created");
	awp_jsonw_array_begin(&w);
	for (size_t i = 0; i < r->snapshot_count; i++)
		awp_jsonw_string(&w, r->snapshots[i]);
	awp_jsonw_array_end(&w);
	awp_jsonw_kv_uint(&w, "not_deleted", r->snapshots_left);
	awp_jsonw_object_end(&w);
	awp_jsonw_key(&w, "ebs");
	awp_jsonw_object_begin(&w);
	awp_jsonw_kv_uint(&w, "blocks_listed", r->blocks_listed);
	awp_jsonw_kv_uint(&w, "blocks_fetched", r->blocks_fetched);
	awp_jsonw_object_end(&w);
	awp_jsonw_key(&w, "seconds");
	awp_jsonw_double(&w, r->seconds);
	awp_jsonw_kv_uint(&w, "findings", r->findings);
	awp_jsonw_key(&w, "report");
	if (r->report)
		awp_jsonw_raw(&w, r->report);
	else
		awp_jsonw_null(&w);
	awp_jsonw_object_end(&w);
	if (w.err < 0) {
		awp_strbuf_free(&sb);
		return w.err;
	}
	awp_strbuf_puts(&sb, "\n");
	if (!(*out = awp_strbuf_detach(&sb)))
		return AWP_ENOMEM;
	return 0;
}
