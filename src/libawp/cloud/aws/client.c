/*
 * cloud/aws/client.c - the client handle: region, endpoints, options,
 * credentials (resolved once at creation, refreshed before they expire).
 *
 * Endpoint precedence is the AWS CLI's: --endpoint-url (options), then
 * AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL, then the public
 * https://<service>.<region>.amazonaws.com.
 */
#include "cloud/aws/aws_int.h"

#include "util/crypto_dl.h"
#include "util/error.h"
#include "util/mem.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static int valid_region(const char *r)
{
	size_t n = strlen(r);
	if (n == 0 || n > 40)
		return 0;
	for (; *r; r++)
		if (!islower((unsigned char)*r) && !isdigit((unsigned char)*r) && *r != '-')
			return 0;
	return 1;
}

static char *dup_opt(const char *s)
{
	return s && *s ? awp_strdup(s) : NULL;
}

static char *env_dup(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? awp_strdup(v) : NULL;
}

char *aws_service_url(const awp_aws_client *c, const char *service)
{
	const char *ep = c->endpoint_url;
	char envname[64], *url = NULL;
	if (!ep) {
		snprintf(envname, sizeof envname, "AWS_ENDPOINT_URL_%s", service);
		for (char *p = envname; *p; p++)
			*p = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
		ep = getenv(envname);
		if (!ep || !*ep)
			ep = getenv("AWS_ENDPOINT_URL");
	}
	if (ep && *ep) {
		url = awp_strdup(ep);
		if (url) {
			size_t l = strlen(url);
			while (l && url[l - 1] == '/')
				url[--l] = '\0';
		}
		return url;
	}
	const char *suffix = strncmp(c->region, "cn-", 3) == 0 ? "amazonaws.com.cn" : "amazonaws.com";
	return awp_asprintf("https://%s.%s.%s", service, c->region, suffix);
}

static void client_free(awp_aws_client *c)
{
	if (!c)
		return;
	aws_creds_clear(&c->creds);
	free(c->region);
	free(c->endpoint_url);
	free(c->profile);
	free(c->opt_profile);
	free(c->role_arn);
	free(c->external_id);
	free(c->session_name);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static awp_aws_client *client_alloc(void)
{
	pthread_once(&curl_once, curl_init);
	awp_aws_client *c = awp_calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	pthread_mutex_init(&c->lock, NULL);
	c->rng = (uint64_t)time(NULL) * 0x9E3779B97F4A7C15ull ^ (uint64_t)getpid() << 32 ^ (uint64_t)(uintptr_t)c;
	return c;
}

static int resolve_region(awp_aws_client *c, const awp_aws_options *o)
{
	char *r = dup_opt(o->region);
	if (!r)
		r = env_dup("AWS_REGION");
	if (!r)
		r = env_dup("AWS_DEFAULT_REGION");
	if (!r) {
		const char *p = c->opt_profile ? c->opt_profile : getenv("AWS_PROFILE");
		char *conf = NULL, *sect = NULL;
		const char *cf = getenv("AWS_CONFIG_FILE");
		const char *home = getenv("HOME");
		conf = cf && *cf ? awp_strdup(cf) : awp_asprintf("%s/.aws/config", home && *home ? home : ".");
		if (!p || !*p)
			p = "default";
		sect = strcmp(p, "default") == 0 ? awp_strdup("default") : awp_asprintf("profile %s", p);
		int err = conf && sect ? aws_ini_get(conf, sect, "region", &r) : AWP_ENOMEM;
		free(conf);
		free(sect);
		if (err < 0)
			return err;
	}
	if (!r) {
		/* on EC2: the instance's own region */
		if (aws_imds_region(c, &r) < 0)
			r = NULL;
		awp_error_clear();
	}
	if (!r)
		return awp_error_set(AWP_EINVAL, "aws: no region (set --region, AWS_REGION or a profile region)");
	if (!valid_region(r)) {
		free(r);
		return awp_error_set(AWP_EINVAL, "aws: region name is not valid");
	}
	c->region = r;
	return 0;
}

AWP_EXTERN int awp_aws_client_new(awp_aws_client **out, const awp_aws_options *opts)
{
	awp_aws_options defaults = AWP_AWS_OPTIONS_INIT;
	const awp_aws_options *o = opts ? opts : &defaults;
	if (o->version != AWP_AWS_OPTIONS_VERSION)
		return awp_error_set(AWP_EINVAL, "aws: options version %d not supported", o->version);
	/* HTTP, and SigV4 signing (ebs.c's block checksums too), need both. */
	int lerr = awp_curl_load();
	if (lerr < 0 || (lerr = awp_crypto_load()) < 0)
		return lerr;
	awp_aws_client *c = client_alloc();
	if (!c)
		return AWP_ENOMEM;
	int err = 0;
	c->max_attempts = o->max_attempts ? o->max_attempts : 6;
	c->timeout_ms = o->timeout_ms ? o->timeout_ms : 60000;
	c->connect_timeout_ms = o->connect_timeout_ms ? o->connect_timeout_ms : 10000;
	c->retry_base_ms = o->retry_base_ms ? o->retry_base_ms : 200;
	c->retry_cap_ms = o->retry_cap_ms ? o->retry_cap_ms : AWP_MAX_RETRY_DELAY_MS;
	if (c->retry_cap_ms > AWP_MAX_RETRY_DELAY_MS)
		c->retry_cap_ms = AWP_MAX_RETRY_DELAY_MS;
	if ((o->profile && !(c->opt_profile = dup_opt(o->profile))) ||
	    (o->endpoint_url && !(c->endpoint_url = dup_opt(o->endpoint_url))) ||
	    (o->role_arn && !(c->role_arn = dup_opt(o->role_arn))) ||
	    (o->external_id && !(c->external_id = dup_opt(o->external_id))) ||
	    (o->session_name && !(c->session_name = dup_opt(o->session_name)))) {
		err = AWP_ENOMEM;
		goto fail;
	}
	if (c->endpoint_url && strncmp(c->endpoint_url, "http://", 7) != 0 && strncmp(c->endpoint_url, "https://", 8) != 0) {
		err = awp_error_set(AWP_EINVAL, "aws: endpoint URL must start with http:// or https://");
		goto fail;
	}
	if ((err = resolve_region(c, o)) < 0 || (err = aws_creds_resolve(c, o)) < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	client_free(c);
	return err;
}

AWP_EXTERN int awp_aws_client_for_region(awp_aws_client **out, const awp_aws_client *src, const char *region)
{
	if (!valid_region(region))
		return awp_error_set(AWP_EINVAL, "aws: region name is not valid");
	awp_aws_client *c = client_alloc();
	if (!c)
		return AWP_ENOMEM;
	c->max_attempts = src->max_attempts;
	c->timeout_ms = src->timeout_ms;
	c->connect_timeout_ms = src->connect_timeout_ms;
	c->retry_base_ms = src->retry_base_ms;
	c->retry_cap_ms = src->retry_cap_ms;
	int err = 0;
	pthread_mutex_lock((pthread_mutex_t *)&src->lock);
	err = aws_creds_copy(&c->creds, &src->creds);
	pthread_mutex_unlock((pthread_mutex_t *)&src->lock);
	if (err < 0 || !(c->region = awp_strdup(region)) ||
	    (src->endpoint_url && !(c->endpoint_url = awp_strdup(src->endpoint_url))) ||
	    (src->opt_profile && !(c->opt_profile = awp_strdup(src->opt_profile))) ||
	    (src->role_arn && !(c->role_arn = awp_strdup(src->role_arn))) ||
	    (src->external_id && !(c->external_id = awp_strdup(src->external_id))) ||
	    (src->session_name && !(c->session_name = awp_strdup(src->session_name)))) {
		client_free(c);
		return err < 0 ? err : AWP_ENOMEM;
	}
	*out = c;
	return 0;
}

AWP_EXTERN void awp_aws_client_free(awp_aws_client *c)
{
	client_free(c);
}

AWP_EXTERN const char *awp_aws_client_region(const awp_aws_client *c)
{
	return c->region;
}

AWP_EXTERN const char *awp_aws_client_creds_source(const awp_aws_client *c)
{
	return c->creds.source ? c->creds.source : "";
}

AWP_EXTERN void awp_aws_client_stats(const awp_aws_client *c, unsigned long long *calls, unsigned long long *retries)
{
	pthread_mutex_lock((pthread_mutex_t *)&c->lock);
	if (calls)
		*calls = c->calls;
	if (retries)
		*retries = c->retries;
	pthread_mutex_unlock((pthread_mutex_t *)&c->lock);
}
