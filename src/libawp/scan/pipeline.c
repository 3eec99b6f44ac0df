/*
 * scan/pipeline.c - feed file content to the content scanners while the
 * filesystem is walked once.
 *
 * The walking thread (the inventory's walk) offers every entry here: it is
 * counted for the overview and, when a regular file is wanted by a visitor,
 * queued. In threaded mode one content thread pops jobs, reads the file in
 * AWP_SCAN_CHUNK pieces through its OWN filesystem handle (handles are not
 * thread safe; awp/fs.h) and calls the visitors; the walk meanwhile goes on
 * reading directories and package metadata. In inline mode the same work runs
 * on the walking thread. Either way visitors see files in walk order, one at
 * a time, on one thread.
 *
 * The queue is bounded (QUEUE_LEN jobs) so memory stays flat however many
 * files wait; the walker blocks when the reader falls behind.
 */
#include "scan/scan_int.h"

#include "util/error.h"
#include "util/mem.h"

#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define QUEUE_LEN 1024
#define MAX_VISITORS 8

struct job {
	char *path;
	awp_fs *fs;
	int by_path;
	const char *volume;
	awp_stat st;
	const char *package, *digest;
	unsigned want;    /* bit per visitor */
};

struct vis {
	const awp_scan_file_visitor *v;
	void *state;
	awp_scan_sink sink;
	int active;
};

struct awp_pipeline {
	awp_scan_result *r;
	struct vis vis[MAX_VISITORS];
	size_t nvis, nactive;
	int threaded, started;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t not_empty, not_full;
	struct job q[QUEUE_LEN];
	size_t qhead, qlen;
	int closed;
	int werr;                  /* first error of the content thread */
	char werr_msg[512];        /* its message (error messages are per thread) */
	awp_fs **wfs;              /* worker handles, owned */
	size_t nwfs, wfscap;
	awp_fs *walk_fs, *worker_fs;
	int by_path;               /* worker_fs numbers inodes differently: look files up by path */
	const char *volume;
	char *buf;
	_Atomic uint64_t files, bytes, cfiles, cbytes, cerrors;
	awp_scan_progress_cb progress;
	void *progress_payload;
	double t0, last;
	unsigned tick;
};

double awp_scan_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Read one file and run the visitors that want it. Returns <0 to abort. */
static int process(awp_pipeline *p, struct job *j)
{
	awp_scan_file sf = {j->path, j->volume, &j->st, j->package ? j->package : "", j->digest ? j->digest : ""};
	int err = 0, rerr = 0;
	unsigned want = j->want;
	for (size_t k = 0; k < p->nvis; k++) {
		if (!(want & (1u << k)))
			continue;
		const awp_scan_file_visitor *v = p->vis[k].v;
		if (v->file_begin && (err = v->file_begin(p->vis[k].state, &sf)) < 0)
			return err;
	}
	awp_file *fh = NULL;
	uint64_t ino = j->st.ino;
	awp_stat st2;
	if (j->by_path) {
		if ((rerr = awp_fs_lookup(j->fs, j->path, 0, &st2)) == 0)
			ino = st2.ino;
	}
	if (rerr == 0 && (rerr = awp_file_open(&fh, j->fs, ino)) == 0) {
		uint64_t off = 0;
		for (;;) {
			size_t got = 0;
			if ((rerr = awp_file_read(fh, p->buf, AWP_SCAN_CHUNK, off, &got)) < 0 || got == 0)
				break;
			off += got;
			atomic_fetch_add(&p->cbytes, got);
			for (size_t k = 0; k < p->nvis; k++) {
				if (!(want & (1u << k)) || !p->vis[k].v->file_data)
					continue;
				if ((err = p->vis[k].v->file_data(p->vis[k].state, p->buf, got)) < 0)
					goto out;
			}
		}
	}
	atomic_fetch_add(&p->cfiles, 1);
	if (rerr < 0)
		atomic_fetch_add(&p->cerrors, 1);
	for (size_t k = 0; k < p->nvis; k++) {
		if (!(want & (1u << k)) || !p->vis[k].v->file_end)
			continue;
		p->vis[k].sink.volume = j->volume;
		if ((err = p->vis[k].v->file_end(p->vis[k].state, &sf, rerr < 0 ? rerr : 0, &p->vis[k].sink)) < 0)
			goto out;
	}
out:
	awp_file_free(fh);
	return err;
}

static void *worker(void *arg)
{
	awp_pipeline *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (p->qlen == 0 && !p->closed)
			pthread_cond_wait(&p->not_empty, &p->mu);
		if (p->qlen == 0 && p->closed) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		struct job j = p->q[p->qhead];
		p->qhead = (p->qhead + 1) % QUEUE_LEN;
		p->qlen--;
		int failed = p->werr < 0;
		pthread_cond_signal(&p->not_full);
		pthread_mutex_unlock(&p->mu);
		int err = failed ? 0 : process(p, &j);
		free(j.path);
		if (err < 0) {
			pthread_mutex_lock(&p->mu);
			if (p->werr == 0) {
				p->werr = err;
				snprintf(p->werr_msg, sizeof p->werr_msg, "%s", awp_error_last());
			}
			pthread_cond_signal(&p->not_full);
			pthread_mutex_unlock(&p->mu);
		}
	}
	return NULL;
}

int awp_pipeline_new(awp_pipeline **out, awp_scan_result *r, const awp_scan_file_visitor *const *v, size_t n,
		     int threads, const char **why)
{
	awp_pipeline *p = awp_calloc(1, sizeof(*p));
	if (!p)
		return AWP_ENOMEM;
	p->r = r;
	int err = 0;
	if (n > MAX_VISITORS)
		n = MAX_VISITORS;
	for (size_t i = 0; i < n; i++) {
		why[i] = NULL;
		p->vis[i].v = v[i];
		p->vis[i].sink = (awp_scan_sink){r, v[i] ? v[i]->kind : AWP_FINDING_VULN, ""};
		if (!v[i])
			continue;
		if (v[i]->open && (err = v[i]->open(&p->vis[i].state, v[i]->config)) < 0) {
			if (err != AWP_EUNSUPPORTED && err != AWP_ENOTFOUND)
				goto fail;
			why[i] = awp_scan_str(r, awp_error_last());
			err = 0;
			continue;
		}
		p->vis[i].active = 1;
		p->nactive++;
	}
	p->nvis = n;
	if (p->nactive && !(p->buf = awp_malloc(AWP_SCAN_CHUNK))) {
		err = AWP_ENOMEM;
		goto fail;
	}
	p->threaded = p->nactive > 0 && threads > 1;
	if (p->threaded) {
		pthread_mutex_init(&p->mu, NULL);
		pthread_cond_init(&p->not_empty, NULL);
		pthread_cond_init(&p->not_full, NULL);
		if (pthread_create(&p->th, NULL, worker, p) != 0) {
			/* no thread: read content inline */
			pthread_mutex_destroy(&p->mu);
			pthread_cond_destroy(&p->not_empty);
			pthread_cond_destroy(&p->not_full);
			p->threaded = 0;
		} else {
			p->started = 1;
		}
	}
	*out = p;
	return 0;
fail:
	awp_pipeline_free(p);
	return err;
}

int awp_pipeline_active(const awp_pipeline *p, size_t i) { return i < p->nvis && p->vis[i].active; }
size_t awp_pipeline_active_count(const awp_pipeline *p) { return p->nactive; }

int awp_pipeline_volume(awp_pipeline *p, awp_fs *walk_fs, awp_fs *worker_fs, int by_path, const char *volume)
{
	p->walk_fs = walk_fs;
	p->by_path = by_path;
	p->volume = volume ? volume : "";
	if (worker_fs) {
		if (AWP_GROW(p->wfs, p->wfscap, p->nwfs + 1) < 0) {
			awp_fs_free(worker_fs);
			return AWP_ENOMEM;
		}
		p->wfs[p->nwfs++] = worker_fs;
	}
	p->worker_fs = worker_fs;
	return 0;
}

void awp_pipeline_set_progress(awp_pipeline *p, awp_scan_progress_cb cb, void *payload, double t0)
{
	p->progress = cb;
	p->progress_payload = payload;
	p->t0 = t0;
	p->last = t0;
}

void awp_pipeline_report(awp_pipeline *p, const char *phase, int done)
{
	if (!p || !p->progress)
		return;
	double now = awp_scan_now();
	awp_scan_progress pr = {phase,
				atomic_load(&p->files),
				atomic_load(&p->bytes),
				atomic_load(&p->cfiles),
				atomic_load(&p->cbytes),
				now - p->t0,
				done};
	p->last = now;
	p->progress(&pr, p->progress_payload);
}

int awp_pipeline_entry(awp_pipeline *p, awp_fs *fs, const awp_walk_entry *e, const awp_inventory *inv)
{
	atomic_fetch_add(&p->files, 1);
	if (e->st.type == AWP_FT_REG && !e->hardlink_repeat)
		atomic_fetch_add(&p->bytes, e->st.size);
	if (p->progress && (++p->tick & 255) == 0 && awp_scan_now() - p->last >= 0.2)
		awp_pipeline_report(p, "walk", 0);
	if (!p->nactive || e->st.type != AWP_FT_REG || e->hardlink_repeat)
		return 0;
	const char *digest = "", *package = "";
	if (inv) {
		long owner = awp_inventory_owner(inv, e->path, &digest);
		const awp_package *pkg = owner >= 0 ? awp_inventory_get(inv, (size_t)owner) : NULL;
		package = pkg ? pkg->name : "";
	}
	awp_scan_file sf = {e->path, p->volume, &e->st, package, digest};
	unsigned want = 0;
	for (size_t k = 0; k < p->nvis; k++)
		if (p->vis[k].active && (!p->vis[k].v->wants || p->vis[k].v->wants(p->vis[k].state, &sf) > 0))
			want |= 1u << k;
	if (!want)
		return 0;
	struct job j = {NULL, p->threaded ? p->worker_fs : fs, p->by_path, p->volume, e->st, package, digest, want};
	if (!p->threaded || !j.fs) {
		j.fs = fs;
		j.by_path = 0;
		j.path = (char *)e->path;
		return process(p, &j);
	}
	if (!(j.path = awp_strdup(e->path)))
		return AWP_ENOMEM;
	pthread_mutex_lock(&p->mu);
	while (p->qlen == QUEUE_LEN && p->werr == 0)
		pthread_cond_wait(&p->not_full, &p->mu);
	int err = p->werr;
	if (err == 0) {
		p->q[(p->qhead + p->qlen) % QUEUE_LEN] = j;
		p->qlen++;
		pthread_cond_signal(&p->not_empty);
	}
	pthread_mutex_unlock(&p->mu);
	if (err < 0)
		free(j.path);
	return err;
}

int awp_pipeline_finish(awp_pipeline *p)
{
	int err = 0;
	if (p->started) {
		pthread_mutex_lock(&p->mu);
		p->closed = 1;
		pthread_cond_signal(&p->not_empty);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->th, NULL);
		p->started = 0;
		if ((err = p->werr) < 0)
			awp_error_set(err, "%s", p->werr_msg);
	}
	for (size_t k = 0; err == 0 && k < p->nvis; k++)
		if (p->vis[k].active && p->vis[k].v->finish) {
			p->vis[k].sink.volume = "";
			err = p->vis[k].v->finish(p->vis[k].state, &p->vis[k].sink);
		}
	awp_scan_stats *st = &p->r->stats;
	st->files = atomic_load(&p->files);
	st->bytes = atomic_load(&p->bytes);
	st->content_files = atomic_load(&p->cfiles);
	st->content_bytes = atomic_load(&p->cbytes);
	st->content_errors = atomic_load(&p->cerrors);
	st->threads = p->threaded ? 2 : 1;
	return err;
}

void awp_pipeline_free(awp_pipeline *p)
{
	if (!p)
		return;
	if (p->started) {
		pthread_mutex_lock(&p->mu);
		p->closed = 1;
		p->werr = p->werr ? p->werr : AWP_ECANCELED;
		pthread_cond_signal(&p->not_empty);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->th, NULL);
	}
	if (p->threaded) {
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->not_empty);
		pthread_cond_destroy(&p->not_full);
	}
	for (size_t k = 0; k < p->nvis; k++)
		if (p->vis[k].active && p->vis[k].v->close)
			p->vis[k].v->close(p->vis[k].state);
	for (size_t i = 0; i < p->nwfs; i++)
		awp_fs_free(p->wfs[i]);
	free(p->wfs);
	free(p->buf);
	free(p);
}
