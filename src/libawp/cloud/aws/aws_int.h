/*
 * cloud/aws/aws_int.h - private to the cloud/aws sources: the signer, the HTTP
 * layer with its retry policy, credentials, the XML reader and the limits
 * on everything a server sends back.
 */
#ifndef AWP_CLOUD_AWS_INT_H
#define AWP_CLOUD_AWS_INT_H

#include <awp/aws.h>

#include "util/arena.h"
#include "util/strbuf.h"

#include "util/curl_dl.h"
#include <pthread.h>
#include <stdint.h>
#include <time.h>

/* Limits on what a server (or a config file) hands us. */
#define AWP_MAX_AWS_BODY (64u << 20)          /* one API response body; EC2 pages are far smaller */
#define AWP_MAX_AWS_ERROR_BODY (64u << 10)    /* error bodies are read for Code/Message only */
#define AWP_MAX_AWS_PAGES 100000              /* pages of one paginated call: stops a NextToken loop */
#define AWP_MAX_XML_DEPTH 64                  /* EC2 responses nest ~10 deep */
#define AWP_MAX_XML_NODES (4u << 20)          /* elements in one response */
#define AWP_MAX_AWS_CONFIG_FILE (1u << 20)    /* ~/.aws/config and credentials */
#define AWP_MAX_AWS_ROLE_CHAIN 5              /* role_arn -> source_profile hops */
#define AWP_MAX_EBS_VOLUME_GIB 65536          /* io2 Block Express maximum is 64 TiB */
#define AWP_MAX_EBS_BLOCK_SIZE (1u << 20)     /* EBS uses 512 KiB; anything above 1 MiB is not EBS */
#define AWP_MAX_EBS_TOKEN 1024                /* one block token */
#define AWP_MAX_EBS_INFLIGHT 256              /* parallel GetSnapshotBlock requests */
#define AWP_MAX_RETRY_DELAY_MS 20000          /* cap of one backoff sleep */
#define AWP_AWS_UA_VERSION "0.1"

/* ---- credentials ---- */

typedef struct aws_creds {
	char *access_key;
	char *secret_key;
	char *session_token; /* NULL for long-term keys */
	time_t expiration;   /* 0: does not expire */
	const char *source;  /* "environment", "shared-credentials", "assume-role", "imds" (static string) */
} aws_creds;

void aws_creds_clear(aws_creds *c);
int aws_creds_copy(aws_creds *dst, const aws_creds *src);

/* ---- SigV4 (sigv4.c) ---- */

typedef struct aws_header {
	const char *name;  /* any case; lowercased when signed */
	const char *value;
} aws_header;

/**
 * Compute the Authorization header value for one request.
 * `path` is the canonical URI (already percent-encoded), `query` the raw
 * query string (already percent-encoded, any order), headers must include
 * host and x-amz-date. `amzdate` is "YYYYMMDDTHHMMSSZ".
 * When canon/to_sign are non-NULL they receive the intermediate strings
 * (for tests).
 */
int aws_sigv4_authorization(awp_strbuf *out, const char *method, const char *path, const char *query,
			    const aws_header *hdrs, size_t nhdrs, const char *payload_sha256_hex,
			    const char *access_key, const char *secret_key, const char *region,
			    const char *service, const char *amzdate, awp_strbuf *canon, awp_strbuf *to_sign);
/** kSigning = HMAC chain over date, region, service, "aws4_request". */
void aws_sigv4_signing_key(uint8_t out[32], const char *secret_key, const char *date8, const char *region,
			   const char *service);
/** RFC 3986 unreserved characters pass, everything else is %XX (uppercase). */
int aws_uri_encode(awp_strbuf *sb, const char *s, int keep_slash);
void aws_sha256_hex(const void *data, size_t len, char out[65]);
/** Standard base64 of data (no newlines) into out (size >= 4*ceil(len/3)+1). */
void aws_base64(const uint8_t *data, size_t len, char *out);

/* ---- HTTP with retries (http.c) ---- */

typedef struct aws_request {
	const char *method;        /* "GET", "POST", "PUT" */
	const char *service;       /* signing name: "ec2", "ebs", "sts"; NULL: unsigned (IMDS) */
	const char *base_url;      /* "https://ec2.us-east-1.amazonaws.com" (no trailing slash) */
	const char *path;          /* encoded, starts with '/' */
	const char *query;         /* encoded, or NULL */
	const void *body;
	size_t body_len;
	const char *content_type;
	const char *const *extra_headers; /* "Name: value", NULL-terminated, not signed */
	size_t max_body;           /* 0: AWP_MAX_AWS_BODY */
	unsigned timeout_ms;       /* 0: the client's */
	unsigned connect_timeout_ms;
	unsigned max_attempts;     /* 0: the client's */
	const char *what;          /* "ec2 DescribeInstances" for messages */
	/* Direct body buffer (EBS blocks): when set, the body goes here. */
	uint8_t *dest;
	size_t dest_cap;
	const struct aws_creds *creds; /* sign with these instead of the client's (AssumeRole) */
} aws_request;

typedef struct aws_response {
	long status;
	awp_strbuf body;       /* unless dest was given */
	size_t dest_len;
	char checksum[96];     /* x-amz-Checksum */
	char checksum_alg[32]; /* x-amz-Checksum-Algorithm */
	char error_type[96];   /* x-amzn-ErrorType (REST-JSON services) */
	char request_id[96];   /* x-amzn-RequestId / x-amz-request-id */
	int truncated;         /* body exceeded max_body */
} aws_response;

void aws_response_free(aws_response *r);

/** What the retry policy decides from one attempt's outcome. */
int aws_retryable(CURLcode cc, long status, const char *error_code);
/** Full jitter: uniform in [0, min(cap, base * 2^attempt)], attempt from 0. */
unsigned aws_backoff_ms(unsigned attempt, unsigned base_ms, unsigned cap_ms, uint64_t *rng);

/** Error code and message from an EC2/STS XML or EBS JSON error body. */
void aws_parse_error(const aws_response *r, char *code, size_t code_len, char *msg, size_t msg_len);

/* ---- the client (client.c) ---- */

struct awp_aws_client {
	char *region;
	char *endpoint_url;     /* global override (AWS_ENDPOINT_URL / --endpoint-url), or NULL */
	char *profile;
	unsigned max_attempts;
	unsigned timeout_ms;
	unsigned connect_timeout_ms;
	unsigned retry_base_ms;
	unsigned retry_cap_ms;
	unsigned page_size;     /* MaxResults of paginated EC2 calls (0: the call's maximum); tests lower it */
	uint64_t rng;
	pthread_mutex_t lock;   /* creds and rng */
	aws_creds creds;
	/* what the chain was resolved from, to resolve it again when the
	 * credentials expire (AssumeRole, IMDS) */
	char *opt_profile, *role_arn, *external_id, *session_name;
	int refreshing;
	unsigned long long calls, retries; /* statistics */
};

/** Base URL of a service for the client's region (honours overrides). */
char *aws_service_url(const awp_aws_client *c, const char *service);
/** A copy of current credentials, refreshed when they expire soon. */
int aws_client_creds(awp_aws_client *c, aws_creds *out);

/** Build the signed header list of a request on a curl easy handle. */
int aws_prepare(awp_aws_client *c, CURL *h, const aws_request *rq, aws_response *rs, struct curl_slist **hdrs,
		const aws_creds *cr);
typedef struct aws_sink {
	aws_response *rs;
	size_t max;
	uint8_t *dest;
	size_t dest_cap;
} aws_sink;

/** Reset h and set it up for rq: URL, signed headers (*hdrs: free after the
 *  transfer), callbacks filling rs through s (s must outlive the transfer). */
int aws_easy_setup(awp_aws_client *c, CURL *h, const aws_request *rq, aws_response *rs, aws_sink *s,
		   struct curl_slist **hdrs, const aws_creds *cr);
/**
 * Judge one finished attempt (rs->status set): 0 on success; otherwise the
 * error is set and returned, and *retry_ms is nonzero when the policy says
 * to try again after that many milliseconds.
 */
int aws_outcome(awp_aws_client *c, const aws_request *rq, aws_response *rs, CURLcode cc, unsigned attempt,
		unsigned attempts, const aws_creds *cr, unsigned *retry_ms);
/** One request with the retry policy; on HTTP >= 300 the error is set and returned. */
int aws_call(awp_aws_client *c, const aws_request *rq, aws_response *rs);
/** An EC2/STS Query call: POST Action=...&Version=... + params (already encoded "&k=v..."). */
int aws_query(awp_aws_client *c, const char *service, const char *action, const char *version, const char *params,
	      aws_response *rs);
/** Map an HTTP status / error code to an AWP_E* code. */
int aws_error_code(long status, const char *code);
/** Sleep ms milliseconds (interruptible by nothing; bounded by the caller). */
void aws_sleep_ms(unsigned ms);

/* ---- credentials (creds.c) ---- */

/** Resolve the chain for opts; fills c->creds and the refresh info. */
int aws_creds_resolve(awp_aws_client *c, const awp_aws_options *opts);
/** STS AssumeRole with base credentials. */
int aws_assume_role(awp_aws_client *c, const aws_creds *base, const char *role_arn, const char *external_id,
		    const char *session_name, aws_creds *out);
/** IMDSv2 credentials (and region when region is non-NULL). */
int aws_imds_creds(awp_aws_client *c, aws_creds *out);
int aws_imds_region(awp_aws_client *c, char **out);
/** Parse "2024-01-02T03:04:05Z" (fraction allowed); 0 on failure. */
time_t aws_parse_time(const char *s);
/** Read one key of a profile from an INI file; *out NULL when absent. */
int aws_ini_get(const char *path, const char *section, const char *key, char **out);

/* ---- XML (xml.c) ---- */

typedef struct aws_xml_node aws_xml_node;
struct aws_xml_node {
	const char *name;   /* local name (prefix stripped) */
	const char *text;   /* concatenated character data of this element, "" when none */
	aws_xml_node *parent, *first, *last, *next;
};

typedef struct aws_xml_doc {
	awp_arena arena;
	aws_xml_node *root;
	size_t nodes;
} aws_xml_doc;

/** Parse a complete document; `what` names it in messages. AWP_ECORRUPT / AWP_ELIMIT. */
int aws_xml_parse(aws_xml_doc **out, const char *buf, size_t len, const char *what);
void aws_xml_free(aws_xml_doc *d);
/** First child element named `name`, or NULL. */
const aws_xml_node *aws_xml_child(const aws_xml_node *n, const char *name);
/** Follow a "a/b/c" path of child names; NULL when absent. */
const aws_xml_node *aws_xml_path(const aws_xml_node *n, const char *path);
/** Text at a path or NULL. */
const char *aws_xml_text(const aws_xml_node *n, const char *path);
/** Next sibling with the same name as n. */
const aws_xml_node *aws_xml_next_same(const aws_xml_node *n);

#endif
