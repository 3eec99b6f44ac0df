/*
 * AWS client without AWS: the SigV4 signer against published vectors, the
 * XML reader, the retry policy against a tiny loopback HTTP server that
 * answers 503/429/throttling before 200, the credential chain (environment,
 * shared files and profiles, role_arn -> AssumeRole with ExternalId,
 * IMDSv2), and that no credential ever appears in an error message.
 */
#include "harness.h"
#include "fscompare.h"

#include "cloud/aws/aws_int.h"
#include "util/error.h"
#include "util/sha256.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

/* ---- a scripted loopback HTTP server ---- */

typedef struct reply {
	int status;
	const char *headers; /* extra header lines, each ending in \r\n */
	const char *body;
} reply;

typedef struct server {
	int fd;
	int port;
	pthread_t th;
	const reply *script;
	size_t nscript;
	size_t served;
	char log[65536]; /* request heads and bodies, concatenated */
	size_t loglen;
	pthread_mutex_t lock;
	int stop;
} server;

static void *serve(void *arg)
{
	server *s = arg;
	for (;;) {
		int c = accept(s->fd, NULL, NULL);
		if (c < 0 || s->stop) {
			if (c >= 0)
				close(c);
			break;
		}
		char buf[16384];
		size_t n = 0;
		ssize_t r;
		char *end = NULL;
		while (n < sizeof buf - 1 && (r = read(c, buf + n, sizeof buf - 1 - n)) > 0) {
			n += (size_t)r;
			buf[n] = '\0';
			if ((end = strstr(buf, "\r\n\r\n")) != NULL) {
				const char *cl = strcasestr(buf, "content-length:");
				size_t want = cl && cl < end ? strtoul(cl + 15, NULL, 10) : 0;
				if (n >= (size_t)(end + 4 - buf) + want)
					break;
			}
		}
		pthread_mutex_lock(&s->lock);
		if (s->loglen + n + 2 < sizeof s->log) {
			memcpy(s->log + s->loglen, buf, n);
			s->loglen += n;
			s->log[s->loglen++] = '\n';
			s->log[s->loglen] = '\0';
		}
		size_t i = s->served < s->nscript ? s->served : s->nscript - 1;
		s->served++;
		const reply *rp = &s->script[i];
		pthread_mutex_unlock(&s->lock);
		char head[1024];
		int hl = snprintf(head, sizeof head, "HTTP/1.1 %d X\r\nContent-Length: %zu\r\nConnection: close\r\n%s\r\n",
				  rp->status, strlen(rp->body), rp->headers ? rp->headers : "");
		if (write(c, head, (size_t)hl) < 0 || write(c, rp->body, strlen(rp->body)) < 0)
			perror("server write");
		close(c);
	}
	return NULL;
}

static void server_start(server *s, const reply *script, size_t n)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	s->script = script;
	s->nscript = n;
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof a;
	if (bind(s->fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(s->fd, 16) < 0 ||
	    getsockname(s->fd, (struct sockaddr *)&a, &al) < 0)
		test_skip("cannot listen on 127.0.0.1");
	s->port = ntohs(a.sin_port);
	pthread_create(&s->th, NULL, serve, s);
}

static void server_stop(server *s)
{
	s->stop = 1;
	/* wake accept() */
	int c = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (connect(c, (struct sockaddr *)&a, sizeof a) < 0)
		perror("connect");
	close(c);
	pthread_join(s->th, NULL);
	close(s->fd);
	pthread_mutex_destroy(&s->lock);
}

static char *url_of(const server *s)
{
	static char u[64];
	snprintf(u, sizeof u, "http://127.0.0.1:%d", s->port);
	return u;
}

/* ---- tests ---- */

static void test_sigv4(void)
{
	uint8_t key[32];
	char hex[65];
	aws_sigv4_signing_key(key, SECRET, "20150830", "us-east-1", "iam");
	awp_hex(key, 32, hex);
	CHECK_EQ_STR(hex, "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");

	/* AWS General Reference: GET IAM ListUsers, 20150830T123600Z */
	aws_header h[] = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
			  {"Host", "iam.amazonaws.com"},
			  {"X-Amz-Date", "20150830T123600Z"}};
	awp_strbuf auth = AWP_STRBUF_INIT, canon = AWP_STRBUF_INIT, sts = AWP_STRBUF_INIT;
	char empty[65];
	aws_sha256_hex("", 0, empty);
	CHECK_OK(aws_sigv4_authorization(&auth, "GET", "/", "Version=2010-05-08&Action=ListUsers", h, 3, empty,
					 "AKIDEXAMPLE", SECRET, "us-east-1", "iam", "20150830T123600Z", &canon, &sts));
	char ch[65];
	aws_sha256_hex(canon.ptr, canon.len, ch);
	CHECK_EQ_STR(ch, "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
	CHECK_EQ_STR(awp_strbuf_cstr(&auth),
		     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
		     "SignedHeaders=content-type;host;x-amz-date, "
		     "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");

	/* SigV4 test suite: get-vanilla, get-vanilla-query-order-key-case, post-x-www-form-urlencoded */
	struct {
		const char *method, *query, *ctype, *body, *sig;
	} v[] = {
		{"GET", "", NULL, "", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
		{"GET", "Param2=value2&Param1=value1", NULL, "",
		 "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
		{"POST", "", "application/x-www-form-urlencoded", "Param1=value1",
		 "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"},
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		aws_header hv[3] = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}, {NULL, NULL}};
		size_t nh = 2;
		if (v[i].ctype)
			hv[nh++] = (aws_header){"Content-Type", v[i].ctype};
		char ph[65];
		aws_sha256_hex(v[i].body, strlen(v[i].body), ph);
		awp_strbuf a = AWP_STRBUF_INIT;
		CHECK_OK(aws_sigv4_authorization(&a, v[i].method, "/", v[i].query, hv, nh, ph, "AKIDEXAMPLE", SECRET,
						 "us-east-1", "service", "20150830T123600Z", NULL, NULL));
		const char *sig = strstr(awp_strbuf_cstr(&a), "Signature=");
		CHECK_EQ_STR(sig ? sig + 10 : "", v[i].sig);
		awp_strbuf_free(&a);
	}
	awp_strbuf_free(&auth);
	awp_strbuf_free(&canon);
	awp_strbuf_free(&sts);

	awp_strbuf e = AWP_STRBUF_INIT;
	CHECK_OK(aws_uri_encode(&e, "a b/c~d*e=é", 0));
	CHECK_EQ_STR(awp_strbuf_cstr(&e), "a%20b%2Fc~d%2Ae%3D%C3%A9");
	awp_strbuf_free(&e);
	char b64[16];
	aws_base64((const uint8_t *)"ab", 2, b64);
	CHECK_EQ_STR(b64, "YWI=");
	aws_base64((const uint8_t *)"abcd", 4, b64);
	CHECK_EQ_STR(b64, "YWJjZA==");
}

static void test_xml(void)
{
	const char *x = "<?xml version=\"1.0\"?>\n<DescribeX xmlns=\"http://ec2\"><!-- c --><a:set><item><k>v&amp;&lt;&#x41;&#66;</k>"
			"</item><item><k><![CDATA[<raw>]]></k><e/></item></a:set><nextToken>t1</nextToken></DescribeX>";
	aws_xml_doc *d = NULL;
	CHECK_OK(aws_xml_parse(&d, x, strlen(x), "t"));
	if (d) {
		CHECK_EQ_STR(d->root->name, "DescribeX");
		const aws_xml_node *it = aws_xml_path(d->root, "set/item");
		CHECK_EQ_STR(aws_xml_text(it, "k"), "v&<AB");
		it = it ? aws_xml_next_same(it) : NULL;
		CHECK_EQ_STR(aws_xml_text(it, "k"), "<raw>");
		CHECK_EQ_STR(aws_xml_text(it, "e"), "");
		CHECK_EQ_STR(aws_xml_text(d->root, "nextToken"), "t1");
		CHECK(aws_xml_text(d->root, "missing") == NULL);
	}
	aws_xml_free(d);
	const char *bad[] = {"", "<a>", "<a></b>", "<a>&bogus;</a>", "<!DOCTYPE a [<!ENTITY x \"y\">]><a/>",
			     "<a></a><b/>", "<a>&#0;</a>", "<a x=\"1></a>", "text", "<a><b></a></b>"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		d = NULL;
		CHECK_EQ_INT(aws_xml_parse(&d, bad[i], strlen(bad[i]), "bad"), AWP_ECORRUPT);
		CHECK(d == NULL);
	}
	/* nesting beyond the limit */
	char deep[AWP_MAX_XML_DEPTH * 8 + 64];
	size_t n = 0;
	for (int i = 0; i <= AWP_MAX_XML_DEPTH; i++)
		n += (size_t)snprintf(deep + n, sizeof deep - n, "<a>");
	CHECK_EQ_INT(aws_xml_parse(&d, deep, n, "deep"), AWP_ELIMIT);
}

static void test_backoff(void)
{
	uint64_t rng = 42;
	unsigned maxseen = 0;
	for (unsigned a = 0; a < 20; a++)
		for (int k = 0; k < 50; k++) {
			unsigned ms = aws_backoff_ms(a, 100, 2000, &rng);
			unsigned ceil = a < 5 ? 100u << a : 2000;
			if (ceil > 2000)
				ceil = 2000;
			CHECK(ms <= ceil);
			if (ms > maxseen)
				maxseen = ms;
		}
	CHECK(maxseen > 1000); /* jitter reaches up to the cap */
	CHECK(aws_retryable(CURLE_OK, 503, ""));
	CHECK(aws_retryable(CURLE_OK, 429, ""));
	CHECK(aws_retryable(CURLE_OK, 400, "Throttling"));
	CHECK(aws_retryable(CURLE_OK, 503, "RequestLimitExceeded"));
	CHECK(aws_retryable(CURLE_COULDNT_CONNECT, 0, ""));
	CHECK(!aws_retryable(CURLE_OK, 403, "UnauthorizedOperation"));
	CHECK(!aws_retryable(CURLE_OK, 400, "InvalidParameterValue"));
}

static void set_env_creds(void)
{
	setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
	setenv("AWS_SECRET_ACCESS_KEY", SECRET, 1);
	setenv("AWS_SESSION_TOKEN", "SESSIONTOKENSECRET", 1);
	setenv("AWS_REGION", "eu-west-3", 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
}

static const char *const instances_xml =
	"<DescribeInstancesResponse><reservationSet><item><ownerId>123</ownerId><instancesSet><item>"
	"<instanceId>i-1</instanceId><instanceState><name>running</name></instanceState>"
	"<platformDetails>Linux/UNIX</platformDetails><tagSet><item><key>Name</key><value>web</value></item></tagSet>"
	"<blockDeviceMapping><item><deviceName>/dev/xvda</deviceName><ebs><volumeId>vol-1</volumeId>"
	"<deleteOnTermination>true</deleteOnTermination></ebs></item></blockDeviceMapping>"
	"</item></instancesSet></item></reservationSet></DescribeInstancesResponse>";

static void test_retries(void)
{
	set_env_creds();
	reply script[] = {
		{503, NULL, "<Response><Errors><Error><Code>ServiceUnavailable</Code><Message>x</Message></Error></Errors></Response>"},
		{429, NULL, ""},
		{400, NULL, "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>slow down</Message></Error></Errors></Response>"},
		{200, NULL, instances_xml},
	};
	server s;
	server_start(&s, script, 4);
	awp_aws_options o = AWP_AWS_OPTIONS_INIT;
	o.endpoint_url = url_of(&s);
	o.retry_base_ms = 5;
	o.retry_cap_ms = 50;
	awp_aws_client *c = NULL;
	CHECK_OK(awp_aws_client_new(&c, &o));
	awp_aws_list *l = NULL;
	if (c) {
		CHECK_EQ_STR(awp_aws_client_region(c), "eu-west-3");
		CHECK_EQ_STR(awp_aws_client_creds_source(c), "environment");
		CHECK_OK(awp_aws_describe_instances(&l, c, NULL, NULL, 0));
		unsigned long long calls = 0, retries = 0;
		awp_aws_client_stats(c, &calls, &retries);
		CHECK_EQ_INT(calls, 4);
		CHECK_EQ_INT(retries, 3);
	}
	if (l) {
		CHECK_EQ_INT(l->count, 1);
		const awp_aws_instance *in = &l->u.instances[0];
		CHECK_EQ_STR(in->instance_id, "i-1");
		CHECK_EQ_STR(in->state, "running");
		CHECK_EQ_STR(in->owner_id, "123");
		CHECK_EQ_STR(awp_aws_tag_get(in->tags, in->ntags, "Name"), "web");
		CHECK_EQ_INT(in->ndevices, 1);
		CHECK(!awp_aws_instance_is_windows(in));
		if (in->ndevices)
			CHECK_EQ_STR(in->devices[0].volume_id, "vol-1");
	}
	awp_aws_list_free(l);
	/* the session token travelled as a signed header */
	CHECK(strstr(s.log, "x-amz-security-token: SESSIONTOKENSECRET") != NULL);
	CHECK(strstr(s.log, "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token") != NULL);
	CHECK(strstr(s.log, "Credential=AKIDEXAMPLE/") != NULL);
	CHECK(strstr(s.log, "/eu-west-3/ec2/aws4_request") != NULL);
	awp_aws_client_free(c);
	server_stop(&s);

	/* bounded: a server that always throttles fails after max_attempts */
	reply always[] = {{503, NULL, ""}};
	server_start(&s, always, 1);
	o.endpoint_url = url_of(&s);
	o.max_attempts = 3;
	c = NULL;
	CHECK_OK(awp_aws_client_new(&c, &o));
	l = NULL;
	if (c)
		CHECK_EQ_INT(awp_aws_describe_instances(&l, c, NULL, NULL, 0), AWP_ENETWORK);
	CHECK_EQ_INT(s.served, 3);
	awp_aws_client_free(c);
	server_stop(&s);

	/* an auth error is not retried; its message carries no credential even
	 * when the server echoes them */
	reply deny[] = {{403, NULL, "<Response><Errors><Error><Code>AuthFailure</Code><Message>key AKIDEXAMPLE secret "
			 SECRET " token SESSIONTOKENSECRET</Message></Error></Errors></Response>"}};
	server_start(&s, deny, 1);
	o.endpoint_url = url_of(&s);
	c = NULL;
	CHECK_OK(awp_aws_client_new(&c, &o));
	if (c)
		CHECK_EQ_INT(awp_aws_describe_instances(&l, c, NULL, NULL, 0), AWP_EAUTH);
	CHECK_EQ_INT(s.served, 1);
	const char *msg = awp_error_last();
	CHECK(strstr(msg, "AuthFailure") != NULL);
	CHECK_MSG(strstr(msg, SECRET) == NULL && strstr(msg, "SESSIONTOKENSECRET") == NULL &&
			  strstr(msg, "AKIDEXAMPLE") == NULL,
		  msg);
	awp_aws_client_free(c);
	server_stop(&s);
	unsetenv("AWS_SESSION_TOKEN");
}

static const char *const assume_xml =
	"<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult><Credentials>"
	"<AccessKeyId>ASIAROLE</AccessKeyId><SecretAccessKey>rolesecret</SecretAccessKey>"
	"<SessionToken>roletoken</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration>"
	"</Credentials></AssumeRoleResult></AssumeRoleResponse>";

static void test_profiles(void)
{
	char *dir = test_tmpdir();
	CHECK(dir != NULL);
	CHECK(test_sh("cd %s && printf '[default]\\naws_access_key_id = AKIDDEFAULT\\naws_secret_access_key = sdefault\\n"
		      "[base]\\naws_access_key_id=AKIDBASE\\naws_secret_access_key=sbase\\n' > credentials && "
		      "printf '[default]\\nregion = ap-south-1\\n[profile dev]\\nregion = us-west-2\\n"
		      "role_arn = arn:aws:iam::111122223333:role/scan\\nsource_profile = base\\nexternal_id = ext-42\\n"
		      "s3 =\\n  max_concurrent_requests = 2\\n[profile loop]\\nrole_arn = arn:x\\nsource_profile = loop2\\n"
		      "[profile loop2]\\nrole_arn = arn:y\\nsource_profile = loop\\n' > config",
		      dir) == 0);
	char path[512];
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	unsetenv("AWS_REGION");
	unsetenv("AWS_DEFAULT_REGION");
	snprintf(path, sizeof path, "%s/credentials", dir);
	setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
	snprintf(path, sizeof path, "%s/config", dir);
	setenv("AWS_CONFIG_FILE", path, 1);

	awp_aws_client *c = NULL;
	CHECK_OK(awp_aws_client_new(&c, NULL));
	if (c) {
		CHECK_EQ_STR(awp_aws_client_region(c), "ap-south-1");
		CHECK_EQ_STR(c->creds.access_key, "AKIDDEFAULT");
		CHECK_EQ_STR(awp_aws_client_creds_source(c), "shared-credentials");
	}
	awp_aws_client_free(c);

	/* profile dev: role_arn + source_profile -> AssumeRole with ExternalId, signed with base's keys */
	reply sts[] = {{200, NULL, assume_xml}};
	server s;
	server_start(&s, sts, 1);
	setenv("AWS_PROFILE", "dev", 1);
	setenv("AWS_ENDPOINT_URL_STS", url_of(&s), 1);
	c = NULL;
	CHECK_OK(awp_aws_client_new(&c, NULL));
	if (c) {
		CHECK_EQ_STR(awp_aws_client_region(c), "us-west-2");
		CHECK_EQ_STR(c->creds.access_key, "ASIAROLE");
		CHECK_EQ_STR(c->creds.session_token, "roletoken");
		CHECK_EQ_STR(awp_aws_client_creds_source(c), "assume-role");
	}
	CHECK(strstr(s.log, "Action=AssumeRole") != NULL);
	CHECK(strstr(s.log, "RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fscan") != NULL);
	CHECK(strstr(s.log, "ExternalId=ext-42") != NULL);
	CHECK(strstr(s.log, "Credential=AKIDBASE/") != NULL);
	awp_aws_client_free(c);
	server_stop(&s);

	/* --role-arn/--external-id on top of environment keys */
	server_start(&s, sts, 1);
	setenv("AWS_ENDPOINT_URL_STS", url_of(&s), 1);
	set_env_creds();
	unsetenv("AWS_SESSION_TOKEN");
	awp_aws_options o = AWP_AWS_OPTIONS_INIT;
	o.role_arn = "arn:aws:iam::999988887777:role/awp";
	o.external_id = "xid";
	c = NULL;
	CHECK_OK(awp_aws_client_new(&c, &o));
	if (c)
		CHECK_EQ_STR(c->creds.access_key, "ASIAROLE");
	CHECK(strstr(s.log, "ExternalId=xid") != NULL);
	CHECK(strstr(s.log, "Credential=AKIDEXAMPLE/") != NULL);
	awp_aws_client_free(c);
	server_stop(&s);

	/* a source_profile loop is refused, not followed forever */
	unsetenv("AWS_ACCESS_KEY_ID");
	o = (awp_aws_options)AWP_AWS_OPTIONS_INIT;
	o.profile = "loop";
	c = NULL;
	CHECK_EQ_INT(awp_aws_client_new(&c, &o), AWP_ELIMIT);
	unsetenv("AWS_PROFILE");
	unsetenv("AWS_ENDPOINT_URL_STS");
	free(dir);
}

static void test_imds(void)
{
	reply imds[] = {
		{200, NULL, "TOKEN123"},
		{200, NULL, "scanner-role\n"},
		{200, NULL, "{\"Code\":\"Success\",\"AccessKeyId\":\"ASIAIMDS\",\"SecretAccessKey\":\"imdssecret\","
			    "\"Token\":\"imdstoken\",\"Expiration\":\"2099-01-01T00:00:00Z\"}"},
	};
	server s;
	server_start(&s, imds, 3);
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	unsetenv("AWS_EC2_METADATA_DISABLED");
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/awp", 1);
	setenv("AWS_CONFIG_FILE", "/nonexistent/awp", 1);
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", url_of(&s), 1);
	setenv("AWS_REGION", "us-east-2", 1);
	awp_aws_client *c = NULL;
	CHECK_OK(awp_aws_client_new(&c, NULL));
	if (c) {
		CHECK_EQ_STR(c->creds.access_key, "ASIAIMDS");
		CHECK_EQ_STR(c->creds.session_token, "imdstoken");
		CHECK_EQ_STR(awp_aws_client_creds_source(c), "imds");
	}
	CHECK(strstr(s.log, "PUT /latest/api/token") != NULL);
	CHECK(strstr(s.log, "X-aws-ec2-metadata-token-ttl-seconds: 21600") != NULL);
	CHECK(strstr(s.log, "X-aws-ec2-metadata-token: TOKEN123") != NULL);
	CHECK(strstr(s.log, "GET /latest/meta-data/iam/security-credentials/scanner-role") != NULL);
	awp_aws_client_free(c);
	server_stop(&s);

	/* disabled: no credentials at all is an auth error, fast */
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	c = NULL;
	CHECK_EQ_INT(awp_aws_client_new(&c, NULL), AWP_EAUTH);
	unsetenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
}

void test_main(void)
{
	test_sigv4();
	test_xml();
	test_backoff();
	test_retries();
	test_profiles();
	test_imds();
}
