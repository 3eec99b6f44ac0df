/*
 * vuln/osv_fetch.c - download one per-ecosystem export with libcurl, and
 * verify a zip before it may be imported.
 *
 * One GET per attempt, conditional when we hold the export's ETag or
 * Last-Modified (RFC 9110 §13.1: a 304 means our copy is current). Attempts
 * are bounded; 5xx, 429, 408 and network failures (refused, reset, timed
 * out, truncated body) are retried after an exponential backoff with jitter,
 * or after the server's Retry-After when it asks for longer. The body goes
 * to a caller-supplied temporary file (never the database), is capped in
 * size, and is hashed on the way in: when the server sends x-goog-hash
 * (md5 and/or crc32c, base64) or Content-MD5, the digests must match.
 */
#include "vuln/update_int.h"
#include "vuln/vulndb_int.h"

#include "util/archive_dl.h"
#include "util/crypto_dl.h"
#include "util/error.h"

#include "util/curl_dl.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

struct xfer {
	struct awp_fetch *f;
	CURL *curl;
	EVP_MD_CTX *md5;
	uint32_t crc;
	uint64_t got, cap;
	int too_big, write_err, hash_err;
	unsigned char want_md5[16];
	int have_md5, have_crc;
	uint32_t want_crc;
	long retry_after_ms;
	char etag[AWP_MAX_HTTP_HEADER_VALUE];
	char last_modified[AWP_MAX_HTTP_HEADER_VALUE];
};

static void reset_headers(struct xfer *x)
{
	x->have_md5 = x->have_crc = 0;
	x->retry_after_ms = -1;
	x->etag[0] = x->last_modified[0] = '\0';
}

static size_t on_header(char *buf, size_t size, size_t nitems, void *ud)
{
	struct xfer *x = ud;
	size_t len = size * nitems;
	char v[AWP_MAX_HTTP_HEADER_VALUE];
	/* Each response (a redirect, then the real one) starts with its status
	 * line; only the last response's headers describe the body. */
	if (awp_http_is_status_line(buf, len)) {
		reset_headers(x);
	} else if (awp_http_header_value(buf, len, "ETag", v, sizeof v) == 1) {
		memcpy(x->etag, v, sizeof v);
	} else if (awp_http_header_value(buf, len, "Last-Modified", v, sizeof v) == 1) {
		memcpy(x->last_modified, v, sizeof v);
	} else if (awp_http_header_value(buf, len, "x-goog-hash", v, sizeof v) == 1) {
		awp_http_goog_hash(v, x->want_md5, &x->have_md5, &x->want_crc, &x->have_crc);
	} else if (awp_http_header_value(buf, len, "Content-MD5", v, sizeof v) == 1) {
		if (awp_base64_decode(v, strlen(v), x->want_md5, sizeof x->want_md5) == 16)
			x->have_md5 = 1;
	} else if (awp_http_header_value(buf, len, "Retry-After", v, sizeof v) == 1) {
		x->retry_after_ms = awp_http_retry_after_ms(v, (int64_t)time(NULL));
	}
	return len;
}

static size_t on_body(char *buf, size_t size, size_t nmemb, void *ud)
{
	struct xfer *x = ud;
	size_t len = size * nmemb;
	long code = 0;
	curl_easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &code);
	if (code < 200 || code >= 300)
		return len; /* an error page: not the export */
	if (x->got + len > x->cap) {
		x->too_big = 1;
		return 0; /* aborts the transfer (CURLE_WRITE_ERROR) */
	}
	if (fwrite(buf, 1, len, x->f->out) != len) {
		x->write_err = errno ? errno : EIO;
		return 0;
	}
	if (EVP_DigestUpdate(x->md5, buf, len) != 1)
		x->hash_err = 1;
	x->crc = awp_crc32c(x->crc, buf, len);
	x->got += len;
	return len;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	struct xfer *x = ud;
	const awp_vulndb_update_options *o = x->f->opts;
	if (o->progress)
		o->progress(x->f->ecosystem, dlnow > 0 ? (uint64_t)dlnow : 0, dltotal > 0 ? (uint64_t)dltotal : 0,
			    o->payload);
	return 0;
}

static int retryable_curl(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static uint32_t random32(void)
{
	uint32_t r;
	if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
		r = (uint32_t)time(NULL) ^ (uint32_t)getpid() * 2654435761u;
	return r;
}

/* Start the output over for a new attempt. */
static int rewind_out(struct xfer *x)
{
	FILE *out = x->f->out;
	if (fflush(out) != 0 || ftruncate(fileno(out), 0) < 0 || fseeko(out, 0, SEEK_SET) < 0)
		return awp_error_errno(errno, "%s: cannot reset the temporary download file", x->f->ecosystem);
	x->got = 0;
	x->crc = 0;
	x->too_big = x->write_err = x->hash_err = 0;
	if (EVP_DigestInit_ex(x->md5, EVP_md5(), NULL) != 1)
		return awp_error_set(AWP_ERROR, "%s: cannot start MD5", x->f->ecosystem);
	reset_headers(x);
	return 0;
}

/* After a 200: the digests the server announced must match what we wrote. */
static int check_digests(struct xfer *x)
{
	struct awp_fetch *f = x->f;
	if (x->have_md5) {
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned int mdlen = 0;
		if (x->hash_err || EVP_DigestFinal_ex(x->md5, md, &mdlen) != 1 || mdlen != 16)
			return awp_error_set(AWP_ERROR, "%s: %s: cannot compute MD5", f->ecosystem, f->url);
		if (memcmp(md, x->want_md5, 16) != 0)
			return awp_error_set(AWP_ECORRUPT, "%s: %s: MD5 of the %llu bytes received does not match the server's",
					     f->ecosystem, f->url, (unsigned long long)x->got);
		f->verified_md5 = 1;
	}
	if (x->have_crc) {
		if (x->crc != x->want_crc)
			return awp_error_set(AWP_ECORRUPT,
					     "%s: %s: CRC32C of the %llu bytes received does not match the server's",
					     f->ecosystem, f->url, (unsigned long long)x->got);
		f->verified_crc32c = 1;
	}
	return 0;
}

static struct curl_slist *conditional_headers(struct awp_fetch *f, int *sent)
{
	struct curl_slist *h = NULL, *t;
	char line[AWP_MAX_HTTP_HEADER_VALUE + 32];
	*sent = 0;
	if (f->etag && *f->etag) {
		snprintf(line, sizeof line, "If-None-Match: %s", f->etag);
		if (!(t = curl_slist_append(h, line)))
			goto oom;
		h = t;
		*sent = 1;
	}
	if (f->last_modified && *f->last_modified) {
		snprintf(line, sizeof line, "If-Modified-Since: %s", f->last_modified);
		if (!(t = curl_slist_append(h, line)))
			goto oom;
		h = t;
		*sent = 1;
	}
	return h;
oom:
	curl_slist_free_all(h);
	*sent = -1;
	return NULL;
}

int awp_fetch_url(struct awp_fetch *f)
{
	const awp_vulndb_update_options *o = f->opts;
	unsigned max_attempts = o->max_attempts ? o->max_attempts : AWP_HTTP_DEFAULT_ATTEMPTS;
	if (max_attempts > AWP_MAX_HTTP_ATTEMPTS)
		max_attempts = AWP_MAX_HTTP_ATTEMPTS;
	unsigned base_ms = o->retry_base_ms ? o->retry_base_ms : AWP_HTTP_DEFAULT_RETRY_MS;
	struct xfer x = {.f = f, .cap = o->max_bytes ? o->max_bytes : AWP_MAX_OSV_DOWNLOAD};
	char errbuf[CURL_ERROR_SIZE];
	int sent = 0, err = 0;
	if ((err = awp_curl_load()) < 0 || (err = awp_crypto_load()) < 0)
		return err;
	struct curl_slist *hdrs = conditional_headers(f, &sent);
	x.curl = curl_easy_init();
	x.md5 = EVP_MD_CTX_new();
	if (sent < 0 || !x.curl || !x.md5) {
		err = awp_error_set(AWP_ENOMEM, "%s: cannot set up the download", f->ecosystem);
		goto done;
	}
	char agent[64];
	snprintf(agent, sizeof agent, "awp/%s", awp_version());
	CURL *c = x.curl;
	curl_easy_setopt(c, CURLOPT_URL, f->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, (long)AWP_MAX_HTTP_REDIRECTS);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, agent);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)(o->connect_timeout_s ? o->connect_timeout_s
									   : AWP_HTTP_DEFAULT_CONNECT_S));
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, (long)AWP_HTTP_LOW_SPEED_BYTES);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (long)(o->low_speed_time_s ? o->low_speed_time_s
									  : AWP_HTTP_DEFAULT_LOW_SPEED_S));
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x.cap);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &x);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, &x);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, o->progress ? 0L : 1L);

	for (unsigned attempt = 1;; attempt++) {
		f->attempts = attempt;
		if ((err = rewind_out(&x)) < 0)
			goto done;
		errbuf[0] = '\0';
		CURLcode rc = curl_easy_perform(c);
		long code = 0;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		f->http_status = code;
		f->bytes = x.got;
		int retry = 0;
		if (rc == CURLE_OK) {
			if (code >= 200 && code < 300) {
				if (fflush(f->out) != 0) {
					err = awp_error_errno(errno, "%s: writing the download", f->ecosystem);
					goto done;
				}
				err = check_digests(&x);
				if (err == 0) {
					memcpy(f->new_etag, x.etag, sizeof f->new_etag);
					memcpy(f->new_last_modified, x.last_modified, sizeof f->new_last_modified);
					goto done;
				}
				retry = 1; /* damaged in transit: fetch again */
			} else if (code == 304) {
				if (!sent) {
					err = awp_error_set(AWP_ENETWORK, "%s: %s: 304 Not Modified to an unconditional request",
							    f->ecosystem, f->url);
					goto done;
				}
				f->not_modified = 1;
				memcpy(f->new_etag, x.etag[0] ? x.etag : (f->etag ? f->etag : ""), sizeof f->new_etag - 1);
				f->new_etag[sizeof f->new_etag - 1] = '\0';
				memcpy(f->new_last_modified, x.last_modified, sizeof f->new_last_modified);
				goto done;
			} else if (code == 404 || code == 410) {
				f->not_found = 1;
				err = 0;
				goto done;
			} else {
				err = awp_error_set(AWP_ENETWORK, "%s: %s: HTTP %ld", f->ecosystem, f->url, code);
				retry = code == 408 || code == 429 || code >= 500;
			}
		} else if (x.too_big || rc == CURLE_FILESIZE_EXCEEDED) {
			err = awp_error_set(AWP_ELIMIT, "%s: %s: download exceeds the %llu-byte limit", f->ecosystem, f->url,
					    (unsigned long long)x.cap);
			goto done;
		} else if (x.write_err) {
			err = awp_error_errno(x.write_err, "%s: writing the download", f->ecosystem);
			goto done;
		} else {
			err = awp_error_set(AWP_ENETWORK, "%s: %s: %s", f->ecosystem, f->url,
					    errbuf[0] ? errbuf : curl_easy_strerror(rc));
			retry = retryable_curl(rc);
		}
		if (!retry || attempt >= max_attempts) {
			if (retry && attempt > 1) {
				char msg[1024];
				snprintf(msg, sizeof msg, "%s", awp_error_last());
				awp_error_set(err, "%s (gave up after %u attempts)", msg, attempt);
			}
			goto done;
		}
		unsigned delay = awp_backoff_ms(base_ms, attempt + 1, random32());
		if (x.retry_after_ms > (long)delay)
			delay = (unsigned)x.retry_after_ms;
		sleep_ms(delay);
	}
done:
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(x.curl);
	EVP_MD_CTX_free(x.md5);
	return err;
}

int awp_zip_verify(const char *path, const char *label, size_t *members)
{
	struct archive *ar = archive_read_new();
	if (!ar) /* libarchive missing (its message is set) or out of memory */
		return awp_archive_load() < 0 ? AWP_EUNSUPPORTED : awp_error_set(AWP_ENOMEM, "%s: out of memory", label);
	archive_read_support_format_zip(ar);
	int err = 0;
	size_t n = 0;
	char *buf = malloc(1 << 16);
	if (!buf) {
		err = awp_error_set(AWP_ENOMEM, "%s: out of memory", label);
		goto done;
	}
	if (archive_read_open_filename(ar, path, 1 << 16) != ARCHIVE_OK) {
		err = awp_error_set(AWP_ECORRUPT, "%s: not a readable zip: %s", label, archive_error_string(ar));
		goto done;
	}
	struct archive_entry *ent;
	int rc;
	while ((rc = archive_read_next_header(ar, &ent)) == ARCHIVE_OK) {
		if (++n > AWP_MAX_OSV_ZIP_ENTRIES) {
			err = awp_error_set(AWP_ELIMIT, "%s: more than %d members", label, AWP_MAX_OSV_ZIP_ENTRIES);
			goto done;
		}
		/* Reading each member through makes libarchive check its CRC-32;
		 * past the import's record limit the rest is skipped unchecked
		 * (the import rejects such a record anyway). */
		uint64_t total = 0;
		la_ssize_t got;
		while ((got = archive_read_data(ar, buf, 1 << 16)) > 0) {
			total += (uint64_t)got;
			if (total > AWP_MAX_OSV_RECORD_SIZE) {
				got = archive_read_data_skip(ar) == ARCHIVE_OK ? 0 : -1;
				break;
			}
		}
		if (got < 0) {
			const char *name = archive_entry_pathname(ent);
			err = awp_error_set(AWP_ECORRUPT, "%s: member %zu (%s) is damaged: %s", label, n, name ? name : "?",
					    archive_error_string(ar));
			goto done;
		}
	}
	if (rc != ARCHIVE_EOF)
		err = awp_error_set(AWP_ECORRUPT, "%s: zip is damaged or truncated after %zu members: %s", label, n,
				    archive_error_string(ar));
done:
	free(buf);
	archive_read_free(ar);
	if (members)
		*members = n;
	return err;
}
