/*
 * secrets/check.c - the second step for a candidate: entropy, placeholder
 * values, format validators (token checksums, key-id/secret pairing, key
 * encryption), and the two things a finding shows instead of the secret:
 * a redacted prefix and a keyed fingerprint.
 *
 * Every function here works on a bounded window (scan.c cuts it); nothing
 * here copies the secret anywhere that outlives the call.
 */
#include "secrets/secrets_int.h"

#include "util/crypto_dl.h"

#include <ctype.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

static const char *const vnames[V_COUNT_] = {
	[V_NONE] = "",
	[V_GITHUB_CRC32] = "github_crc32",
	[V_AWS_PAIR] = "aws_pair",
	[V_AWS_UNPAIRED] = "aws_unpaired",
	[V_AWS_SECRET_UNPAIRED] = "aws_secret_unpaired",
	[V_PEM_UNENCRYPTED] = "pem_unencrypted",
	[V_OPENSSH_UNENCRYPTED] = "openssh_unencrypted",
	[V_OPENSSH_ENCRYPTED] = "openssh_encrypted",
	[V_GCP_SERVICE_ACCOUNT] = "gcp_service_account",
	[V_BASIC_AUTH] = "basic_auth",
	[V_JWT] = "jwt",
	[V_DISCORD_TOKEN] = "discord_token",
	[V_PASSWORD_VALUE] = "password_value",
	[V_LUHN] = "luhn",
};

enum validator awp_secrets_validator_find(const char *name)
{
	for (int i = 1; i < V_COUNT_; i++)
		if (strcmp(vnames[i], name) == 0)
			return (enum validator)i;
	return V_COUNT_;
}

const char *awp_secrets_validator_name(enum validator v)
{
	return v < V_COUNT_ ? vnames[v] : "";
}

double awp_secrets_entropy(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	unsigned cnt[256] = {0};
	for (size_t i = 0; i < n; i++)
		cnt[(unsigned char)s[i]]++;
	double h = 0;
	for (int i = 0; i < 256; i++) {
		if (!cnt[i])
			continue;
		double p = (double)cnt[i] / (double)n;
		h -= p * log2(p);
	}
	return h;
}

/* Values people write where a real secret would go. Substrings anywhere: */
static const char *const deny_sub[] = {
	"changeme", "change_me", "change-me", "changeit", "example", "xxxx", "placeholder", "your_", "your-",
	"yourpass", "redacted", "replace", "dummy", "sample", "fixme", "insert", "secret_here", "password_here",
	"token_here", "key_here", "notasecret", "not_a_secret", "<", ">", "${", "{{", "}}", "$(", "%(", "%s",
	"****", "....", "abcdef", "123456", "qwerty",
};
/* ... and whole values (case-insensitive): */
static const char *const deny_exact[] = {
	"password", "passwd", "pass", "secret", "test", "testing", "none", "null", "nil", "true", "false",
	"undefined", "foo", "bar", "foobar", "admin", "root", "user", "username", "letmein", "qwerty", "123456",
	"12345678", "123456789", "abc123", "password1", "password123", "passw0rd", "p@ssw0rd", "s3cr3t",
	"mypassword", "mysecret", "default", "empty", "required", "optional", "string", "value", "token",
	"secretkey", "apikey", "api_key", "yes", "no", "off", "on", "prompt", "random", "generated", "unset",
	"secret123", "pa55word", "hunter2", "hidden", "masked",
};

int awp_secrets_is_placeholder(const char *s, size_t n)
{
	if (n == 0)
		return 1;
	char low[256];
	size_t m = n < sizeof(low) - 1 ? n : sizeof(low) - 1;
	for (size_t i = 0; i < m; i++)
		low[i] = (char)tolower((unsigned char)s[i]);
	low[m] = 0;
	if (strchr("$%{<[`*&@\\", low[0]))
		return 1;
	for (size_t i = 0; i < sizeof(deny_exact) / sizeof(*deny_exact); i++)
		if (strcmp(low, deny_exact[i]) == 0)
			return 1;
	for (size_t i = 0; i < sizeof(deny_sub) / sizeof(*deny_sub); i++)
		if (strstr(low, deny_sub[i]))
			return 1;
	size_t same = 1;
	for (size_t i = 1; i < m; i++)
		same += low[i] == low[0];
	return m >= 3 && same == m;
}

/* A generic `password = value` whose value looks like code, not a secret. */
static int password_value(const char *s, size_t n)
{
	int lower = 0, upper = 0, digit = 0, other = 0, dots = 0, ident = 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '(' || c == ')' || c == '[' || c == ']')
			return 0;
		lower |= islower(c) != 0;
		upper |= isupper(c) != 0;
		digit |= isdigit(c) != 0;
		other |= !isalnum(c);
		dots += c == '.';
		if (!(isalnum(c) || c == '_' || c == '.'))
			ident = 0;
	}
	/* self.password, config.db.pass, settings.PASSWORD */
	if (ident && dots && !digit)
		return 0;
	/* words and identifiers ("files", "elevated-privileges", "password_mgr")
	 * are not passwords: ask for a digit or a capital, and two classes */
	return (upper || digit) && lower + upper + digit + other >= 2;
}

static int b64val(unsigned char c, int url)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (url ? '-' : '+'))
		return 62;
	if (c == (url ? '_' : '/'))
		return 63;
	return -1;
}

/* Decode base64 (standard or URL alphabet), skipping CR/LF, stopping at '='
 * or any other character; returns bytes written (<= cap). */
static size_t b64dec(const char *s, size_t n, int url, unsigned char *out, size_t cap)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	for (size_t i = 0; i < n && o < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n' || c == '\r')
			continue;
		int v = b64val(c, url);
		if (v < 0)
			break;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	return o;
}

/* ghp_ + 30 base62 + 6 base62 digits of the CRC32 of those 30 (0-9a-zA-Z). */
static int github_crc32(const char *s, size_t n)
{
	static const char b62[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	const char *u = memchr(s, '_', n);
	if (!u)
		return 0;
	const char *body = u + 1;
	size_t blen = n - (size_t)(body - s);
	if (blen != 36)
		return 0;
	uint32_t crc = (uint32_t)crc32(0L, (const Bytef *)body, 30);
	char chk[7];
	for (int i = 5; i >= 0; i--) {
		chk[i] = b62[crc % 62];
		crc /= 62;
	}
	return memcmp(chk, body + 30, 6) == 0;
}

/* Find a match of `re` within +-AWP_SECRETS_PAIR_DISTANCE of [off, off+len),
 * not overlapping it, with mixed case and entropy >= 3.5 when `strict`. The
 * nearest one wins. */
static int find_near(struct vctx *c, pcre2_code *re, size_t off, size_t len, int strict)
{
	size_t lo = off > AWP_SECRETS_PAIR_DISTANCE ? off - AWP_SECRETS_PAIR_DISTANCE : 0;
	size_t hi = off + len + AWP_SECRETS_PAIR_DISTANCE;
	if (hi > c->win_len)
		hi = c->win_len;
	size_t best_d = SIZE_MAX;
	PCRE2_SIZE start = lo;
	for (;;) {
		int rc = pcre2_match(re, (PCRE2_SPTR)c->win, hi, start, 0, c->md, NULL);
		if (rc < 0)
			break;
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c->md);
		size_t s = ov[0], e = ov[1];
		start = e > s ? e : s + 1;
		if (e <= off || s >= off + len) {
			const char *t = c->win + s;
			int up = 0, lw = 0;
			for (size_t i = 0; i < e - s; i++) {
				up |= isupper((unsigned char)t[i]) != 0;
				lw |= islower((unsigned char)t[i]) != 0;
			}
			if (!strict || (up && lw && awp_secrets_entropy(t, e - s) >= 3.5)) {
				size_t d = s >= off ? s - off : off - s;
				if (d < best_d) {
					best_d = d;
					c->pair_off = s;
					c->pair_len = e - s;
					c->paired = 1;
				}
			}
		}
		if (start >= hi)
			break;
	}
	return c->paired;
}

/* openssh-key-v1 body: magic, then the cipher name; "none" = unencrypted.
 * Returns 1 encrypted, 0 not, -1 unknown (truncated or not decodable). */
static int openssh_encrypted(const char *s, size_t n)
{
	unsigned char raw[64];
	size_t m = b64dec(s, n, 0, raw, sizeof(raw));
	static const char magic[] = "openssh-key-v1";
	if (m < sizeof(magic) + 4 || memcmp(raw, magic, sizeof(magic)) != 0)
		return -1;
	const unsigned char *p = raw + sizeof(magic);
	uint32_t clen = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	if (clen == 0 || clen > 64 || sizeof(magic) + 4 + clen > m)
		return -1;
	return !(clen == 4 && memcmp(p + 4, "none", 4) == 0);
}

static int basic_auth(const char *s, size_t n)
{
	unsigned char raw[512];
	if (n > 680)
		return 0;
	size_t m = b64dec(s, n, 0, raw, sizeof(raw));
	unsigned char *colon = memchr(raw, ':', m);
	if (!colon || colon == raw || (size_t)(colon - raw) + 1 >= m)
		return 0;
	for (size_t i = 0; i < m; i++)
		if (raw[i] < 0x20 || raw[i] > 0x7e)
			return 0;
	size_t plen = m - (size_t)(colon - raw) - 1;
	return !awp_secrets_is_placeholder((const char *)colon + 1, plen);
}

static int jwt(const char *s, size_t n)
{
	const char *dot = memchr(s, '.', n);
	if (!dot)
		return 0;
	unsigned char hdr[256];
	size_t m = b64dec(s, (size_t)(dot - s), 1, hdr, sizeof(hdr) - 1);
	hdr[m] = 0;
	return m > 8 && hdr[0] == '{' && memmem(hdr, m, "\"alg\"", 5) != NULL;
}

static int discord_token(const char *s, size_t n)
{
	const char *dot = memchr(s, '.', n);
	unsigned char id[32];
	if (!dot)
		return 0;
	size_t m = b64dec(s, (size_t)(dot - s), 1, id, sizeof(id));
	if (m < 17 || m > 20)
		return 0;
	for (size_t i = 0; i < m; i++)
		if (!isdigit(id[i]))
			return 0;
	return 1;
}

static int luhn(const char *s, size_t n)
{
	int sum = 0, alt = 0, digits = 0;
	for (size_t i = n; i-- > 0;) {
		if (s[i] == ' ' || s[i] == '-')
			continue;
		if (!isdigit((unsigned char)s[i]))
			return 0;
		int d = s[i] - '0';
		if (alt && (d *= 2) > 9)
			d -= 9;
		sum += d;
		alt = !alt;
		digits++;
	}
	return digits >= 12 && sum % 10 == 0;
}

int awp_secrets_validate(enum validator v, struct vctx *c)
{
	const char *sec = c->win + c->sec_off;
	size_t n = c->sec_len;
	switch (v) {
	case V_NONE:
		return 1;
	case V_GITHUB_CRC32:
		return github_crc32(sec, n);
	case V_AWS_PAIR:
		return find_near(c, c->rules->re_aws_secret, c->sec_off, n, 1);
	case V_AWS_UNPAIRED: {
		int r = find_near(c, c->rules->re_aws_secret, c->sec_off, n, 1);
		c->paired = 0;
		return !r;
	}
	case V_AWS_SECRET_UNPAIRED: {
		int r = find_near(c, c->rules->re_aws_id, c->sec_off, n, 0);
		c->paired = 0;
		return !r;
	}
	case V_PEM_UNENCRYPTED: {
		/* the header ends where the secret starts; look at the next lines */
		size_t from = c->sec_off, len = c->win_len - from;
		if (len > 256)
			len = 256;
		return memmem(c->win + from, len, "ENCRYPTED", 9) == NULL;
	}
	case V_OPENSSH_UNENCRYPTED:
		return openssh_encrypted(sec, n) != 1;
	case V_OPENSSH_ENCRYPTED:
		return openssh_encrypted(sec, n) == 1;
	case V_GCP_SERVICE_ACCOUNT:
		return memmem(c->win, c->win_len, "\"service_account\"", 17) != NULL;
	case V_BASIC_AUTH:
		return basic_auth(sec, n);
	case V_JWT:
		return jwt(sec, n);
	case V_DISCORD_TOKEN:
		return discord_token(sec, n);
	case V_PASSWORD_VALUE:
		return password_value(sec, n);
	case V_LUHN:
		return luhn(sec, n);
	case V_COUNT_:
		break;
	}
	return 0;
}

void awp_secrets_redact(const char *s, size_t n, char out[16])
{
	size_t show = n / 4;
	if (show > 4)
		show = 4;
	size_t o = 0;
	for (size_t i = 0; i < show; i++) {
		unsigned char c = (unsigned char)s[i];
		out[o++] = (c >= 0x21 && c <= 0x7e) ? (char)c : '?';
	}
	memcpy(out + o, "********", 8);
	out[o + 8] = 0;
}

void awp_secrets_fingerprint(const struct awp_secrets_rules *r, const char *rule_id, const char *s, size_t n,
			     const char *s2, size_t n2, char out[40])
{
	/* Line breaks inside a key body do not count: the same key written
	 * with CRLF or re-wrapped keeps its fingerprint. */
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	unsigned char buf[512];
	size_t used = 0;
	/* HMAC-SHA256 (RFC 2104) computed by hand over a streamed message, so
	 * the secret is never copied whole into another buffer. */
	unsigned char k0[64] = {0};
	size_t klen = r->fpkey_len;
	if (klen > 64)
		klen = 64;
	memcpy(k0, r->fpkey, klen);
	unsigned char ipad[64], opad[64];
	for (int i = 0; i < 64; i++) {
		ipad[i] = k0[i] ^ 0x36;
		opad[i] = k0[i] ^ 0x5c;
	}
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx) {
		snprintf(out, 40, "fp1:unavailable");
		return;
	}
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, ipad, 64);
	EVP_DigestUpdate(ctx, rule_id, strlen(rule_id) + 1);
	for (int part = 0; part < 2; part++) {
		const char *p = part ? s2 : s;
		size_t len = part ? n2 : n;
		if (part && !p)
			break;
		if (part)
			buf[used++] = 0;
		for (size_t i = 0; i < len; i++) {
			if (p[i] == '\n' || p[i] == '\r')
				continue;
			buf[used++] = (unsigned char)p[i];
			if (used == sizeof(buf)) {
				EVP_DigestUpdate(ctx, buf, used);
				used = 0;
			}
		}
	}
	EVP_DigestUpdate(ctx, buf, used);
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, opad, 64);
	EVP_DigestUpdate(ctx, md, mdlen);
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	OPENSSL_cleanse(buf, sizeof(buf));
	static const char hx[] = "0123456789abcdef";
	memcpy(out, "fp1:", 4);
	for (int i = 0; i < 16; i++) {
		out[4 + 2 * i] = hx[md[i] >> 4];
		out[5 + 2 * i] = hx[md[i] & 15];
	}
	out[36] = 0;
}

int awp_secrets_glob_any(const char *const *globs, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (fnmatch(globs[i], path, 0) == 0)
			return 1;
	return 0;
}

int awp_secrets_fglob_init(struct fglob *g, const char *glob, awp_arena *a)
{
	size_t n = strlen(glob);
	int lead = n > 0 && glob[0] == '*';
	int trail = n > 1 && glob[n - 1] == '*';
	const char *mid = glob + lead;
	size_t mlen = n - (size_t)lead - (size_t)trail;
	int plain = 1;
	for (size_t i = 0; i < mlen; i++)
		if (strchr("*?[\\", mid[i]))
			plain = 0;
	if (!plain) {
		g->kind = FG_FNMATCH;
		mid = glob;
		mlen = n;
	} else {
		g->kind = lead && trail ? FG_CONTAINS : lead ? FG_SUFFIX : trail ? FG_PREFIX : FG_EXACT;
	}
	char *lit = awp_arena_strndup(a, mid, mlen);
	if (!lit)
		return AWP_ENOMEM;
	g->lit = lit;
	g->len = mlen;
	return 0;
}

int awp_secrets_fglob_match(const struct fglob *g, const char *path, size_t plen)
{
	switch (g->kind) {
	case FG_EXACT: return plen == g->len && memcmp(path, g->lit, plen) == 0;
	case FG_PREFIX: return plen >= g->len && memcmp(path, g->lit, g->len) == 0;
	case FG_SUFFIX: return plen >= g->len && memcmp(path + plen - g->len, g->lit, g->len) == 0;
	case FG_CONTAINS: return strstr(path, g->lit) != NULL; /* path is NUL-terminated */
	default: return fnmatch(g->lit, path, 0) == 0;
	}
}
