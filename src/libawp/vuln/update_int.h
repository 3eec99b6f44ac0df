/*
 * vuln/update_int.h - private to `awp db update` (vuln/osv_update.c,
 * vuln/osv_fetch.c, vuln/http_hdr.c): limits, the download of one export and
 * the HTTP header parsing it needs.
 */
#ifndef AWP_VULN_UPDATE_INT_H
#define AWP_VULN_UPDATE_INT_H

#include "util/crc32c.h" /* CRC-32C as x-goog-hash reports it: awp_crc32c(0, ...) */

#include <awp/vulndb.h>

#include <stdint.h>
#include <stdio.h>

/* Limits for what a server may send us. */
#define AWP_MAX_OSV_DOWNLOAD (2ull << 30)   /* osv.dev's largest per-ecosystem export is ~0.5 GiB */
#define AWP_MAX_HTTP_HEADER_VALUE 1024      /* ETag / Last-Modified / hashes are short */
#define AWP_MAX_HTTP_ATTEMPTS 10            /* retries are bounded whatever the caller asks */
#define AWP_MAX_RETRY_DELAY_MS 60000        /* one backoff (or Retry-After) wait, at most */
#define AWP_MAX_HTTP_REDIRECTS 5            /* a mirror may redirect once or twice */

/* Defaults (overridable through awp_vulndb_update_options). */
#define AWP_HTTP_DEFAULT_ATTEMPTS 4
#define AWP_HTTP_DEFAULT_RETRY_MS 1000
#define AWP_HTTP_DEFAULT_CONNECT_S 30
#define AWP_HTTP_DEFAULT_LOW_SPEED_S 60
#define AWP_HTTP_LOW_SPEED_BYTES 1024

/* ---- header parsing (http_hdr.c; unit-tested) ---------------------------- */

/**
 * If `line` (one raw header line, may end in CRLF, not NUL-terminated) is
 * the header `name` (case-insensitive), copy its value with surrounding
 * blanks removed into out (NUL-terminated) and return 1; 0 otherwise, or
 * AWP_ELIMIT when the value does not fit (out is then "").
 */
int awp_http_header_value(const char *line, size_t len, const char *name, char *out, size_t cap);

/** 1 when the line starts a new response ("HTTP/1.1 200 OK", "HTTP/2 304"). */
int awp_http_is_status_line(const char *line, size_t len);

/**
 * Decode standard base64 (with or without padding) into out.
 * @return bytes written, or -1 on a bad character, bad padding or overflow
 */
long awp_base64_decode(const char *in, size_t len, unsigned char *out, size_t cap);

/**
 * Take the digests from an x-goog-hash value ("crc32c=AAAAAA==,md5=...")
 * into *md5 (16 bytes; *have_md5 = 1) and *crc32c (*have_crc = 1). A value
 * may carry one or both; others and malformed ones are ignored (returns the
 * number of digests taken).
 */
int awp_http_goog_hash(const char *value, unsigned char md5[16], int *have_md5, uint32_t *crc32c, int *have_crc);

/**
 * Retry-After in milliseconds: delta-seconds or an HTTP-date relative to
 * `now`; -1 when unparsable. Capped at AWP_MAX_RETRY_DELAY_MS.
 */
long awp_http_retry_after_ms(const char *value, int64_t now);


/** Backoff before attempt `attempt` (2, 3, ...): base * 2^(attempt-2),
 *  capped, with "equal jitter" (half fixed, half random from `rnd`). */
unsigned awp_backoff_ms(unsigned base_ms, unsigned attempt, uint32_t rnd);

/** Percent-encode a path segment ("Rocky Linux" -> "Rocky%20Linux"). */
int awp_url_segment(char *out, size_t cap, const char *segment);

/* ---- one download (osv_fetch.c) ------------------------------------------ */

struct awp_fetch {
	/* in */
	const char *url;
	const char *ecosystem;     /* for messages and progress */
	const char *etag;          /* conditional request: stored values or NULL */
	const char *last_modified;
	FILE *out;                 /* the temporary file, truncated per attempt */
	const awp_vulndb_update_options *opts;
	/* out */
	long http_status;
	unsigned attempts;
	uint64_t bytes;
	int not_modified;          /* 304 */
	int not_found;             /* 404 / 410 */
	char new_etag[AWP_MAX_HTTP_HEADER_VALUE];
	char new_last_modified[AWP_MAX_HTTP_HEADER_VALUE];
	int verified_md5, verified_crc32c;
};

/**
 * GET the URL into f->out with retries; verify the server's digests.
 * @return 0 with f->not_modified / f->not_found / a complete body, or a
 *         negative code with the message set ("Debian: <url>: ...")
 */
int awp_fetch_url(struct awp_fetch *f);

/**
 * Check that path is a complete, readable zip: every member's data is read,
 * so libarchive checks each member's CRC-32. `label` names it in messages.
 * @return 0, or AWP_ECORRUPT with the message set
 */
int awp_zip_verify(const char *path, const char *label, size_t *members);

#endif
