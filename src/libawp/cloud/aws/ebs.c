/*
 * cloud/aws/ebs.c - an EBS snapshot as an awp source, read through the EBS
 * direct APIs.
 *
 * At open, ListSnapshotBlocks (paginated) gives the size of the volume
 * (VolumeSize GiB), the block size (512 KiB on AWS) and, for every block
 * that holds data, its index and a block token. A read fetches the blocks
 * it covers with GetSnapshotBlock, several at once over one curl multi
 * handle (bounded by `inflight`), checks each against its x-amz-Checksum
 * (base64 SHA-256 of the block) and keeps it in a bounded LRU cache in
 * memory. Blocks the list does not name were never written: they read as
 * zeros without a request. Nothing is written to local disk.
 *
 * Invariants: a read is served in batches of at most half the cache, so a
 * block fetched for the current batch is never evicted before it has been
 * copied out; a slot is valid only once its data passed the checksum.
 * The core serialises reads (thread_safe = 0): parallelism is within a read.
 */
#include "cloud/aws/aws_int.h"

#include <awp/sys/source.h>

#include "util/crypto_dl.h"
#include "util/error.h"
#include "util/mem.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NO_BLOCK UINT64_MAX

typedef struct slot {
	uint64_t index; /* NO_BLOCK when empty or being filled */
	uint8_t *data;
	uint64_t tick;  /* last use, for LRU */
	int busy;       /* being filled by the current batch */
} slot;

typedef struct ebs {
	awp_aws_client *c;
	char *snap;
	char *base_url;
	char name[96];
	uint64_t block_size;
	uint64_t volume_size;
	uint64_t nvol_blocks;
	/* listed blocks, sorted by index */
	uint64_t *idx;
	char **tok;
	size_t n;
	awp_arena arena;
	/* cache */
	slot *slots;
	size_t nslots;
	uint64_t tick;
	unsigned inflight;
	unsigned readahead;
	uint64_t last_end; /* end offset of the previous read, to detect sequential reads */
	CURLM *multi;
	awp_ebs_stats st;
} ebs;

static const awp_source_ops ebs_ops;

/* ---- ListSnapshotBlocks ---- */

static int json_u64(const cJSON *v, uint64_t *out)
{
	/* AWS sends numbers; moto sends block indices as strings */
	if (cJSON_IsNumber(v)) {
		if (v->valuedouble < 0 || v->valuedouble > 9007199254740992.0)
			return -1;
		*out = (uint64_t)v->valuedouble;
		return 0;
	}
	if (cJSON_IsString(v) && v->valuestring[0]) {
		char *e;
		unsigned long long x = strtoull(v->valuestring, &e, 10);
		if (*e || v->valuestring[0] == '-')
			return -1;
		*out = x;
		return 0;
	}
	return -1;
}

static int add_block(ebs *e, size_t *cap, uint64_t index, const char *token)
{
	if (e->n >= e->nvol_blocks)
		return awp_error_set(AWP_ECORRUPT, "%s: more blocks listed than the volume holds", e->name);
	if (e->n >= *cap) {
		size_t nc = *cap ? *cap * 2 : 1024;
		uint64_t *ni = awp_reallocarray(e->idx, nc, sizeof(*ni));
		if (!ni)
			return AWP_ENOMEM;
		e->idx = ni;
		char **nt = awp_reallocarray(e->tok, nc, sizeof(*nt));
		if (!nt)
			return AWP_ENOMEM;
		e->tok = nt;
		*cap = nc;
	}
	e->idx[e->n] = index;
	if (!(e->tok[e->n] = awp_arena_strdup(&e->arena, token)))
		return AWP_ENOMEM;
	e->n++;
	return 0;
}

static int parse_page(ebs *e, size_t *cap, const char *body, size_t len, char **next)
{
	cJSON *j = cJSON_ParseWithLength(body, len);
	int err = 0;
	*next = NULL;
	if (!j)
		return awp_error_set(AWP_ECORRUPT, "%s: ListSnapshotBlocks response is not JSON", e->name);
	uint64_t bs = 0, vs = 0;
	if (json_u64(cJSON_GetObjectItemCaseSensitive(j, "BlockSize"), &bs) < 0 ||
	    json_u64(cJSON_GetObjectItemCaseSensitive(j, "VolumeSize"), &vs) < 0) {
		err = awp_error_set(AWP_ECORRUPT, "%s: ListSnapshotBlocks response lacks BlockSize/VolumeSize", e->name);
		goto done;
	}
	if (bs < 512 || bs > AWP_MAX_EBS_BLOCK_SIZE || (bs & (bs - 1)) != 0) {
		err = awp_error_set(AWP_ECORRUPT, "%s: block size %llu is not valid", e->name, (unsigned long long)bs);
		goto done;
	}
	if (vs == 0 || vs > AWP_MAX_EBS_VOLUME_GIB) {
		err = awp_error_set(AWP_ELIMIT, "%s: volume size %llu GiB is outside 1..%u", e->name, (unsigned long long)vs,
				    AWP_MAX_EBS_VOLUME_GIB);
		goto done;
	}
	if (e->block_size && (e->block_size != bs || e->volume_size != vs << 30)) {
		err = awp_error_set(AWP_ECORRUPT, "%s: block or volume size changed between pages", e->name);
		goto done;
	}
	e->block_size = bs;
	e->volume_size = vs << 30;
	e->nvol_blocks = e->volume_size / bs;
	const cJSON *blocks = cJSON_GetObjectItemCaseSensitive(j, "Blocks");
	const cJSON *b;
	cJSON_ArrayForEach(b, blocks)
	{
		uint64_t index;
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(b, "BlockToken");
		if (json_u64(cJSON_GetObjectItemCaseSensitive(b, "BlockIndex"), &index) < 0 || !cJSON_IsString(t) ||
		    !t->valuestring[0] || strlen(t->valuestring) > AWP_MAX_EBS_TOKEN) {
			err = awp_error_set(AWP_ECORRUPT, "%s: a listed block has no valid index or token", e->name);
			goto done;
		}
		if (index >= e->nvol_blocks) {
			err = awp_error_set(AWP_ECORRUPT, "%s: block %llu is beyond the volume's %llu blocks", e->name,
					    (unsigned long long)index, (unsigned long long)e->nvol_blocks);
			goto done;
		}
		if ((err = add_block(e, cap, index, t->valuestring)) < 0)
			goto done;
	}
	const cJSON *nt = cJSON_GetObjectItemCaseSensitive(j, "NextToken");
	if (cJSON_IsString(nt) && nt->valuestring[0] && !(*next = awp_strdup(nt->valuestring)))
		err = AWP_ENOMEM;
done:
	cJSON_Delete(j);
	return err;
}

static int cmp_pair(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Sort the listing by index (AWS sends it sorted; nothing relies on it) and
 * reject duplicates. */
static int sort_blocks(ebs *e)
{
	int sorted = 1;
	for (size_t i = 1; i < e->n && sorted; i++)
		sorted = e->idx[i - 1] < e->idx[i];
	if (sorted)
		return 0;
	typedef struct {
		uint64_t idx;
		char *tok;
	} pair;
	pair *p = awp_calloc(e->n, sizeof(*p));
	if (!p)
		return AWP_ENOMEM;
	for (size_t i = 0; i < e->n; i++)
		p[i] = (pair){e->idx[i], e->tok[i]};
	qsort(p, e->n, sizeof(*p), cmp_pair);
	int err = 0;
	for (size_t i = 0; i < e->n; i++) {
		if (i && p[i].idx == p[i - 1].idx)
			err = awp_error_set(AWP_ECORRUPT, "%s: block %llu listed twice", e->name, (unsigned long long)p[i].idx);
		e->idx[i] = p[i].idx;
		e->tok[i] = p[i].tok;
	}
	free(p);
	return err;
}

static int list_blocks(ebs *e)
{
	awp_strbuf path = AWP_STRBUF_INIT, query = AWP_STRBUF_INIT;
	aws_response rs = {0};
	char *token = NULL, what[160];
	size_t cap = 0;
	int err = 0;
	snprintf(what, sizeof what, "ebs ListSnapshotBlocks %s", e->snap);
	if ((err = awp_strbuf_puts(&path, "/snapshots/")) < 0 || (err = aws_uri_encode(&path, e->snap, 0)) < 0 ||
	    (err = awp_strbuf_puts(&path, "/blocks")) < 0)
		goto done;
	for (unsigned page = 0;; page++) {
		if (page >= AWP_MAX_AWS_PAGES) {
			err = awp_error_set(AWP_ELIMIT, "%s: more than %u pages", what, AWP_MAX_AWS_PAGES);
			break;
		}
		awp_strbuf_truncate(&query, 0);
		if ((err = awp_strbuf_puts(&query, "maxResults=10000")) < 0)
			break;
		if (token && ((err = awp_strbuf_puts(&query, "&pageToken=")) < 0 ||
			      (err = aws_uri_encode(&query, token, 0)) < 0))
			break;
		aws_request rq = {
			.method = "GET",
			.service = "ebs",
			.base_url = e->base_url,
			.path = path.ptr,
			.query = query.ptr,
			.what = what,
		};
		if ((err = aws_call(e->c, &rq, &rs)) < 0)
			break;
		free(token);
		token = NULL;
		if ((err = parse_page(e, &cap, rs.body.ptr ? rs.body.ptr : "", rs.body.len, &token)) < 0 || !token)
			break;
	}
	if (err >= 0)
		err = sort_blocks(e);
done:
	free(token);
	aws_response_free(&rs);
	awp_strbuf_free(&path);
	awp_strbuf_free(&query);
	return err;
}

/* ---- cache ---- */

static long find_listed(const ebs *e, uint64_t index)
{
	size_t lo = 0, hi = e->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (e->idx[mid] < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < e->n && e->idx[lo] == index ? (long)lo : -1;
}

static slot *cache_find(ebs *e, uint64_t index)
{
	for (size_t i = 0; i < e->nslots; i++)
		if (e->slots[i].index == index) {
			e->slots[i].tick = ++e->tick;
			return &e->slots[i];
		}
	return NULL;
}

/* The least recently used slot that is not being filled (an empty one
 * first); its memory is allocated on first use. */
static slot *cache_victim(ebs *e)
{
	slot *v = NULL;
	for (size_t i = 0; i < e->nslots; i++) {
		slot *s = &e->slots[i];
		if (s->busy)
			continue;
		if (!v || (s->index == NO_BLOCK && v->index != NO_BLOCK) ||
		    ((s->index == NO_BLOCK) == (v->index == NO_BLOCK) && s->tick < v->tick))
			v = s;
		if (v->index == NO_BLOCK && !v->data)
			break;
	}
	if (!v)
		return NULL;
	if (!v->data && !(v->data = awp_malloc(e->block_size)))
		return NULL;
	v->index = NO_BLOCK;
	v->busy = 1;
	v->tick = ++e->tick;
	return v;
}

/* ---- parallel GetSnapshotBlock ---- */

typedef struct fetch {
	uint64_t index;
	long listed;
	slot *sl;
	unsigned attempt;
	uint64_t not_before_ms;
	CURL *h;
	struct curl_slist *hdrs;
	aws_response rs;
	aws_sink sink;
	aws_request rq;
	aws_creds cr;
	char path[128];
	awp_strbuf query;
	char what[160];
	int done;
} fetch;

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int fetch_start(ebs *e, fetch *f)
{
	int err;
	aws_response_free(&f->rs);
	aws_creds_clear(&f->cr);
	curl_slist_free_all(f->hdrs);
	f->hdrs = NULL;
	if (!f->h && !(f->h = curl_easy_init()))
		return awp_error_set(AWP_ENOMEM, "%s: cannot create an HTTP handle", e->name);
	if ((err = aws_client_creds(e->c, &f->cr)) < 0)
		return err;
	if ((err = aws_easy_setup(e->c, f->h, &f->rq, &f->rs, &f->sink, &f->hdrs, &f->cr)) < 0)
		return err;
	curl_easy_setopt(f->h, CURLOPT_PRIVATE, f);
	if (curl_multi_add_handle(e->multi, f->h) != CURLM_OK)
		return awp_error_set(AWP_ENETWORK, "%s: cannot queue a request", e->name);
	return 0;
}

/* Check a finished transfer; 0 ok, <0 final error, >0 retry delay (ms). */
static int fetch_judge(ebs *e, fetch *f, CURLcode cc)
{
	long status = 0;
	curl_easy_getinfo(f->h, CURLINFO_RESPONSE_CODE, &status);
	f->rs.status = status;
	unsigned retry_ms = 0;
	int err = aws_outcome(e->c, &f->rq, &f->rs, cc, f->attempt, e->c->max_attempts, &f->cr, &retry_ms);
	if (err < 0)
		return retry_ms ? (int)retry_ms : err;
	/* the block must be whole and match its checksum */
	const char *why = NULL;
	if (f->rs.dest_len != e->block_size)
		why = "short block";
	else if (!f->rs.checksum[0])
		why = "no x-amz-Checksum header";
	else if (f->rs.checksum_alg[0] && strcmp(f->rs.checksum_alg, "SHA256") != 0)
		why = "unknown checksum algorithm";
	else {
		uint8_t md[32];
		unsigned int mdn = 32;
		char b64[48];
		EVP_Digest(f->sl->data, e->block_size, md, &mdn, EVP_sha256(), NULL);
		aws_base64(md, 32, b64);
		if (strcmp(b64, f->rs.checksum) != 0)
			why = "checksum mismatch";
	}
	if (!why)
		return 0;
	if (f->attempt + 1 < e->c->max_attempts) {
		pthread_mutex_lock(&e->c->lock);
		unsigned ms = aws_backoff_ms(f->attempt, e->c->retry_base_ms, e->c->retry_cap_ms, &e->c->rng) + 1;
		e->c->retries++;
		pthread_mutex_unlock(&e->c->lock);
		return (int)ms;
	}
	return awp_error_set(AWP_ECORRUPT, "%s: %s (%zu bytes)", f->what, why, f->rs.dest_len);
}

static void fetch_release(ebs *e, fetch *f)
{
	if (f->h) {
		curl_multi_remove_handle(e->multi, f->h);
		curl_easy_cleanup(f->h);
	}
	curl_slist_free_all(f->hdrs);
	aws_response_free(&f->rs);
	aws_creds_clear(&f->cr);
	awp_strbuf_free(&f->query);
	memset(f, 0, sizeof(*f));
}

/* Fetch the given blocks (listed, not cached) into cache slots. */
static int fetch_blocks(ebs *e, const uint64_t *want, size_t nwant)
{
	fetch *fs = awp_calloc(nwant, sizeof(*fs));
	if (!fs)
		return AWP_ENOMEM;
	int err = 0;
	for (size_t i = 0; i < nwant && err >= 0; i++) {
		fetch *f = &fs[i];
		f->index = want[i];
		f->listed = find_listed(e, want[i]);
		if (!(f->sl = cache_victim(e))) {
			err = awp_error_set(AWP_ENOMEM, "%s: no cache slot for block %llu", e->name,
					    (unsigned long long)want[i]);
			break;
		}
		snprintf(f->path, sizeof f->path, "/snapshots/%s/blocks/%llu", e->snap, (unsigned long long)want[i]);
		snprintf(f->what, sizeof f->what, "ebs GetSnapshotBlock %s block %llu", e->snap,
			 (unsigned long long)want[i]);
		if ((err = awp_strbuf_puts(&f->query, "blockToken=")) < 0 ||
		    (err = aws_uri_encode(&f->query, e->tok[f->listed], 0)) < 0)
			break;
		f->rq = (aws_request){
			.method = "GET",
			.service = "ebs",
			.base_url = e->base_url,
			.path = f->path,
			.query = f->query.ptr,
			.dest = f->sl->data,
			.dest_cap = e->block_size,
			.what = f->what,
		};
	}
	size_t next = 0, active = 0, remaining = nwant;
	while (err >= 0 && remaining) {
		uint64_t now = now_ms();
		/* start what may start: new ones in order, retries when due */
		for (size_t i = 0; i < nwant && active < e->inflight && err >= 0; i++) {
			fetch *f = &fs[i];
			int fresh = i == next;
			int retry = i < next && !f->done && f->not_before_ms && f->not_before_ms <= now;
			if (!fresh && !retry)
				continue;
			if (fresh)
				next++;
			f->not_before_ms = 0;
			if ((err = fetch_start(e, f)) < 0)
				break;
			active++;
		}
		if (err < 0)
			break;
		int running = 0;
		curl_multi_perform(e->multi, &running);
		CURLMsg *m;
		int left;
		while ((m = curl_multi_info_read(e->multi, &left)) != NULL) {
			if (m->msg != CURLMSG_DONE)
				continue;
			fetch *f = NULL;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&f);
			CURLcode cc = m->data.result;
			curl_multi_remove_handle(e->multi, f->h);
			active--;
			int r = fetch_judge(e, f, cc);
			if (r == 0) {
				f->done = 1;
				f->sl->index = f->index;
				f->sl->tick = ++e->tick;
				e->st.blocks_fetched++;
				remaining--;
			} else if (r > 0) {
				f->attempt++;
				f->not_before_ms = now_ms() + (uint64_t)r;
				e->st.retries++;
			} else {
				err = r;
				break;
			}
		}
		if (err < 0 || !remaining)
			break;
		/* wait for traffic, or until the next retry is due */
		int timeout = 100;
		uint64_t t = now_ms();
		for (size_t i = 0; i < next; i++)
			if (!fs[i].done && fs[i].not_before_ms) {
				int d = fs[i].not_before_ms > t ? (int)(fs[i].not_before_ms - t) : 0;
				if (d < timeout)
					timeout = d;
			}
		if (active)
			curl_multi_poll(e->multi, NULL, 0, timeout, NULL);
		else if (timeout > 0 && next >= nwant)
			aws_sleep_ms((unsigned)timeout);
	}
	for (size_t i = 0; i < nwant; i++) {
		if (fs[i].sl)
			fs[i].sl->busy = 0;
		fetch_release(e, &fs[i]);
	}
	free(fs);
	return err;
}

/* ---- the source ---- */

static int ebs_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	ebs *e = ctx;
	uint8_t *out = buf;
	uint64_t bs = e->block_size;
	uint64_t first = off / bs, last = (off + len - 1) / bs;
	size_t batch_max = e->nslots / 2 ? e->nslots / 2 : 1;
	uint64_t *want = awp_calloc(batch_max, sizeof(*want));
	if (!want)
		return AWP_ENOMEM;
	int sequential = off == e->last_end;
	int err = 0;
	for (uint64_t b0 = first; b0 <= last && err >= 0; b0 += batch_max) {
		uint64_t b1 = b0 + batch_max - 1 < last ? b0 + batch_max - 1 : last;
		size_t nwant = 0;
		for (uint64_t b = b0; b <= b1; b++) {
			if (find_listed(e, b) < 0)
				continue;
			if (cache_find(e, b))
				e->st.cache_hits++;
			else
				want[nwant++] = b;
		}
		/* read ahead on sequential access, within the batch's room */
		if (sequential && e->readahead && b1 == last) {
			long li = find_listed(e, last + 1);
			size_t from = li >= 0 ? (size_t)li : 0;
			if (li < 0)
				for (from = 0; from < e->n && e->idx[from] <= last; from++)
					;
			for (size_t k = from, added = 0; k < e->n && added < e->readahead && nwant < batch_max; k++) {
				if (e->idx[k] > last + e->readahead)
					break;
				if (!cache_find(e, e->idx[k])) {
					want[nwant++] = e->idx[k];
					added++;
				}
			}
		}
		if (nwant && (err = fetch_blocks(e, want, nwant)) < 0)
			break;
		for (uint64_t b = b0; b <= b1; b++) {
			uint64_t bstart = b * bs;
			uint64_t s = off > bstart ? off - bstart : 0;
			uint64_t eend = off + len < bstart + bs ? off + len - bstart : bs;
			uint8_t *dst = out + (bstart + s - off);
			if (find_listed(e, b) < 0) {
				memset(dst, 0, eend - s);
				continue;
			}
			slot *sl = cache_find(e, b);
			if (!sl) {
				err = awp_error_set(AWP_ERROR, "%s: block %llu missing from the cache", e->name,
						    (unsigned long long)b);
				break;
			}
			memcpy(dst, sl->data + s, eend - s);
		}
	}
	e->last_end = off + len;
	free(want);
	return err;
}

static void ebs_close(void *ctx)
{
	ebs *e = ctx;
	if (!e)
		return;
	for (size_t i = 0; i < e->nslots; i++)
		free(e->slots[i].data);
	free(e->slots);
	free(e->idx);
	free(e->tok);
	awp_arena_free(&e->arena);
	if (e->multi)
		curl_multi_cleanup(e->multi);
	awp_aws_client_free(e->c);
	free(e->snap);
	free(e->base_url);
	free(e);
}

static const awp_source_ops ebs_ops = {
	.version = AWP_SOURCE_OPS_VERSION,
	.format = "ebs",
	.thread_safe = 0,
	.read = ebs_read,
	.close = ebs_close,
};

static int valid_snapshot_id(const char *s)
{
	if (strncmp(s, "snap-", 5) != 0 || strlen(s) > 64 || !s[5])
		return 0;
	for (const char *p = s + 5; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return 1;
}

AWP_EXTERN int awp_source_open_ebs_ex(awp_source **out, awp_aws_client *c, const char *snapshot_id,
				      const awp_ebs_options *opts)
{
	awp_ebs_options defaults = AWP_EBS_OPTIONS_INIT;
	const awp_ebs_options *o = opts ? opts : &defaults;
	if (o->version != AWP_EBS_OPTIONS_VERSION)
		return awp_error_set(AWP_EINVAL, "ebs: options version %d not supported", o->version);
	if (!valid_snapshot_id(snapshot_id))
		return awp_error_set(AWP_EINVAL, "ebs: '%s' is not a snapshot id (snap-...)", snapshot_id);
	ebs *e = awp_calloc(1, sizeof(*e));
	if (!e)
		return AWP_ENOMEM;
	int err;
	snprintf(e->name, sizeof e->name, "ebs:%s", snapshot_id);
	e->inflight = o->inflight ? o->inflight : 16;
	if (e->inflight > AWP_MAX_EBS_INFLIGHT)
		e->inflight = AWP_MAX_EBS_INFLIGHT;
	e->readahead = o->readahead;
	e->last_end = UINT64_MAX;
	if ((err = awp_aws_client_for_region(&e->c, c, c->region)) < 0)
		goto fail;
	if (!(e->snap = awp_strdup(snapshot_id)) || !(e->base_url = aws_service_url(c, "ebs")) ||
	    !(e->multi = curl_multi_init())) {
		err = AWP_ENOMEM;
		goto fail;
	}
	/* one connection per request in flight, reused across batches */
	curl_multi_setopt(e->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)e->inflight);
	curl_multi_setopt(e->multi, CURLMOPT_MAXCONNECTS, (long)e->inflight);
	if ((err = list_blocks(e)) < 0)
		goto fail;
	size_t cache = o->cache_bytes ? o->cache_bytes : (size_t)64 << 20;
	e->nslots = cache / e->block_size;
	/* at least two batches' worth of in-flight blocks */
	if (e->nslots < 2 * (size_t)e->inflight)
		e->nslots = 2 * (size_t)e->inflight;
	if (!(e->slots = awp_calloc(e->nslots, sizeof(*e->slots)))) {
		err = AWP_ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < e->nslots; i++)
		e->slots[i].index = NO_BLOCK;
	e->st.blocks_listed = e->n;
	e->st.block_size = e->block_size;
	return awp_source_new(out, &ebs_ops, e, e->volume_size, e->name);
fail:
	ebs_close(e);
	return err;
}

AWP_EXTERN int awp_source_open_ebs(awp_source **out, awp_aws_client *c, const char *snapshot_id)
{
	return awp_source_open_ebs_ex(out, c, snapshot_id, NULL);
}

AWP_EXTERN void awp_source_ebs_stats(const awp_source *src, awp_ebs_stats *out)
{
	const ebs *e = awp_source_backend(src, &ebs_ops);
	if (e)
		*out = e->st;
	else
		memset(out, 0, sizeof(*out));
}
