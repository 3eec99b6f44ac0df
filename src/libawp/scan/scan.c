/*
 * scan/scan.c - awp_scan_run: open the target, walk the root filesystem once
 * (the inventory's walk, shared with the content scanners through the
 * pipeline), walk the other readable volumes when a content scanner runs,
 * match the inventory against the advisory database, add exploitation data,
 * and gather everything into one result.
 *
 * No scanner ever produces results it did not compute: a requested scanner
 * that cannot run is listed with the reason.
 */
#include "scan/scan_int.h"

#include <awp/target.h>
#include <awp/volume.h>

#include "util/error.h"
#include "util/mem.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct hook {
	awp_pipeline *p;
	const awp_inventory *inv;
};

static int inv_hook(awp_fs *fs, const awp_walk_entry *e, const awp_inventory *inv, void *payload)
{
	struct hook *h = payload;
	return awp_pipeline_entry(h->p, fs, e, inv);
}

static int walk_hook(awp_fs *fs, const awp_walk_entry *e, void *payload)
{
	struct hook *h = payload;
	if (e->st.type == AWP_FT_DIR && e->depth == 1 &&
	    (strcmp(e->path, "/proc") == 0 || strcmp(e->path, "/sys") == 0 || strcmp(e->path, "/dev") == 0))
		return AWP_WALK_SKIP;
	return awp_pipeline_entry(h->p, fs, e, h->inv);
}

/* A second handle on a volume for another thread (handles are not thread
 * safe), or NULL. */
static awp_fs *second_handle(const awp_target *t, const awp_target_volume *tv)
{
	awp_fs *fs = NULL;
	if (!tv->volume)
		return awp_fs_open_dir(&fs, awp_target_path(t)) == 0 ? fs : NULL;
	awp_disk *d = awp_target_disk(t);
	for (size_t i = 0; d && i < awp_disk_volume_count(d); i++) {
		if (awp_disk_volume(d, i) != tv->volume)
			continue;
		awp_source *src = awp_disk_volume_source(d, i);
		if (src && awp_fs_open(&fs, src, awp_fs_name(tv->fs)) == 0)
			return fs;
		return NULL;
	}
	return NULL;
}

/* A filesystem scanner's run: into a result of its own (merged after), so
 * that it can run on its own thread while the walk fills the main result. */
struct fs_job {
	const awp_scan_fs_scanner *s;
	awp_fs *fs;
	awp_fs *own_fs;            /* the thread's handle, freed after */
	const awp_inventory *inv;
	const char *db_path;
	awp_scan_result *tmp;
	int err;
	char msg[512];
	double seconds;
	pthread_t th;
	int started;
};

static void run_fs_job(struct fs_job *j)
{
	double t0 = awp_scan_now();
	awp_scan_sink sink = {j->tmp, j->s->kind, ""};
	j->err = j->s->scan(j->fs, j->inv, j->db_path, &sink, j->s->config);
	if (j->err < 0)
		snprintf(j->msg, sizeof j->msg, "%s", awp_error_last());
	j->seconds = awp_scan_now() - t0;
}

static void *fs_thread(void *arg)
{
	run_fs_job(arg);
	return NULL;
}

/* Move a job's findings and notes into the result. */
static int merge_fs_job(awp_scan_result *r, struct fs_job *j, const char *volume)
{
	for (size_t i = 0; i < j->tmp->nf; i++) {
		awp_finding f = j->tmp->f[i];
		f.volume = volume;
		int err = awp_scan_push(r, &f);
		if (err < 0 && err != AWP_ELIMIT)
			return err;
	}
	r->dropped[j->s->kind] += j->tmp->dropped[j->s->kind];
	for (size_t i = 0; i < j->tmp->nnotes; i++) {
		int err = awp_scan_add_note(r, "%s", j->tmp->notes[i]);
		if (err < 0)
			return err;
	}
	return 0;
}

static int add_volumes(awp_scan_result *r, const awp_target *t, const awp_fs *root)
{
	size_t n = awp_target_volume_count(t);
	for (size_t i = 0; i < n; i++) {
		const awp_target_volume *tv = awp_target_volume_get(t, i);
		if (AWP_GROW(r->vols, r->volcap, r->nvols + 1) < 0)
			return AWP_ENOMEM;
		awp_scan_volume *v = &r->vols[r->nvols++];
		memset(v, 0, sizeof(*v));
		v->name = awp_scan_str(r, tv->name);
		v->fs_type = awp_scan_str(r, tv->fs ? awp_fs_info_get(tv->fs)->type : tv->volume ? tv->volume->fs_type : "");
		v->size = tv->volume ? tv->volume->size : awp_fs_info_get(tv->fs)->size_bytes;
		v->read = tv->status == AWP_VOLUME_READ;
		v->is_root = tv->fs && tv->fs == root;
		v->walked = v->is_root;
		v->reason_code = awp_scan_str(r, tv->reason_code);
		v->reason = awp_scan_str(r, tv->reason);
		if (!v->name || !v->fs_type || !v->reason_code || !v->reason)
			return AWP_ENOMEM;
	}
	return 0;
}

/* Wrap the matcher's findings, with KEV/EPSS data for their CVE ids. */
static int add_vulns(awp_scan_result *r, awp_vulndb *db, const char *volume)
{
	for (size_t i = 0; i < awp_vuln_report_count(r->vulns); i++) {
		const awp_vuln_finding *v = awp_vuln_report_get(r->vulns, i);
		awp_finding f;
		memset(&f, 0, sizeof f);
		f.kind = AWP_FINDING_VULN;
		f.id = v->id;
		f.severity = v->severity;
		f.category = v->pkg_type;
		f.title = v->summary[0] ? v->summary : v->id;
		f.path = v->pkg_path;
		char evidence[512];
		snprintf(evidence, sizeof evidence, "%s %s", v->pkg_name, v->pkg_version);
		f.evidence = evidence;
		f.fingerprint = "";
		f.package = v->pkg_name;
		f.remediation = "";
		f.volume = volume;
		f.vuln = v;
		f.epss = f.epss_percentile = -1;
		f.kev_date_added = "";
		char kev_date[16] = "";
		for (size_t k = 0; k < v->id_count; k++) {
			awp_vulndb_exploit x;
			int rc = awp_vulndb_exploit_get(db, v->ids[k], &x);
			if (rc < 0)
				return rc;
			if (rc == 0)
				continue;
			if (x.kev && !f.kev) {
				f.kev = 1;
				snprintf(kev_date, sizeof kev_date, "%s", x.kev_date_added);
			}
			if (x.epss > f.epss) {
				f.epss = x.epss;
				f.epss_percentile = x.epss_percentile;
			}
		}
		f.kev_date_added = kev_date;
		int err = awp_scan_push(r, &f);
		if (err == AWP_ELIMIT)
			break;
		if (err < 0)
			return err;
	}
	return 0;
}

AWP_EXTERN int awp_scan_run(awp_scan_result **out, const char *target_path, const awp_scan_options *opts)
{
	awp_scan_options defaults = AWP_SCAN_OPTIONS_INIT;
	if (!opts)
		opts = &defaults;
	double t0 = awp_scan_now();
	int64_t now = opts->now ? opts->now : (int64_t)time(NULL);
	awp_scan_result *r = NULL;
	awp_vulndb *db = NULL;
	awp_target *t = NULL;
	awp_pipeline *pipe = NULL;
	awp_inventory *inv = NULL;
	struct fs_job fsj[AWP_FINDING_KIND_COUNT];
	size_t nfsj = 0;
	int err;
	if ((err = awp_scan_result_new(&r, target_path, now)) < 0)
		return err;
	r->exposure = opts->exposure;
	unsigned want = opts->scanners ? opts->scanners : AWP_SCANNER_ALL;

	/* Scanners and their availability. */
	r->nscanners = AWP_FINDING_KIND_COUNT;
	for (int k = 0; k < AWP_FINDING_KIND_COUNT; k++) {
		awp_scan_scanner_status *s = &r->scanners[k];
		s->kind = (awp_finding_kind)k;
		s->name = k == AWP_FINDING_VULN ? "vuln" : k == AWP_FINDING_SECRET ? "secret" : "threat";
		s->requested = (want >> k) & 1u;
		s->reason = s->requested ? "" : "not requested (--scanners)";
	}
	const char *db_path = NULL;
	if (r->scanners[AWP_FINDING_VULN].requested) {
		const char *path = db_path = opts->db_path ? opts->db_path : awp_vulndb_default_path();
		if ((err = awp_vulndb_open(&db, path)) < 0)
			goto fail;
		awp_vulndb_exploit_sources_get(db, &r->xsrc);
		r->db_fresh_at = awp_vulndb_fresh_at(db);
	}
	const awp_scan_file_visitor *vis[AWP_FINDING_KIND_COUNT] = {0};
	const char *why[AWP_FINDING_KIND_COUNT] = {0};
	size_t nvis = 0;
	awp_finding_kind vis_kind[AWP_FINDING_KIND_COUNT];
	for (int k = AWP_FINDING_SECRET; k < AWP_FINDING_KIND_COUNT; k++) {
		awp_scan_scanner_status *s = &r->scanners[k];
		if (!s->requested)
			continue;
		const awp_scan_file_visitor *v = NULL;
		for (size_t i = 0; i < opts->visitor_count; i++)
			if (opts->visitors[i] && opts->visitors[i]->kind == (awp_finding_kind)k)
				v = opts->visitors[i];
		const char *missing = "no scanner of this kind";
		const awp_scan_fs_scanner *fsc = NULL;
		for (size_t i = 0; !v && i < awp_scan_builtin_count; i++)
			if (awp_scan_builtins[i].kind == (awp_finding_kind)k) {
				v = awp_scan_builtins[i].visitor;
				fsc = awp_scan_builtins[i].fs_scanner;
				missing = awp_scan_builtins[i].missing;
			}
		if (!v && fsc) {
			memset(&fsj[nfsj], 0, sizeof fsj[nfsj]);
			fsj[nfsj++].s = fsc;
			continue;
		}
		if (!v) {
			s->reason = missing;
			continue;
		}
		vis_kind[nvis] = (awp_finding_kind)k;
		vis[nvis++] = v;
	}

	awp_fs *root = opts->fs;
	const awp_target_volume *root_tv = NULL;
	if (root) {
		/* A filesystem the caller assembled: no image, no other volumes. */
		if (!(r->format = awp_scan_str(r, awp_fs_info_get(root)->type))) {
			err = AWP_ENOMEM;
			goto fail;
		}
	} else {
		if ((err = awp_target_open(&t, target_path)) < 0)
			goto fail;
		if (!(r->format = awp_scan_str(r, awp_target_format(t)))) {
			err = AWP_ENOMEM;
			goto fail;
		}
		root = awp_target_pick_fs(t, opts->volume);
		if (!root) {
			err = awp_error_prefix(AWP_ENOTFOUND, "%s: ", target_path);
			goto fail;
		}
		if ((err = add_volumes(r, t, root)) < 0)
			goto fail;
		for (size_t i = 0; i < awp_target_volume_count(t); i++)
			if (awp_target_volume_get(t, i)->fs == root)
				root_tv = awp_target_volume_get(t, i);
	}
	const char *root_name = root_tv && root_tv->volume ? root_tv->name : "";

	int threads = opts->threads, content_threads = threads;
	if (threads <= 0) {
		/* A filesystem scanner (threats) beside the walk pays whenever
		 * there is a second core: it is the larger half of the work. The
		 * content thread only overlaps reading with scanning; it helps
		 * when a core is idle (docs/benchmarks.md, "Scan"): on a busy
		 * machine the hand-off costs more than it saves. */
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		double load = 0;
		if (getloadavg(&load, 1) != 1)
			load = 0;
		threads = (nvis > 0 || nfsj > 0) && ncpu > 1 ? 2 : 1;
		content_threads = threads > 1 && load < (double)ncpu - 0.5 ? 2 : 1;
	}
	/* Filesystem scanners: on a thread of their own (with their own handle)
	 * when there is a second core, else after the walk with the inventory.
	 * With one running beside the walk, the visitors run on the walking
	 * thread: two busy threads for two cores. */
	int fs_concurrent = 0;
	for (size_t i = 0; i < nfsj; i++) {
		fsj[i].fs = root;
		fsj[i].db_path = db_path;
		if ((err = awp_scan_result_new(&fsj[i].tmp, target_path, now)) < 0)
			goto fail;
		if (threads > 1 && root_tv && (fsj[i].own_fs = second_handle(t, root_tv)) != NULL) {
			fsj[i].fs = fsj[i].own_fs;
			if (pthread_create(&fsj[i].th, NULL, fs_thread, &fsj[i]) == 0) {
				fsj[i].started = 1;
				fs_concurrent = 1;
			} else {
				awp_fs_free(fsj[i].own_fs);
				fsj[i].own_fs = NULL;
				fsj[i].fs = root;
			}
		}
	}
	if ((err = awp_pipeline_new(&pipe, r, vis, nvis, fs_concurrent ? 1 : content_threads, why)) < 0)
		goto fail;
	for (size_t i = 0; i < nvis; i++)
		if (why[i])
			r->scanners[vis_kind[i]].reason = why[i];
	awp_pipeline_set_progress(pipe, opts->progress, opts->progress_payload, t0);
	if ((err = awp_pipeline_volume(pipe, root_name)) < 0)
		goto fail;

	awp_inventory_options io = AWP_INVENTORY_OPTIONS_INIT;
	struct hook h = {pipe, NULL};
	io.on_entry = inv_hook;
	io.entry_payload = &h;
	if ((err = awp_inventory_collect(&inv, root, &io)) < 0)
		goto fail;
	r->stats.walk_errors = awp_fs_walk_errors(root);
	/* Other filesystems (an ESP, a separate /home) hold no packages of the
	 * root's OS but can hold secrets and threats. */
	if (t && awp_pipeline_active_count(pipe)) {
		for (size_t i = 0; i < awp_target_volume_count(t); i++) {
			const awp_target_volume *tv = awp_target_volume_get(t, i);
			if (!tv->fs || tv->fs == root)
				continue;
			if ((err = awp_pipeline_volume(pipe, tv->name)) < 0)
				goto fail;
			struct hook h2 = {pipe, NULL};
			awp_walk_options wo = AWP_WALK_OPTIONS_INIT;
			if ((err = awp_fs_walk(tv->fs, &wo, walk_hook, &h2)) < 0)
				goto fail;
			r->stats.walk_errors += awp_fs_walk_errors(tv->fs);
			for (size_t k = 0; k < r->nvols; k++)
				if (strcmp(r->vols[k].name, tv->name) == 0)
					r->vols[k].walked = 1;
		}
	}
	if ((err = awp_pipeline_finish(pipe)) < 0)
		goto fail;
	for (size_t i = 0; i < nfsj; i++) {
		if (fsj[i].started) {
			pthread_join(fsj[i].th, NULL);
			fsj[i].started = 0;
		} else {
			awp_pipeline_report(pipe, fsj[i].s->name, 0);
			fsj[i].inv = inv;
			run_fs_job(&fsj[i]);
		}
		awp_scan_scanner_status *st = &r->scanners[fsj[i].s->kind];
		if (fsj[i].err == AWP_EUNSUPPORTED || fsj[i].err == AWP_ENOTFOUND) {
			if (!(st->reason = awp_scan_str(r, fsj[i].msg))) {
				err = AWP_ENOMEM;
				goto fail;
			}
			continue;
		}
		if (fsj[i].err < 0) {
			err = awp_error_set(fsj[i].err, "%s", fsj[i].msg);
			goto fail;
		}
		if ((err = merge_fs_job(r, &fsj[i], root_name)) < 0)
			goto fail;
		if (fsj[i].own_fs)
			r->stats.threads++; /* it ran on a thread of its own */
		st->ran = 1;
		st->seconds = fsj[i].seconds;
	}
	double t_walk = awp_scan_now();
	r->stats.walk_seconds = t_walk - t0;
	r->inv = inv;
	inv = NULL;
	r->os = *awp_inventory_os(r->inv);
	r->stats.packages = awp_inventory_count(r->inv);
	for (size_t i = 0; i < nvis; i++)
		if (awp_pipeline_active(pipe, i)) {
			r->scanners[vis_kind[i]].ran = 1;
			r->scanners[vis_kind[i]].seconds = r->stats.walk_seconds;
		}

	if (db) {
		awp_pipeline_report(pipe, "match", 0);
		awp_vuln_options vo = AWP_VULN_OPTIONS_INIT;
		vo.warn = opts->warn;
		vo.payload = opts->warn_payload;
		if ((err = awp_vuln_match(&r->vulns, db, r->inv, &vo)) < 0)
			goto fail;
		if ((err = add_vulns(r, db, root_name)) < 0)
			goto fail;
		r->stats.match_seconds = awp_scan_now() - t_walk;
		r->scanners[AWP_FINDING_VULN].ran = 1;
		r->scanners[AWP_FINDING_VULN].seconds = r->stats.match_seconds;
	}
	for (int k = 0; k < AWP_FINDING_KIND_COUNT; k++)
		if (r->dropped[k] && (err = awp_scan_add_note(r, "%zu more %s findings not kept (limit %d)", r->dropped[k],
							       awp_finding_kind_name((awp_finding_kind)k), AWP_SCAN_MAX_FINDINGS)) < 0)
			goto fail;
	if (r->stats.walk_errors &&
	    (err = awp_scan_add_note(r, "%llu paths could not be read during the walk", (unsigned long long)r->stats.walk_errors)) < 0)
		goto fail;
	if (r->stats.content_errors &&
	    (err = awp_scan_add_note(r, "%llu files could not be read by the content scanners",
				     (unsigned long long)r->stats.content_errors)) < 0)
		goto fail;
	if ((err = awp_scan_result_refresh(r)) < 0)
		goto fail;
	r->stats.seconds = awp_scan_now() - t0;
	awp_pipeline_report(pipe, "done", 1);
	for (size_t i = 0; i < nfsj; i++) {
		awp_fs_free(fsj[i].own_fs);
		awp_scan_result_free(fsj[i].tmp);
	}
	awp_pipeline_free(pipe);
	awp_target_free(t);
	awp_vulndb_close(db);
	*out = r;
	return 0;
fail:
	for (size_t i = 0; i < nfsj; i++) {
		if (fsj[i].started)
			pthread_join(fsj[i].th, NULL);
		awp_fs_free(fsj[i].own_fs);
		awp_scan_result_free(fsj[i].tmp);
	}
	awp_pipeline_free(pipe);
	awp_inventory_free(inv);
	awp_target_free(t);
	awp_vulndb_close(db);
	awp_scan_result_free(r);
	return err;
}
