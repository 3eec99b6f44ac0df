/*
 * scan/pipeline.c - feed file content to the content scanners while the
 * filesystem is walked once.
 *
 * The walking thread (the inventory's walk) offers every entry here: it is
 * counted for the overview and, when a regular file is wanted by a visitor,
 * read on that same thread through the walk's filesystem handle (handles are
 * not thread safe, awp/fs.h). In threaded mode the chunks go through a byte
 * ring (RING_SIZE) and a message queue (begin / data / end per file) to one
 * content thread that runs the visitors, so reading (metadata, extents,
 * decompression) and scanning overlap on two cores. In inline mode the
 * visitors run on the walking thread. Either way visitors see files in walk
 * order, one at a time, on one thread.
 *
 * Memory stays flat: the ring and the queue are bounded and the reader
 * blocks when the content thread falls behind. The ring is consumed in FIFO
 * order, so free space is one number (`used`, padding at the wrap included).
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

#define QUEUE_LEN 4096          /* messages in flight */
#define RING_SIZE (8u << 20)     /* bytes of content in flight */
#define MAX_VISITORS 8

/* What the walking thread tells the content thread, in order. */
enum msg_type { MSG_BEGIN, MSG_DATA, MSG_END };

struct job {
	char *path;
	const char *volume;
	awp_stat st;
	const char *package, *digest;
	unsigned want;    /* bit per visitor */
};

struct msg {
	enum msg_type type;
	struct job job;          /* MSG_BEGIN (path owned by the message) */
	size_t off, len, span;   /* MSG_DATA: bytes at ring[off], span = len + padding freed after use */
	int read_error;          /* MSG_END */
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
	struct msg q[QUEUE_LEN];
	size_t qhead, qlen;
	unsigned char *ring;       /* threaded: content bytes between the threads */
	size_t wpos, used;
	int closed;
	int cons_waiting, wait_queue, wait_ring; /* signal only a thread that sleeps, for what it waits for */
	int werr;                  /* first error of the content thread */
	char werr_msg[512];        /* its message (error messages are per thread) */
	const char *volume;
	char *buf;                 /* inline mode: one chunk */
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

static void job_file(const struct job *j, awp_scan_file *sf)
{
	*sf = (awp_scan_file){j->path, j->volume, &j->st, j->package ? j->package : "", j->digest ? j->digest : ""};
}

static int visit_begin(awp_pipeline *p, const struct job *j)
{
	awp_scan_file sf;
	job_file(j, &sf);
	for (size_t k = 0; k < p->nvis; k++) {
		if (!(j->want & (1u << k)) || !p->vis[k].v->file_begin)
			continue;
		int err = p->vis[k].v->file_begin(p->vis[k].state, &sf);
		if (err < 0)
			return err;
	}
	return 0;
}

static int visit_data(awp_pipeline *p, const struct job *j, const void *buf, size_t len)
{
	for (size_t k = 0; k < p->nvis; k++) {
		if (!(j->want & (1u << k)) || !p->vis[k].v->file_data)
			continue;
		int err = p->vis[k].v->file_data(p->vis[k].state, buf, len);
		if (err < 0)
			return err;
	}
	return 0;
}

static int visit_end(awp_pipeline *p, const struct job *j, int read_error)
{
	awp_scan_file sf;
	job_file(j, &sf);
	for (size_t k = 0; k < p->nvis; k++) {
		if (!(j->want & (1u << k)) || !p->vis[k].v->file_end)
			continue;
		p->vis[k].sink.volume = j->volume;
		int err = p->vis[k].v->file_end(p->vis[k].state, &sf, read_error, &p->vis[k].sink);
		if (err < 0)
			return err;
	}
	return 0;
}

/* ---- threaded mode: the walking thread reads, the content thread scans ---- */

static int push(awp_pipeline *p, const struct msg *m)
{
	pthread_mutex_lock(&p->mu);
	while (p->qlen == QUEUE_LEN && p->werr == 0) {
		p->wait_queue = 1;
		pthread_cond_wait(&p->not_full, &p->mu);
	}
	int err = p->werr;
	if (err == 0) {
		p->q[(p->qhead + p->qlen) % QUEUE_LEN] = *m;
		p->qlen++;
		if (p->cons_waiting)
			pthread_cond_signal(&p->not_empty);
	}
	pthread_mutex_unlock(&p->mu);
	return err;
}

/* Reserve `len` contiguous bytes of the ring (wrapping to 0 when the end is
 * too short); *span counts the padding skipped, freed with the data. */
static int reserve(awp_pipeline *p, size_t len, size_t *off, size_t *span)
{
	int wrap = p->wpos + len > RING_SIZE;
	size_t pad = wrap ? RING_SIZE - p->wpos : 0; /* may be 0 when wpos is at the very end */
	pthread_mutex_lock(&p->mu);
	while (p->used + pad + len > RING_SIZE && p->werr == 0) {
		p->wait_ring = 1;
		pthread_cond_wait(&p->not_full, &p->mu);
	}
	int err = p->werr;
	if (err == 0)
		p->used += pad + len;
	pthread_mutex_unlock(&p->mu);
	if (err < 0)
		return err;
	*off = wrap ? 0 : p->wpos;
	*span = pad + len;
	p->wpos = *off + len;
	return 0;
}

static void *worker(void *arg)
{
	awp_pipeline *p = arg;
	struct job cur = {0};
	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (p->qlen == 0 && !p->closed) {
			p->cons_waiting = 1;
			pthread_cond_wait(&p->not_empty, &p->mu);
			p->cons_waiting = 0;
		}
		if (p->qlen == 0 && p->closed) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		struct msg m = p->q[p->qhead];
		p->qhead = (p->qhead + 1) % QUEUE_LEN;
		p->qlen--;
		int failed = p->werr < 0;
		pthread_mutex_unlock(&p->mu);
		int err = 0;
		switch (m.type) {
		case MSG_BEGIN:
			free(cur.path);
			cur = m.job;
			if (!failed)
				err = visit_begin(p, &cur);
			break;
		case MSG_DATA:
			if (!failed && m.len)
				err = visit_data(p, &cur, p->ring + m.off, m.len);
			break;
		case MSG_END:
			if (!failed)
				err = visit_end(p, &cur, m.read_error);
			free(cur.path);
			cur.path = NULL;
			break;
		}
		pthread_mutex_lock(&p->mu);
		if (m.type == MSG_DATA)
			p->used -= m.span;
		if (err < 0 && p->werr == 0) {
			p->werr = err;
			snprintf(p->werr_msg, sizeof p->werr_msg, "%s", awp_error_last());
		}
		/* wake the reader once half the ring/queue is free, or on error */
		if ((p->wait_ring && (err < 0 || p->used <= RING_SIZE / 2)) ||
		    (p->wait_queue && (err < 0 || p->qlen <= QUEUE_LEN / 2))) {
			p->wait_ring = p->wait_queue = 0;
			pthread_cond_signal(&p->not_full);
		}
		pthread_mutex_unlock(&p->mu);
	}
	free(cur.path);
	return NULL;
}

/* Whether a visitor wanting the file may decline its rest after the head. */
static int asks_rest(const awp_pipeline *p, const struct job *j)
{
	for (size_t k = 0; k < p->nvis; k++)
		if ((j->want & (1u << k)) && p->vis[k].v->version >= 2 && p->vis[k].v->wants_rest)
			return 1;
	return 0;
}

/* After the first AWP_SCAN_HEAD bytes of a file (`head`: the content
 * thread only reads them, and only this thread writes the ring, so they stay
 * valid until the next read): does any visitor that wants the file need the
 * rest of it? */
static int needs_rest(awp_pipeline *p, const struct job *j, const void *head, size_t len)
{
	awp_scan_file sf;
	job_file(j, &sf);
	for (size_t k = 0; k < p->nvis; k++) {
		if (!(j->want & (1u << k)))
			continue;
		const awp_scan_file_visitor *v = p->vis[k].v;
		if (v->version < 2 || !v->wants_rest || v->wants_rest(p->vis[k].state, &sf, head, len) != 0)
			return 1;
	}
	return 0;
}

/* Read one file on the walking thread: inline, run the visitors here;
 * threaded, hand the chunks to the content thread through the ring. */
static int process(awp_pipeline *p, awp_fs *fs, struct job *j)
{
	int err = 0, rerr = 0;
	struct msg m;
	if (p->threaded) {
		memset(&m, 0, sizeof m);
		m.type = MSG_BEGIN;
		m.job = *j;
		if (!(m.job.path = awp_strdup(j->path)))
			return AWP_ENOMEM;
		if ((err = push(p, &m)) < 0) {
			free(m.job.path);
			return err;
		}
	} else if ((err = visit_begin(p, j)) < 0) {
		return err;
	}
	awp_file *fh = NULL;
	if ((rerr = awp_file_open(&fh, fs, j->st.ino)) == 0) {
		uint64_t off = 0, size = awp_file_size(fh);
		/* first read only the head when a visitor may decline the rest */
		int ask = size > AWP_SCAN_HEAD && asks_rest(p, j);
		while (off < size) {
			size_t got = 0, want = size - off < AWP_SCAN_CHUNK ? (size_t)(size - off) : AWP_SCAN_CHUNK;
			if (ask)
				want = AWP_SCAN_HEAD;
			unsigned char *dst = (unsigned char *)p->buf;
			size_t roff = 0, span = 0;
			if (p->threaded) {
				if ((err = reserve(p, want, &roff, &span)) < 0)
					break;
				dst = p->ring + roff;
			}
			rerr = awp_file_read(fh, dst, want, off, &got);
			if (rerr < 0)
				got = 0;

			off += got;
			atomic_fetch_add(&p->cbytes, got);
			if (p->threaded) {
				/* even an empty message: it frees the reserved bytes */
				memset(&m, 0, sizeof m);
				m.type = MSG_DATA;
				m.off = roff;
				m.len = got;
				m.span = span;
				err = push(p, &m);
			} else if (got) {
				err = visit_data(p, j, dst, got);
			}
			if (err < 0 || rerr < 0 || got == 0)
				break;
			if (ask) {
				ask = 0;
				if (got == want && !needs_rest(p, j, dst, got))
					break;
			}
		}
	}
	awp_file_free(fh);
	if (err < 0)
		return err;
	atomic_fetch_add(&p->cfiles, 1);
	if (rerr < 0)
		atomic_fetch_add(&p->cerrors, 1);
	if (p->threaded) {
		memset(&m, 0, sizeof m);
		m.type = MSG_END;
		m.read_error = rerr < 0 ? rerr : 0;
		return push(p, &m);
	}
	return visit_end(p, j, rerr < 0 ? rerr : 0);
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
	p->threaded = p->nactive > 0 && threads > 1;
	if (p->threaded && !(p->ring = awp_malloc(RING_SIZE)))
		p->threaded = 0;
	if (p->nactive && !(p->buf = awp_malloc(AWP_SCAN_CHUNK))) {
		err = AWP_ENOMEM;
		goto fail;
	}
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

int awp_pipeline_volume(awp_pipeline *p, const char *volume)
{
	p->volume = volume ? volume : "";
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
	struct job j = {(char *)e->path, p->volume, e->st, package, digest, want};
	return process(p, fs, &j);
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
	while (p->qlen) { /* messages left after an abort */
		struct msg *m = &p->q[p->qhead];
		if (m->type == MSG_BEGIN)
			free(m->job.path);
		p->qhead = (p->qhead + 1) % QUEUE_LEN;
		p->qlen--;
	}
	free(p->ring);
	free(p->buf);
	free(p);
}
