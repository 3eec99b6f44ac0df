/*
 * cloud/aws/http.c - one AWS request over libcurl: signing, bounded
 * response capture, error extraction and the retry policy.
 *
 * Retry policy (the AWS SDKs' "standard" mode): throttling error codes,
 * HTTP 429 and 5xx, and transport failures are retried up to max_attempts
 * with exponential backoff and full jitter (sleep uniform in
 * [0, min(cap, base * 2^attempt)]). Everything else fails at once.
 * Messages carry the call, status, AWS error code and message; they never
 * carry credentials (a server message that echoes one is scrubbed).
 */
#include "cloud/aws/aws_int.h"

#include "util/error.h"
#include "util/mem.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

void aws_response_free(aws_response *r)
{
	awp_strbuf_free(&r->body);
	memset(r, 0, sizeof(*r));
}

void aws_sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0)
		;
}

static const char *const throttle_codes[] = {
	"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
	"TooManyRequestsException", "RequestLimitExceeded", "BandwidthLimitExceeded", "RequestThrottled",
	"SlowDown", "PriorRequestNotComplete", "EC2ThrottledException", "ProvisionedThroughputExceededException",
	"RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure", "InternalServerException",
	"ServiceUnavailable", "ServiceUnavailableException", NULL,
};

int aws_retryable(CURLcode cc, long status, const char *error_code)
{
	switch (cc) {
	case CURLE_OK:
		break;
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
	if (status == 429 || status == 500 || status == 502 || status == 503 || status == 504)
		return 1;
	if (error_code && *error_code)
		for (size_t i = 0; throttle_codes[i]; i++)
			if (strcmp(error_code, throttle_codes[i]) == 0)
				return 1;
	return 0;
}

unsigned aws_backoff_ms(unsigned attempt, unsigned base_ms, unsigned cap_ms, uint64_t *rng)
{
	uint64_t ceil = base_ms;
	for (unsigned i = 0; i < attempt && ceil < cap_ms; i++)
		ceil *= 2;
	if (ceil > cap_ms)
		ceil = cap_ms;
	/* xorshift64* */
	uint64_t x = *rng ? *rng : 0x9E3779B97F4A7C15ull;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*rng = x;
	uint64_t r = x * 0x2545F4914F6CDD1Dull;
	return (unsigned)(r % (ceil + 1));
}

int aws_error_code(long status, const char *code)
{
	static const char *const auth[] = {"AuthFailure", "UnauthorizedOperation", "AccessDenied", "AccessDeniedException",
					   "InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken",
					   "ExpiredTokenException", "UnrecognizedClientException", "OptInRequired",
					   "InvalidAccessKeyId", "IncompleteSignature", NULL};
	if (code && *code) {
		for (size_t i = 0; auth[i]; i++)
			if (strcmp(code, auth[i]) == 0)
				return AWP_EAUTH;
		size_t l = strlen(code);
		if ((l > 9 && strcmp(code + l - 9, ".NotFound") == 0) || strcmp(code, "ResourceNotFoundException") == 0 ||
		    (l > 10 && strcmp(code + l - 10, ".Malformed") == 0 && strncmp(code, "Invalid", 7) == 0))
			return strstr(code, "NotFound") ? AWP_ENOTFOUND : AWP_EINVAL;
		if (strncmp(code, "InvalidParameter", 16) == 0 || strcmp(code, "ValidationException") == 0 ||
		    strcmp(code, "MissingParameter") == 0)
			return AWP_EINVAL;
	}
	if (status == 401 || status == 403)
		return AWP_EAUTH;
	if (status == 404)
		return AWP_ENOTFOUND;
	if (status == 429 || status >= 500)
		return AWP_ENETWORK;
	return AWP_ERROR;
}

static void copy_str(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	/* keep messages printable */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)dst[i] < 0x20)
			dst[i] = ' ';
}

static const char *find_xml_any(const aws_xml_node *n, const char *name)
{
	for (const aws_xml_node *c = n ? n->first : NULL; c; c = c->next) {
		if (strcmp(c->name, name) == 0)
			return c->text;
		const char *t = find_xml_any(c, name);
		if (t)
			return t;
	}
	return NULL;
}

void aws_parse_error(const aws_response *r, char *code, size_t code_len, char *msg, size_t msg_len)
{
	code[0] = msg[0] = '\0';
	if (r->error_type[0]) {
		const char *t = r->error_type;
		size_t n = strcspn(t, ":");
		copy_str(code, code_len, t, n);
	}
	const char *b = r->body.ptr;
	size_t len = r->body.len;
	while (b && len && (*b == ' ' || *b == '\n' || *b == '\r' || *b == '\t'))
		b++, len--;
	if (!b || !len)
		return;
	if (*b == '<') {
		aws_xml_doc *d = NULL;
		if (aws_xml_parse(&d, b, len, "error") == 0) {
			const char *c = find_xml_any(d->root, "Code");
			const char *m = find_xml_any(d->root, "Message");
			if (c && !code[0])
				copy_str(code, code_len, c, strlen(c));
			if (m)
				copy_str(msg, msg_len, m, strlen(m));
			aws_xml_free(d);
		}
		awp_error_clear();
	} else if (*b == '{') {
		cJSON *j = cJSON_ParseWithLength(b, len);
		if (j) {
			const char *keys_c[] = {"__type", "code", "Code", NULL};
			const char *keys_m[] = {"message", "Message", NULL};
			for (size_t i = 0; keys_c[i] && !code[0]; i++) {
				const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, keys_c[i]);
				if (cJSON_IsString(v)) {
					const char *s = v->valuestring;
					const char *hash = strrchr(s, '#');
					s = hash ? hash + 1 : s;
					copy_str(code, code_len, s, strcspn(s, ":"));
				}
			}
			for (size_t i = 0; keys_m[i] && !msg[0]; i++) {
				const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, keys_m[i]);
				if (cJSON_IsString(v))
					copy_str(msg, msg_len, v->valuestring, strlen(v->valuestring));
			}
			const cJSON *reason = cJSON_GetObjectItemCaseSensitive(j, "Reason");
			if (cJSON_IsString(reason) && !code[0])
				copy_str(code, code_len, reason->valuestring, strlen(reason->valuestring));
			cJSON_Delete(j);
		}
	}
}

static size_t write_cb(char *data, size_t size, size_t nmemb, void *ud)
{
	aws_sink *s = ud;
	size_t n = size * nmemb;
	aws_response *rs = s->rs;
	if (s->dest && rs->status < 300 && rs->status != 0) {
		if (n > s->dest_cap - rs->dest_len) {
			rs->truncated = 1;
			return 0; /* aborts the transfer */
		}
		memcpy(s->dest + rs->dest_len, data, n);
		rs->dest_len += n;
		return n;
	}
	size_t max = rs->status >= 300 ? AWP_MAX_AWS_ERROR_BODY : s->max;
	if (rs->body.len > max || n > max - rs->body.len) {
		rs->truncated = 1;
		return 0;
	}
	return awp_strbuf_add(&rs->body, data, n) < 0 ? 0 : n;
}

static int header_is(const char *line, size_t len, const char *name, const char **val, size_t *vlen)
{
	size_t nl = strlen(name);
	if (len <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
		return 0;
	const char *v = line + nl + 1;
	const char *e = line + len;
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	while (e > v && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' '))
		e--;
	*val = v;
	*vlen = (size_t)(e - v);
	return 1;
}

static size_t header_cb(char *data, size_t size, size_t nmemb, void *ud)
{
	aws_sink *s = ud;
	aws_response *rs = s->rs;
	size_t n = size * nmemb;
	const char *v;
	size_t vl;
	if (n >= 5 && memcmp(data, "HTTP/", 5) == 0) {
		/* a new response (after 100-continue or a redirect): parse the status now
		 * so the body callback knows where to put the body */
		const char *sp = memchr(data, ' ', n);
		if (sp && (size_t)(sp - data) + 4 <= n)
			rs->status = strtol(sp + 1, NULL, 10);
		rs->checksum[0] = rs->checksum_alg[0] = rs->error_type[0] = '\0';
		return n;
	}
	if (header_is(data, n, "x-amz-checksum", &v, &vl))
		copy_str(rs->checksum, sizeof rs->checksum, v, vl);
	else if (header_is(data, n, "x-amz-checksum-algorithm", &v, &vl))
		copy_str(rs->checksum_alg, sizeof rs->checksum_alg, v, vl);
	else if (header_is(data, n, "x-amzn-errortype", &v, &vl))
		copy_str(rs->error_type, sizeof rs->error_type, v, vl);
	else if (header_is(data, n, "x-amzn-requestid", &v, &vl) || header_is(data, n, "x-amz-request-id", &v, &vl))
		copy_str(rs->request_id, sizeof rs->request_id, v, vl);
	return n;
}

/* Host (with a non-default port) from "scheme://host[:port]/...". */
static int url_host(const char *url, char *out, size_t cap)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	const char *at = NULL;
	size_t n = strcspn(p, "/?#");
	for (const char *q = p; q < p + n; q++)
		if (*q == '@')
			at = q;
	if (at) {
		n -= (size_t)(at + 1 - p);
		p = at + 1;
	}
	if (n == 0 || n >= cap)
		return awp_error_set(AWP_EINVAL, "aws: bad endpoint URL");
	memcpy(out, p, n);
	out[n] = '\0';
	size_t l = strlen(out);
	if (strncmp(url, "https://", 8) == 0 && l > 4 && strcmp(out + l - 4, ":443") == 0)
		out[l - 4] = '\0';
	else if (strncmp(url, "http://", 7) == 0 && l > 3 && strcmp(out + l - 3, ":80") == 0)
		out[l - 3] = '\0';
	return 0;
}

int aws_prepare(awp_aws_client *c, CURL *h, const aws_request *rq, aws_response *rs, struct curl_slist **hdrs_out,
		const aws_creds *cr)
{
	char host[256], amzdate[17];
	awp_strbuf url = AWP_STRBUF_INIT, auth = AWP_STRBUF_INIT, line = AWP_STRBUF_INIT;
	struct curl_slist *hl = NULL;
	int err;
	if ((err = url_host(rq->base_url, host, sizeof host)) < 0)
		return err;
	if ((err = awp_strbuf_printf(&url, "%s%s%s%s", rq->base_url, rq->path ? rq->path : "/",
				     rq->query && *rq->query ? "?" : "", rq->query ? rq->query : "")) < 0)
		goto done;
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(amzdate, sizeof amzdate, "%Y%m%dT%H%M%SZ", &tm);

	aws_header sh[6];
	size_t nsh = 0;
	sh[nsh++] = (aws_header){"host", host};
	if (rq->service) {
		sh[nsh++] = (aws_header){"x-amz-date", amzdate};
		if (cr->session_token)
			sh[nsh++] = (aws_header){"x-amz-security-token", cr->session_token};
	}
	if (rq->content_type)
		sh[nsh++] = (aws_header){"content-type", rq->content_type};
	for (size_t i = 0; i < nsh; i++) {
		awp_strbuf_truncate(&line, 0);
		if ((err = awp_strbuf_printf(&line, "%s: %s", sh[i].name, sh[i].value)) < 0)
			goto done;
		struct curl_slist *n = curl_slist_append(hl, line.ptr);
		if (!n) {
			err = awp_error_set(AWP_ENOMEM, "aws: out of memory");
			goto done;
		}
		hl = n;
	}
	if (rq->service) {
		char phash[65];
		aws_sha256_hex(rq->body ? rq->body : "", rq->body ? rq->body_len : 0, phash);
		if ((err = aws_sigv4_authorization(&auth, rq->method, rq->path ? rq->path : "/", rq->query, sh, nsh, phash,
						   cr->access_key, cr->secret_key, c->region, rq->service, amzdate,
						   NULL, NULL)) < 0)
			goto done;
		awp_strbuf_truncate(&line, 0);
		if ((err = awp_strbuf_printf(&line, "Authorization: %s", auth.ptr)) < 0)
			goto done;
		struct curl_slist *n = curl_slist_append(hl, line.ptr);
		if (!n) {
			err = awp_error_set(AWP_ENOMEM, "aws: out of memory");
			goto done;
		}
		hl = n;
	}
	for (const char *const *e = rq->extra_headers; e && *e; e++) {
		struct curl_slist *n = curl_slist_append(hl, *e);
		if (!n) {
			err = awp_error_set(AWP_ENOMEM, "aws: out of memory");
			goto done;
		}
		hl = n;
	}
	/* no "Expect: 100-continue" round trip, no Accept noise */
	struct curl_slist *n = curl_slist_append(hl, "Expect:");
	if (!n) {
		err = AWP_ENOMEM;
		goto done;
	}
	hl = n;

	curl_easy_setopt(h, CURLOPT_URL, url.ptr);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(rq->timeout_ms ? rq->timeout_ms : c->timeout_ms));
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
			 (long)(rq->connect_timeout_ms ? rq->connect_timeout_ms : c->connect_timeout_ms));
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, NULL);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "awp/" AWP_AWS_UA_VERSION);
	if (strcmp(rq->method, "GET") == 0)
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	else {
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, rq->method);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(rq->body ? rq->body_len : 0));
		curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, rq->body ? (const char *)rq->body : "");
	}
	err = 0;
	*hdrs_out = hl;
	hl = NULL;
	(void)rs;
done:
	curl_slist_free_all(hl);
	awp_strbuf_free(&url);
	/* the Authorization value is not secret (an HMAC), but wipe anyway */
	if (auth.ptr)
		memset(auth.ptr, 0, auth.len);
	awp_strbuf_free(&auth);
	if (line.ptr)
		memset(line.ptr, 0, line.len);
	awp_strbuf_free(&line);
	return err;
}

/* Replace any occurrence of a credential in msg by "***". */
static void scrub(char *msg, const aws_creds *cr)
{
	const char *secrets[3] = {cr->access_key, cr->secret_key, cr->session_token};
	for (int i = 0; i < 3; i++) {
		const char *s = secrets[i];
		size_t sl = s ? strlen(s) : 0;
		if (sl < 4)
			continue;
		char *p;
		while ((p = strstr(msg, s)) != NULL) {
			memcpy(p, "***", 3);
			memmove(p + 3, p + sl, strlen(p + sl) + 1);
		}
	}
}

int aws_easy_setup(awp_aws_client *c, CURL *h, const aws_request *rq, aws_response *rs, aws_sink *s,
		   struct curl_slist **hdrs, const aws_creds *cr)
{
	curl_easy_reset(h);
	s->rs = rs;
	s->max = rq->max_body ? rq->max_body : AWP_MAX_AWS_BODY;
	s->dest = rq->dest;
	s->dest_cap = rq->dest_cap;
	int err = aws_prepare(c, h, rq, rs, hdrs, cr);
	if (err < 0)
		return err;
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, s);
	return 0;
}

int aws_outcome(awp_aws_client *c, const aws_request *rq, aws_response *rs, CURLcode cc, unsigned attempt,
		unsigned attempts, const aws_creds *cr, unsigned *retry_ms)
{
	char code[128], msg[512];
	long status = rs->status;
	*retry_ms = 0;
	pthread_mutex_lock(&c->lock);
	c->calls++;
	pthread_mutex_unlock(&c->lock);
	if (cc == CURLE_WRITE_ERROR && rs->truncated)
		return awp_error_set(AWP_ELIMIT, "%s: response exceeds %zu bytes", rq->what,
				     rq->dest ? rq->dest_cap : (rq->max_body ? rq->max_body : AWP_MAX_AWS_BODY));
	code[0] = msg[0] = '\0';
	if (cc == CURLE_OK && status >= 200 && status < 300)
		return 0;
	if (cc == CURLE_OK)
		aws_parse_error(rs, code, sizeof code, msg, sizeof msg);
	if (attempt + 1 < attempts && aws_retryable(cc, status, code)) {
		pthread_mutex_lock(&c->lock);
		*retry_ms = aws_backoff_ms(attempt, c->retry_base_ms, c->retry_cap_ms, &c->rng) + 1;
		c->retries++;
		pthread_mutex_unlock(&c->lock);
		return AWP_ENETWORK;
	}
	if (cc != CURLE_OK)
		return awp_error_set(AWP_ENETWORK, "%s: %s (after %u attempt%s)", rq->what, curl_easy_strerror(cc),
				     attempt + 1, attempt ? "s" : "");
	scrub(msg, cr);
	scrub(code, cr);
	return awp_error_set(aws_error_code(status, code), "%s: HTTP %ld%s%s%s%s%s", rq->what, status,
			     code[0] ? " " : "", code, msg[0] ? ": " : "", msg, attempt ? " (after retries)" : "");
}

int aws_call(awp_aws_client *c, const aws_request *rq, aws_response *rs)
{
	unsigned attempts = rq->max_attempts ? rq->max_attempts : c->max_attempts;
	CURL *h = curl_easy_init();
	if (!h)
		return awp_error_set(AWP_ENOMEM, "%s: cannot create an HTTP handle", rq->what);
	aws_creds cr = {0};
	int err = 0;
	for (unsigned attempt = 0;; attempt++) {
		aws_response_free(rs);
		aws_creds_clear(&cr);
		if (rq->service && rq->creds)
			err = aws_creds_copy(&cr, rq->creds);
		else if (rq->service)
			err = aws_client_creds(c, &cr);
		if (err < 0)
			break;
		struct curl_slist *hl = NULL;
		aws_sink s;
		if ((err = aws_easy_setup(c, h, rq, rs, &s, &hl, &cr)) < 0)
			break;
		CURLcode cc = curl_easy_perform(h);
		curl_slist_free_all(hl);
		long status = 0;
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
		rs->status = status;
		unsigned retry_ms = 0;
		err = aws_outcome(c, rq, rs, cc, attempt, attempts, &cr, &retry_ms);
		if (err < 0 && retry_ms) {
			aws_sleep_ms(retry_ms);
			continue;
		}
		break;
	}
	aws_creds_clear(&cr);
	curl_easy_cleanup(h);
	return err;
}

int aws_query(awp_aws_client *c, const char *service, const char *action, const char *version, const char *params,
	      aws_response *rs)
{
	char *base = aws_service_url(c, service);
	char what[128];
	snprintf(what, sizeof what, "%s %s (%s)", service, action, c->region);
	if (!base)
		return AWP_ENOMEM;
	char *body = awp_asprintf("Action=%s&Version=%s%s", action, version, params ? params : "");
	if (!body) {
		free(base);
		return AWP_ENOMEM;
	}
	aws_request rq = {
		.method = "POST",
		.service = service,
		.base_url = base,
		.path = "/",
		.body = body,
		.body_len = strlen(body),
		.content_type = "application/x-www-form-urlencoded; charset=utf-8",
		.what = what,
	};
	int err = aws_call(c, &rq, rs);
	free(body);
	free(base);
	return err;
}
