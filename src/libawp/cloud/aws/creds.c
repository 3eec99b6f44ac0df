/*
 * cloud/aws/creds.c - the credential chain, as the AWS CLI resolves it.
 *
 *   1. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, unless
 *      a profile was named explicitly;
 *   2. the profile (explicit, AWS_PROFILE, or "default") in the shared
 *      credentials file (AWS_SHARED_CREDENTIALS_FILE, ~/.aws/credentials) and
 *      config file (AWS_CONFIG_FILE, ~/.aws/config): static keys, or
 *      role_arn with source_profile / credential_source -> STS AssumeRole
 *      (external_id, role_session_name);
 *   3. IMDSv2 (token PUT, then GET), unless AWS_EC2_METADATA_DISABLED=true;
 *      endpoint from AWS_EC2_METADATA_SERVICE_ENDPOINT; 1 s timeouts.
 * On top, the caller's --role-arn/--external-id is assumed with the result.
 * Secrets are copied only into aws_creds and wiped when cleared.
 */
#include "cloud/aws/aws_int.h"

#include "util/crypto_dl.h"
#include "util/error.h"
#include "util/mem.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define IMDS_TIMEOUT_MS 1000

static void wipe_free(char *s)
{
	if (s) {
		OPENSSL_cleanse(s, strlen(s));
		free(s);
	}
}

void aws_creds_clear(aws_creds *c)
{
	wipe_free(c->access_key);
	wipe_free(c->secret_key);
	wipe_free(c->session_token);
	memset(c, 0, sizeof(*c));
}

int aws_creds_copy(aws_creds *dst, const aws_creds *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->access_key = awp_strdup(src->access_key ? src->access_key : "");
	dst->secret_key = awp_strdup(src->secret_key ? src->secret_key : "");
	dst->session_token = src->session_token ? awp_strdup(src->session_token) : NULL;
	dst->expiration = src->expiration;
	dst->source = src->source;
	if (!dst->access_key || !dst->secret_key || (src->session_token && !dst->session_token)) {
		aws_creds_clear(dst);
		return AWP_ENOMEM;
	}
	return 0;
}

static int set_creds(aws_creds *out, const char *ak, const char *sk, const char *tok, time_t exp, const char *source)
{
	aws_creds tmp = {(char *)ak, (char *)sk, (char *)(tok && *tok ? tok : NULL), exp, source};
	return aws_creds_copy(out, &tmp);
}

time_t aws_parse_time(const char *s)
{
	struct tm tm = {0};
	int y, mo, d, h, mi, se;
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &se) != 6)
		return 0;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	return timegm(&tm);
}

/* ---- shared files ---- */

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	char *e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

int aws_ini_get(const char *path, const char *section, const char *key, char **out)
{
	*out = NULL;
	FILE *f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? 0 : awp_error_errno(errno, "aws config %s", path);
	char line[4096];
	int in = 0, err = 0;
	size_t total = 0;
	while (fgets(line, sizeof line, f)) {
		total += strlen(line);
		if (total > AWP_MAX_AWS_CONFIG_FILE) {
			err = awp_error_set(AWP_ELIMIT, "aws config %s: larger than %u bytes", path,
					    AWP_MAX_AWS_CONFIG_FILE);
			break;
		}
		/* indented lines continue a nested key (s3 = ...): not ours */
		if (line[0] == ' ' || line[0] == '\t')
			continue;
		char *l = trim(line);
		if (!*l || *l == '#' || *l == ';')
			continue;
		if (*l == '[') {
			char *e = strchr(l, ']');
			if (!e)
				continue;
			*e = '\0';
			in = strcmp(trim(l + 1), section) == 0;
			continue;
		}
		if (!in)
			continue;
		char *eq = strchr(l, '=');
		if (!eq)
			continue;
		*eq = '\0';
		if (strcmp(trim(l), key) == 0) {
			free(*out);
			if (!(*out = awp_strdup(trim(eq + 1)))) {
				err = AWP_ENOMEM;
				break;
			}
		}
	}
	OPENSSL_cleanse(line, sizeof line);
	fclose(f);
	if (err < 0) {
		wipe_free(*out);
		*out = NULL;
	}
	return err;
}

static char *home_file(const char *env, const char *rel)
{
	const char *e = getenv(env);
	if (e && *e)
		return awp_strdup(e);
	const char *home = getenv("HOME");
	return awp_asprintf("%s/.aws/%s", home && *home ? home : ".", rel);
}

/* A key of a profile: credentials file [name] first, then config
 * [profile name] (or [default]). */
static int profile_get(const char *profile, const char *key, int creds_file_too, char **out)
{
	*out = NULL;
	int err = 0;
	if (creds_file_too) {
		char *cf = home_file("AWS_SHARED_CREDENTIALS_FILE", "credentials");
		if (!cf)
			return AWP_ENOMEM;
		err = aws_ini_get(cf, profile, key, out);
		free(cf);
		if (err < 0 || *out)
			return err;
	}
	char *conf = home_file("AWS_CONFIG_FILE", "config");
	char *sect = strcmp(profile, "default") == 0 ? awp_strdup("default") : awp_asprintf("profile %s", profile);
	if (!conf || !sect)
		err = AWP_ENOMEM;
	else if ((err = aws_ini_get(conf, sect, key, out)) >= 0 && !*out && strcmp(profile, "default") == 0)
		err = aws_ini_get(conf, "profile default", key, out);
	free(conf);
	free(sect);
	return err;
}

static int env_creds(aws_creds *out)
{
	const char *ak = getenv("AWS_ACCESS_KEY_ID");
	const char *sk = getenv("AWS_SECRET_ACCESS_KEY");
	if (!ak || !*ak || !sk || !*sk)
		return AWP_ENOTFOUND;
	return set_creds(out, ak, sk, getenv("AWS_SESSION_TOKEN"), 0, "environment");
}

static int imds_disabled(void)
{
	const char *d = getenv("AWS_EC2_METADATA_DISABLED");
	return d && strcasecmp(d, "true") == 0;
}

/* ---- STS AssumeRole ---- */

static int form_add(awp_strbuf *sb, const char *k, const char *v)
{
	int err;
	if ((err = awp_strbuf_printf(sb, "&%s=", k)) < 0)
		return err;
	return aws_uri_encode(sb, v, 0);
}

int aws_assume_role(awp_aws_client *c, const aws_creds *base, const char *role_arn, const char *external_id,
		    const char *session_name, aws_creds *out)
{
	awp_strbuf body = AWP_STRBUF_INIT;
	aws_response rs = {0};
	aws_xml_doc *doc = NULL;
	char *url = aws_service_url(c, "sts");
	char sess[64];
	if (!session_name || !*session_name) {
		snprintf(sess, sizeof sess, "awp-%ld", (long)getpid());
		session_name = sess;
	}
	int err = url ? 0 : AWP_ENOMEM;
	if (err < 0 || (err = awp_strbuf_puts(&body, "Action=AssumeRole&Version=2011-06-15")) < 0 ||
	    (err = form_add(&body, "RoleArn", role_arn)) < 0 || (err = form_add(&body, "RoleSessionName", session_name)) < 0 ||
	    (err = awp_strbuf_puts(&body, "&DurationSeconds=3600")) < 0 ||
	    (external_id && *external_id && (err = form_add(&body, "ExternalId", external_id)) < 0))
		goto done;
	char what[300];
	snprintf(what, sizeof what, "sts AssumeRole %s", role_arn);
	aws_request rq = {
		.method = "POST",
		.service = "sts",
		.base_url = url,
		.path = "/",
		.body = body.ptr,
		.body_len = body.len,
		.content_type = "application/x-www-form-urlencoded; charset=utf-8",
		.what = what,
		.creds = base,
	};
	if ((err = aws_call(c, &rq, &rs)) < 0)
		goto done;
	if ((err = aws_xml_parse(&doc, rs.body.ptr ? rs.body.ptr : "", rs.body.len, "sts AssumeRole response")) < 0)
		goto done;
	const aws_xml_node *cr = aws_xml_path(doc->root, "AssumeRoleResult/Credentials");
	const char *ak = aws_xml_text(cr, "AccessKeyId"), *sk = aws_xml_text(cr, "SecretAccessKey");
	const char *tok = aws_xml_text(cr, "SessionToken"), *exp = aws_xml_text(cr, "Expiration");
	if (!ak || !sk || !tok || !*ak || !*sk) {
		err = awp_error_set(AWP_ECORRUPT, "%s: response has no credentials", what);
		goto done;
	}
	err = set_creds(out, ak, sk, tok, aws_parse_time(exp), "assume-role");
done:
	if (rs.body.ptr)
		OPENSSL_cleanse(rs.body.ptr, rs.body.len);
	aws_response_free(&rs);
	aws_xml_free(doc);
	awp_strbuf_free(&body);
	free(url);
	return err;
}

/* ---- IMDSv2 ---- */

static int imds_get(awp_aws_client *c, const char *method, const char *path, const char *hdr, aws_response *rs)
{
	const char *ep = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	char base[512];
	snprintf(base, sizeof base, "%s", ep && *ep ? ep : "http://169.254.169.254");
	size_t l = strlen(base);
	while (l && base[l - 1] == '/')
		base[--l] = '\0';
	const char *hdrs[2] = {hdr, NULL};
	aws_request rq = {
		.method = method,
		.base_url = base,
		.path = path,
		.extra_headers = hdrs,
		.timeout_ms = IMDS_TIMEOUT_MS,
		.connect_timeout_ms = IMDS_TIMEOUT_MS,
		.max_attempts = 2,
		.max_body = 64 << 10,
		.what = "imds",
	};
	return aws_call(c, &rq, rs);
}

static int imds_token(awp_aws_client *c, char *hdr, size_t cap)
{
	aws_response rs = {0};
	int err = imds_get(c, "PUT", "/latest/api/token", "X-aws-ec2-metadata-token-ttl-seconds: 21600", &rs);
	if (err >= 0) {
		const char *t = awp_strbuf_cstr(&rs.body);
		if (!*t || strlen(t) > cap - 40 || strpbrk(t, "\r\n"))
			err = awp_error_set(AWP_ECORRUPT, "imds: bad session token");
		else
			snprintf(hdr, cap, "X-aws-ec2-metadata-token: %s", t);
	}
	if (rs.body.ptr)
		OPENSSL_cleanse(rs.body.ptr, rs.body.len);
	aws_response_free(&rs);
	return err;
}

int aws_imds_creds(awp_aws_client *c, aws_creds *out)
{
	if (imds_disabled())
		return awp_error_set(AWP_ENOTFOUND, "imds: disabled by AWS_EC2_METADATA_DISABLED");
	char hdr[1200];
	aws_response rs = {0};
	cJSON *j = NULL;
	int err;
	if ((err = imds_token(c, hdr, sizeof hdr)) < 0)
		goto done;
	if ((err = imds_get(c, "GET", "/latest/meta-data/iam/security-credentials/", hdr, &rs)) < 0)
		goto done;
	char role[256];
	const char *r = awp_strbuf_cstr(&rs.body);
	size_t rl = strcspn(r, "\r\n");
	if (rl == 0 || rl >= sizeof role) {
		err = awp_error_set(AWP_EAUTH, "imds: the instance has no IAM role");
		goto done;
	}
	memcpy(role, r, rl);
	role[rl] = '\0';
	awp_strbuf enc = AWP_STRBUF_INIT, path = AWP_STRBUF_INIT;
	if ((err = aws_uri_encode(&enc, role, 0)) >= 0)
		err = awp_strbuf_printf(&path, "/latest/meta-data/iam/security-credentials/%s", enc.ptr);
	awp_strbuf_free(&enc);
	if (err >= 0)
		err = imds_get(c, "GET", path.ptr, hdr, &rs);
	awp_strbuf_free(&path);
	if (err < 0)
		goto done;
	j = cJSON_ParseWithLength(rs.body.ptr ? rs.body.ptr : "", rs.body.len);
	const cJSON *ak = cJSON_GetObjectItemCaseSensitive(j, "AccessKeyId");
	const cJSON *sk = cJSON_GetObjectItemCaseSensitive(j, "SecretAccessKey");
	const cJSON *tok = cJSON_GetObjectItemCaseSensitive(j, "Token");
	const cJSON *exp = cJSON_GetObjectItemCaseSensitive(j, "Expiration");
	if (!cJSON_IsString(ak) || !cJSON_IsString(sk)) {
		err = awp_error_set(AWP_ECORRUPT, "imds: credentials document is not valid");
		goto done;
	}
	err = set_creds(out, ak->valuestring, sk->valuestring, cJSON_IsString(tok) ? tok->valuestring : NULL,
			cJSON_IsString(exp) ? aws_parse_time(exp->valuestring) : 0, "imds");
done:
	OPENSSL_cleanse(hdr, sizeof hdr);
	if (rs.body.ptr)
		OPENSSL_cleanse(rs.body.ptr, rs.body.len);
	aws_response_free(&rs);
	cJSON_Delete(j);
	return err;
}

int aws_imds_region(awp_aws_client *c, char **out)
{
	*out = NULL;
	if (imds_disabled())
		return AWP_ENOTFOUND;
	char hdr[1200];
	aws_response rs = {0};
	int err = imds_token(c, hdr, sizeof hdr);
	if (err >= 0 && (err = imds_get(c, "GET", "/latest/meta-data/placement/region", hdr, &rs)) >= 0) {
		const char *r = awp_strbuf_cstr(&rs.body);
		size_t l = strcspn(r, "\r\n");
		if (l == 0 || l > 64)
			err = awp_error_set(AWP_ECORRUPT, "imds: bad region");
		else if (!(*out = awp_strndup(r, l)))
			err = AWP_ENOMEM;
	}
	OPENSSL_cleanse(hdr, sizeof hdr);
	aws_response_free(&rs);
	return err;
}

/* ---- the chain ---- */

/* aws_access_key_id/aws_secret_access_key[/aws_session_token] of a profile. */
static int static_profile(const char *profile, aws_creds *out)
{
	char *ak = NULL, *sk = NULL, *tok = NULL;
	int err;
	if ((err = profile_get(profile, "aws_access_key_id", 1, &ak)) >= 0 &&
	    (err = profile_get(profile, "aws_secret_access_key", 1, &sk)) >= 0 &&
	    (err = profile_get(profile, "aws_session_token", 1, &tok)) >= 0)
		err = ak && sk && *ak && *sk ? set_creds(out, ak, sk, tok, 0, "shared-credentials") : AWP_ENOTFOUND;
	wipe_free(ak);
	wipe_free(sk);
	wipe_free(tok);
	return err;
}

static int resolve_profile(awp_aws_client *c, const char *profile, int depth, aws_creds *out)
{
	if (depth > AWP_MAX_AWS_ROLE_CHAIN)
		return awp_error_set(AWP_ELIMIT, "aws profile %s: role chain longer than %d (source_profile loop?)", profile,
				     AWP_MAX_AWS_ROLE_CHAIN);
	char *role = NULL, *src = NULL, *csrc = NULL, *ext = NULL, *sess = NULL;
	aws_creds base = {0};
	int err;
	if ((err = profile_get(profile, "role_arn", 1, &role)) < 0)
		goto done;
	if (role) {
		if ((err = profile_get(profile, "source_profile", 1, &src)) < 0 ||
		    (err = profile_get(profile, "credential_source", 1, &csrc)) < 0 ||
		    (err = profile_get(profile, "external_id", 1, &ext)) < 0 ||
		    (err = profile_get(profile, "role_session_name", 1, &sess)) < 0)
			goto done;
		if (src)
			/* a profile naming itself uses its own static keys */
			err = strcmp(src, profile) == 0 ? static_profile(src, &base) : resolve_profile(c, src, depth + 1, &base);
		else if (csrc && strcmp(csrc, "Environment") == 0)
			err = env_creds(&base);
		else if (csrc && strcmp(csrc, "Ec2InstanceMetadata") == 0)
			err = aws_imds_creds(c, &base);
		else
			err = awp_error_set(AWP_EINVAL, "aws profile %s: role_arn without source_profile or credential_source",
					    profile);
		if (err == AWP_ENOTFOUND && src)
			err = awp_error_set(AWP_EAUTH, "aws profile %s: source_profile %s has no credentials", profile, src);
		if (err < 0)
			goto done;
		err = aws_assume_role(c, &base, role, ext, sess, out);
		goto done;
	}
	err = static_profile(profile, out);
done:
	aws_creds_clear(&base);
	free(role);
	free(src);
	free(csrc);
	free(ext);
	free(sess);
	return err;
}

int aws_creds_resolve(awp_aws_client *c, const awp_aws_options *opts)
{
	(void)opts;
	aws_creds cr = {0}, fin = {0};
	int err = AWP_ENOTFOUND;
	const char *profile = c->opt_profile;
	if (!profile && (err = env_creds(&cr)) < 0 && err != AWP_ENOTFOUND)
		return err;
	if (err == AWP_ENOTFOUND) {
		const char *p = profile ? profile : getenv("AWS_PROFILE");
		if (!p || !*p)
			p = "default";
		err = resolve_profile(c, p, 0, &cr);
		if (err == AWP_ENOTFOUND && profile)
			return awp_error_set(AWP_EAUTH, "aws profile %s: no credentials", profile);
	}
	if (err == AWP_ENOTFOUND) {
		err = imds_disabled() ? AWP_ENOTFOUND : aws_imds_creds(c, &cr);
		if (err < 0)
			return awp_error_set(AWP_EAUTH,
					     "aws: no credentials (environment, shared files, instance metadata: %s)",
					     err == AWP_ENOTFOUND ? "disabled" : awp_error_last());
	}
	if (err < 0)
		return err;
	if (c->role_arn) {
		err = aws_assume_role(c, &cr, c->role_arn, c->external_id, c->session_name, &fin);
		aws_creds_clear(&cr);
		if (err < 0)
			return err;
		cr = fin;
	}
	pthread_mutex_lock(&c->lock);
	aws_creds_clear(&c->creds);
	c->creds = cr;
	pthread_mutex_unlock(&c->lock);
	return 0;
}

int aws_client_creds(awp_aws_client *c, aws_creds *out)
{
	pthread_mutex_lock(&c->lock);
	/* refresh five minutes before expiry; one thread refreshes, others use
	 * the still-valid current ones */
	int refresh = c->creds.expiration && !c->refreshing && time(NULL) > c->creds.expiration - 300;
	if (refresh)
		c->refreshing = 1;
	pthread_mutex_unlock(&c->lock);
	if (refresh) {
		int err = aws_creds_resolve(c, NULL);
		pthread_mutex_lock(&c->lock);
		c->refreshing = 0;
		pthread_mutex_unlock(&c->lock);
		if (err < 0 && time(NULL) >= c->creds.expiration)
			return err;
	}
	pthread_mutex_lock(&c->lock);
	int err = aws_creds_copy(out, &c->creds);
	pthread_mutex_unlock(&c->lock);
	return err;
}
