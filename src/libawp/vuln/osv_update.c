/*
 * vuln/osv_update.c - `awp db update`: bring the advisory database up to date
 * from per-ecosystem OSV exports (osv.dev's bucket, a mirror, or a directory).
 *
 * Invariants:
 * - The database in use is only ever replaced by awp_vulndb_import_ext()'s
 *   rename, once, with every downloaded export and the provenance rows
 *   together. Downloads go to "<db>.dl.<pid>.<n>" beside it; a kill at any
 *   point leaves the old database as it was (and at worst stray temporary
 *   files, removed by the next update once their process is gone).
 * - Nothing unverified is imported: a download is a complete HTTP body whose
 *   announced digests match, and a zip whose every member reads back with a
 *   good CRC-32. A failed ecosystem keeps its old data and its old source row.
 * - One update per database at a time ("<db>.lock", flock).
 *
 * Sources: "http(s)://BASE" -> BASE/<Ecosystem>/all.zip (the name
 * percent-encoded); "file://DIR" or a directory -> DIR/<Ecosystem>/all.zip,
 * else DIR/<Ecosystem>.zip. For files, size and mtime stand in for the ETag.
 */
#include "vuln/update_int.h"
#include "vuln/vulndb_int.h"

#include "util/error.h"
#include "util/mem.h"

#include <ctype.h>
#include "util/curl_dl.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define AWP_MAX_UPDATE_ECOSYSTEMS 64 /* osv.dev lists ~40 ecosystems */
#define AWP_MAX_ECOSYSTEM_NAME 64    /* longest real one is ~20 characters */

AWP_EXTERN const char *const *awp_vulndb_default_ecosystems(void)
{
	/* Those awp's inventory and version orderings cover (docs/vulndb.md). */
	static const char *const list[] = {
		"AlmaLinux", "Alpine", "Debian", "Go", "Maven", "NuGet", "Packagist",
		"PyPI", "Rocky Linux", "RubyGems", "Ubuntu", "crates.io", "npm", NULL,
	};
	return list;
}

/* What the database says about one ecosystem's last download. */
struct stored {
	char *ecosystem, *url, *etag, *last_modified;
};

struct eco {
	const char *name;
	char *url;              /* URL or file path read */
	char *tmp;              /* our download, to unlink */
	const char *input;      /* what to import (tmp or the mirror's file) */
	const struct stored *old;
	awp_vulndb_update_status status;
	long http_status;
	unsigned attempts;
	uint64_t bytes;
	char *message;
	char *etag, *last_modified;
	int64_t fetched_at, checked_at;
};

struct run {
	const char *db_path;
	const awp_vulndb_update_options *o;
	awp_vulndb_update_options eff; /* o with defaults and the env knob applied */
	struct stored *stored;
	size_t n_stored;
	struct eco *ecos;
	size_t n_ecos;
	int is_http;
	char *base; /* URL without the trailing '/', or the directory */
};

static int valid_ecosystem(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > AWP_MAX_ECOSYSTEM_NAME || s[0] == '.' || s[0] == ' ')
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p >= 0x7f || *p == '/' || *p == '\\')
			return 0;
	return 1;
}

static int collect_source(const awp_vulndb_source *s, void *payload)
{
	struct run *r = payload;
	struct stored *grown = realloc(r->stored, (r->n_stored + 1) * sizeof(*grown));
	if (!grown)
		return AWP_ENOMEM;
	r->stored = grown;
	struct stored *d = &r->stored[r->n_stored];
	d->ecosystem = awp_strdup(s->ecosystem);
	d->url = awp_strdup(s->url);
	d->etag = awp_strdup(s->etag);
	d->last_modified = awp_strdup(s->last_modified);
	r->n_stored++;
	if (!d->ecosystem || !d->url || !d->etag || !d->last_modified)
		return AWP_ENOMEM;
	return 0;
}

/* The stored rows; a missing or unreadable database just has none. */
static int load_stored(struct run *r)
{
	awp_vulndb *db = NULL;
	if (access(r->db_path, F_OK) != 0 || awp_vulndb_open(&db, r->db_path) < 0) {
		awp_error_clear();
		return 0;
	}
	int err = awp_vulndb_sources(db, collect_source, r);
	awp_vulndb_close(db);
	if (err == AWP_ENOMEM)
		return awp_error_set(AWP_ENOMEM, "out of memory reading %s", r->db_path);
	return err;
}

static const struct stored *find_stored(const struct run *r, const char *eco)
{
	for (size_t i = 0; i < r->n_stored; i++)
		if (strcmp(r->stored[i].ecosystem, eco) == 0)
			return &r->stored[i];
	return NULL;
}

static int mkdir_parents(const char *path)
{
	char *dir = awp_strdup(path);
	if (!dir)
		return AWP_ENOMEM;
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			int e = errno;
			int err = awp_error_errno(e, "advisory database %s: cannot create %s", path, dir);
			free(dir);
			return err;
		}
		*p = '/';
	}
	free(dir);
	return 0;
}

/* Remove "<db>.dl.<pid>.*" and "<db>.tmp.<pid>" left by a process that is gone
 * (killed mid-download or mid-import). Live processes' files are kept. */
static void clean_leftovers(const char *db_path)
{
	char *copy = awp_strdup(db_path);
	if (!copy)
		return;
	char *slash = strrchr(copy, '/');
	const char *dir = ".", *base = copy;
	if (slash) {
		*slash = '\0';
		dir = slash == copy ? "/" : copy;
		base = slash + 1;
	}
	size_t blen = strlen(base);
	DIR *d = opendir(dir);
	if (!d) {
		free(copy);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		const char *n = de->d_name;
		if (strncmp(n, base, blen) != 0 || n[blen] != '.')
			continue;
		const char *rest = n + blen + 1;
		if (strncmp(rest, "dl.", 3) == 0)
			rest += 3;
		else if (strncmp(rest, "tmp.", 4) == 0)
			rest += 4;
		else
			continue;
		char *end;
		errno = 0;
		long pid = strtol(rest, &end, 10);
		if (errno || end == rest || pid <= 0 || (*end != '\0' && *end != '.'))
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		char *full = awp_asprintf("%s/%s", dir, n);
		if (full)
			unlink(full);
		free(full);
	}
	closedir(d);
	free(copy);
}

static int lock_db(const char *db_path, int *fd_out)
{
	char *lock = awp_asprintf("%s.lock", db_path);
	if (!lock)
		return AWP_ENOMEM;
	int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	int err = 0;
	if (fd < 0)
		err = awp_error_errno(errno, "advisory database %s: cannot create the lock file %s", db_path, lock);
	else if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			err = awp_error_set(AWP_ERROR, "advisory database %s: another 'awp db update' is running", db_path);
		else
			err = awp_error_errno(errno, "advisory database %s: cannot lock %s", db_path, lock);
		close(fd);
		fd = -1;
	}
	free(lock);
	*fd_out = fd;
	return err;
}

static void fail_eco(struct eco *e, awp_vulndb_update_status st, const char *msg)
{
	e->status = st;
	free(e->message);
	e->message = awp_strdup(msg && *msg ? msg : "failed");
}

static void http_date(int64_t t, char *buf, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, cap, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static int do_file(struct run *r, struct eco *e, int64_t now)
{
	char *cand[2] = {awp_asprintf("%s/%s/all.zip", r->base, e->name), awp_asprintf("%s/%s.zip", r->base, e->name)};
	int err = 0;
	if (!cand[0] || !cand[1]) {
		err = AWP_ENOMEM;
		goto done;
	}
	struct stat st;
	int which = -1;
	for (int i = 0; i < 2 && which < 0; i++)
		if (stat(cand[i], &st) == 0 && S_ISREG(st.st_mode))
			which = i;
	if (which < 0) {
		char msg[512];
		snprintf(msg, sizeof msg, "not in %s (looked for %s/all.zip and %s.zip)", r->base, e->name, e->name);
		fail_eco(e, AWP_VULNDB_MISSING, msg);
		e->url = cand[0];
		cand[0] = NULL;
		goto done;
	}
	e->url = cand[which];
	cand[which] = NULL;
	e->bytes = (uint64_t)st.st_size;
	e->attempts = 1;
	/* Size and mtime (ns) play the ETag: same file, same answer. */
	char tag[96], lm[64];
	snprintf(tag, sizeof tag, "\"file-%llu-%lld.%09ld\"", (unsigned long long)st.st_size, (long long)st.st_mtim.tv_sec,
		 (long)st.st_mtim.tv_nsec);
	http_date(st.st_mtim.tv_sec, lm, sizeof lm);
	e->etag = awp_strdup(tag);
	e->last_modified = awp_strdup(lm);
	if (!e->etag || !e->last_modified) {
		err = AWP_ENOMEM;
		goto done;
	}
	e->checked_at = now;
	if (e->old && strcmp(e->old->url, e->url) == 0 && strcmp(e->old->etag, tag) == 0) {
		e->status = AWP_VULNDB_UNCHANGED;
		goto done;
	}
	char label[600];
	snprintf(label, sizeof label, "%s: %s", e->name, e->url);
	if (awp_zip_verify(e->url, label, NULL) < 0) {
		fail_eco(e, AWP_VULNDB_FAILED, awp_error_last());
		goto done;
	}
	e->input = e->url;
	e->fetched_at = now;
	e->status = AWP_VULNDB_UPDATED;
done:
	free(cand[0]);
	free(cand[1]);
	return err;
}

static int do_http(struct run *r, struct eco *e, size_t idx, int64_t now)
{
	char seg[3 * AWP_MAX_ECOSYSTEM_NAME + 1];
	if (awp_url_segment(seg, sizeof seg, e->name) < 0 || !(e->url = awp_asprintf("%s/%s/all.zip", r->base, seg)) ||
	    !(e->tmp = awp_asprintf("%s.dl.%ld.%zu", r->db_path, (long)getpid(), idx)))
		return AWP_ENOMEM;
	int fd = open(e->tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *out = fd >= 0 ? fdopen(fd, "w+b") : NULL;
	if (!out) {
		int en = errno;
		if (fd >= 0)
			close(fd);
		awp_error_errno(en, "%s: cannot create %s", e->name, e->tmp);
		fail_eco(e, AWP_VULNDB_FAILED, awp_error_last());
		return 0;
	}
	/* Conditional only when what we hold came from this very URL. */
	int same = e->old && strcmp(e->old->url, e->url) == 0;
	struct awp_fetch f = {
		.url = e->url, .ecosystem = e->name, .out = out, .opts = &r->eff,
		.etag = same ? e->old->etag : NULL, .last_modified = same ? e->old->last_modified : NULL,
	};
	int err = awp_fetch_url(&f);
	e->http_status = f.http_status;
	e->attempts = f.attempts;
	e->bytes = f.bytes;
	if (fclose(out) != 0 && err == 0)
		err = awp_error_errno(errno, "%s: writing %s", e->name, e->tmp);
	if (err < 0) {
		fail_eco(e, AWP_VULNDB_FAILED, awp_error_last());
		return err == AWP_ENOMEM ? err : 0;
	}
	if (f.not_found) {
		char msg[64];
		snprintf(msg, sizeof msg, "not offered by the source (HTTP %ld)", f.http_status);
		fail_eco(e, AWP_VULNDB_MISSING, msg);
		return 0;
	}
	e->checked_at = now;
	if (f.not_modified) {
		e->etag = awp_strdup(f.new_etag[0] ? f.new_etag : e->old->etag);
		e->last_modified = awp_strdup(f.new_last_modified[0] ? f.new_last_modified : e->old->last_modified);
		e->status = AWP_VULNDB_UNCHANGED;
		return e->etag && e->last_modified ? 0 : AWP_ENOMEM;
	}
	char label[600];
	snprintf(label, sizeof label, "%s: %s", e->name, e->url);
	if (awp_zip_verify(e->tmp, label, NULL) < 0) {
		fail_eco(e, AWP_VULNDB_FAILED, awp_error_last());
		return 0;
	}
	e->etag = awp_strdup(f.new_etag);
	e->last_modified = awp_strdup(f.new_last_modified);
	e->input = e->tmp;
	e->fetched_at = now;
	e->status = AWP_VULNDB_UPDATED;
	return e->etag && e->last_modified ? 0 : AWP_ENOMEM;
}

/* Import warnings name the temporary file; show the URL instead. */
static void on_import_warn(const char *where, const char *message, void *payload)
{
	struct run *r = payload;
	if (!r->o->warn)
		return;
	for (size_t i = 0; i < r->n_ecos; i++) {
		const struct eco *e = &r->ecos[i];
		size_t n = e->tmp ? strlen(e->tmp) : 0;
		if (n && strncmp(where, e->tmp, n) == 0) {
			char buf[1200];
			snprintf(buf, sizeof buf, "%s%s", e->url, where + n);
			r->o->warn(buf, message, r->o->payload);
			return;
		}
	}
	r->o->warn(where, message, r->o->payload);
}

static int setup(struct run *r)
{
	const awp_vulndb_update_options *o = r->o;
	r->eff = *o;
	const char *env = getenv("AWP_RETRY_BASE_MS");
	if (env && *env) {
		char *end;
		unsigned long v = strtoul(env, &end, 10);
		if (*end == '\0' && v <= AWP_MAX_RETRY_DELAY_MS)
			r->eff.retry_base_ms = (unsigned)v;
	}
	const char *src = o->source;
	if (!src || !*src)
		src = getenv("AWP_OSV_SOURCE");
	if (!src || !*src)
		src = AWP_VULNDB_DEFAULT_SOURCE;
	if (strncasecmp(src, "http://", 7) == 0 || strncasecmp(src, "https://", 8) == 0) {
		r->is_http = 1;
	} else if (strncmp(src, "file://", 7) == 0) {
		src += 7;
	} else if (strstr(src, "://")) {
		return awp_error_set(AWP_EUNSUPPORTED, "source %s: only http://, https://, file:// or a directory", src);
	}
	if (!(r->base = awp_strdup(src)))
		return AWP_ENOMEM;
	size_t n = strlen(r->base);
	while (n > 1 && r->base[n - 1] == '/')
		r->base[--n] = '\0';
	struct stat st;
	if (!r->is_http && (stat(r->base, &st) < 0 || !S_ISDIR(st.st_mode)))
		return awp_error_set(AWP_ENOTFOUND, "source %s: not a directory (nor an http(s) URL)", r->base);

	const char *const *list = o->ecosystems;
	size_t count = o->n_ecosystems;
	if (!list) {
		list = awp_vulndb_default_ecosystems();
		for (count = 0; list[count]; count++)
			;
	}
	if (count == 0)
		return awp_error_set(AWP_EINVAL, "no ecosystems to update");
	if (count > AWP_MAX_UPDATE_ECOSYSTEMS)
		return awp_error_set(AWP_ELIMIT, "%zu ecosystems asked; at most %d", count, AWP_MAX_UPDATE_ECOSYSTEMS);
	if (!(r->ecos = awp_calloc(count, sizeof(*r->ecos))))
		return AWP_ENOMEM;
	for (size_t i = 0; i < count; i++) {
		if (!list[i] || !valid_ecosystem(list[i]))
			return awp_error_set(AWP_EINVAL, "'%s' is not an ecosystem name", list[i] ? list[i] : "(null)");
		int dup = 0;
		for (size_t j = 0; j < r->n_ecos; j++)
			dup |= strcmp(r->ecos[j].name, list[i]) == 0;
		if (!dup)
			r->ecos[r->n_ecos++].name = list[i];
	}
	return 0;
}

static void free_run(struct run *r)
{
	for (size_t i = 0; i < r->n_ecos; i++) {
		struct eco *e = &r->ecos[i];
		if (e->tmp)
			unlink(e->tmp);
		free(e->tmp);
		free(e->url);
		free(e->message);
		free(e->etag);
		free(e->last_modified);
	}
	free(r->ecos);
	for (size_t i = 0; i < r->n_stored; i++) {
		free(r->stored[i].ecosystem);
		free(r->stored[i].url);
		free(r->stored[i].etag);
		free(r->stored[i].last_modified);
	}
	free(r->stored);
	free(r->base);
}

static int import_all(struct run *r, awp_vulndb_import_stats *stats)
{
	const char **inputs = awp_calloc(r->n_ecos + 1, sizeof(*inputs));
	awp_vulndb_source *rows = awp_calloc(r->n_ecos + 1, sizeof(*rows));
	size_t ni = 0, nr = 0;
	int err = 0;
	if (!inputs || !rows) {
		err = AWP_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < r->n_ecos; i++) {
		struct eco *e = &r->ecos[i];
		if (e->status != AWP_VULNDB_UPDATED && e->status != AWP_VULNDB_UNCHANGED)
			continue;
		if (e->status == AWP_VULNDB_UPDATED)
			inputs[ni++] = e->input;
		rows[nr++] = (awp_vulndb_source){
			.ecosystem = e->name, .url = e->url, .etag = e->etag, .last_modified = e->last_modified,
			.fetched_at = e->fetched_at, .checked_at = e->checked_at,
			.size = e->status == AWP_VULNDB_UPDATED ? e->bytes : 0,
		};
	}
	awp_vulndb_import_options io = AWP_VULNDB_IMPORT_OPTIONS_INIT;
	io.warn = on_import_warn;
	io.payload = r;
	io.sources = rows;
	io.n_sources = nr;
	/* One replacement for everything: all new data and provenance, or none. */
	err = awp_vulndb_import_ext(r->db_path, inputs, ni, &io, stats);
	if (err < 0) {
		const char *msg = awp_error_last();
		for (size_t i = 0; i < r->n_ecos; i++) {
			struct eco *e = &r->ecos[i];
			if (e->status == AWP_VULNDB_UPDATED || e->status == AWP_VULNDB_UNCHANGED) {
				char buf[1024];
				snprintf(buf, sizeof buf, "import failed: %s", msg);
				fail_eco(e, AWP_VULNDB_FAILED, buf);
			}
		}
	}
done:
	free(inputs);
	free(rows);
	return err;
}

AWP_EXTERN int awp_vulndb_update(const char *db_path, const awp_vulndb_update_options *opts,
				 awp_vulndb_import_stats *stats)
{
	static const awp_vulndb_update_options dflt = AWP_VULNDB_UPDATE_OPTIONS_INIT;
	awp_vulndb_import_stats local;
	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	if (!opts)
		opts = &dflt;
	if (opts->version != AWP_VULNDB_UPDATE_OPTIONS_VERSION)
		return awp_error_set(AWP_EINVAL, "unknown update options version %u", opts->version);
	struct run r = {.db_path = db_path, .o = opts};
	int lock_fd = -1, err;
	if ((err = setup(&r)) < 0 || (err = mkdir_parents(db_path)) < 0 || (err = lock_db(db_path, &lock_fd)) < 0)
		goto done;
	clean_leftovers(db_path);
	if ((err = load_stored(&r)) < 0)
		goto done;
	if (r.is_http && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		err = awp_error_set(AWP_ERROR, "cannot initialise libcurl");
		goto done;
	}
	for (size_t i = 0; i < r.n_ecos && err == 0; i++) {
		struct eco *e = &r.ecos[i];
		e->old = find_stored(&r, e->name);
		int64_t now = (int64_t)time(NULL);
		err = r.is_http ? do_http(&r, e, i, now) : do_file(&r, e, now);
		if (e->status == AWP_VULNDB_MISSING && opts->missing_is_error)
			e->status = AWP_VULNDB_FAILED;
	}
	if (err < 0)
		goto done;
	size_t ok = 0, first_fail = SIZE_MAX;
	for (size_t i = 0; i < r.n_ecos; i++) {
		if (r.ecos[i].status == AWP_VULNDB_UPDATED || r.ecos[i].status == AWP_VULNDB_UNCHANGED)
			ok++;
		else if (first_fail == SIZE_MAX)
			first_fail = i;
	}
	if (ok > 0)
		err = import_all(&r, stats);
	else
		err = awp_error_set(first_fail != SIZE_MAX && r.ecos[first_fail].status == AWP_VULNDB_FAILED ? AWP_ENETWORK
													      : AWP_ENOTFOUND,
				    "advisory database %s: nothing could be updated from %s", db_path, r.base);
	if (opts->report) {
		char *saved = err < 0 ? awp_strdup(awp_error_last()) : NULL;
		for (size_t i = 0; i < r.n_ecos; i++) {
			const struct eco *e = &r.ecos[i];
			awp_vulndb_update_report rep = {
				.ecosystem = e->name, .url = e->url ? e->url : "", .status = e->status,
				.http_status = e->http_status, .attempts = e->attempts, .bytes = e->bytes,
				.message = e->message ? e->message : "",
			};
			opts->report(&rep, opts->payload);
		}
		if (saved)
			awp_error_set(err, "%s", saved);
		free(saved);
	}
done:
	free_run(&r);
	if (lock_fd >= 0)
		close(lock_fd);
	return err;
}
