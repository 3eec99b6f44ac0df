/*
 * threats/lists.c - hash blocklists and IOC lists: parse, look up, and find
 * IOCs in a line of text.
 *
 * List format (docs/threats.md): one entry per line, optional name after
 * whitespace, '#' starts a comment line (and a trailing " # ..." comment).
 * Hash lists hold MD5/SHA-1/SHA-256 hex digests (optionally "sha256:"
 * prefixed). IOC lists hold domains, IPv4/IPv6 addresses, CIDRs and URLs;
 * the type is read from the value. A bad line is a warning "file:line:
 * message" and the rest of the list loads.
 *
 * Invariants: every stored value is canonical (lowercase hex, lowercase
 * domain without a trailing dot, inet_ntop form of addresses, CIDR network
 * with host bits cleared), so lookups are exact string compares; strings
 * live in the lists' arena.
 */
#include "threats/threats_int.h"

#include "util/error.h"
#include "util/mem.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void awp_lists_free(awp_lists *l)
{
	if (!l)
		return;
	free(l->hashes);
	awp_strmap_free(&l->hashmap);
	free(l->iocs);
	awp_strmap_free(&l->exact);
	free(l->cidrs);
	free(l->urls);
	awp_strmap_free(&l->wellknown);
	for (size_t i = 0; i < l->nwarns; i++)
		free(l->warns[i]);
	free(l->warns);
	awp_arena_free(&l->arena);
	memset(l, 0, sizeof(*l));
}

int awp_lists_warn(awp_lists *l, const char *fmt, ...)
{
	if (l->nwarns >= AWP_MAX_WARNINGS)
		return 0;
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0 || AWP_GROW(l->warns, l->warncap, l->nwarns + 1) < 0) {
		free(n < 0 ? NULL : s);
		return awp_error_set(AWP_ENOMEM, "out of memory");
	}
	l->warns[l->nwarns++] = s;
	return 0;
}

/* ---- line splitting ---- */

typedef int (*line_fn)(awp_lists *l, const char *where, unsigned long lineno, char *line);

/* Trim one raw line, drop comments, call fn on what remains. */
static int one_line(awp_lists *l, const char *where, unsigned long lineno, const char *s, size_t ll, line_fn fn)
{
	char buf[AWP_MAX_LIST_LINE + 1];
	if (ll > AWP_MAX_LIST_LINE)
		return awp_lists_warn(l, "%s:%lu: line longer than %d bytes, skipped", where, lineno, AWP_MAX_LIST_LINE);
	if (memchr(s, 0, ll))
		return awp_lists_warn(l, "%s:%lu: NUL byte in line, skipped", where, lineno);
	memcpy(buf, s, ll);
	buf[ll] = 0;
	char *b = buf;
	while (*b == ' ' || *b == '\t' || *b == '\r')
		b++;
	if (!*b || *b == '#')
		return 0;
	char *hash = strstr(b, " #");
	char *tab = strstr(b, "\t#");
	if (!hash || (tab && tab < hash))
		hash = tab;
	if (hash)
		*hash = 0;
	size_t bl = strlen(b);
	while (bl && (b[bl - 1] == ' ' || b[bl - 1] == '\t' || b[bl - 1] == '\r'))
		b[--bl] = 0;
	return fn(l, where, lineno, b);
}

static int each_line(awp_lists *l, const char *where, const char *data, size_t len, line_fn fn)
{
	unsigned long lineno = 0;
	size_t pos = 0;
	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (data + pos)) : len - pos;
		int err = one_line(l, where, ++lineno, data + pos, ll, fn);
		if (err < 0)
			return err;
		if (err > 0)
			break;
		pos += ll + (nl ? 1 : 0);
	}
	return 0;
}

/* Split "value  rest" in place: returns the rest ("" when none). */
static char *split_value(char *b)
{
	char *p = b;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (!*p)
		return p;
	*p++ = 0;
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* A printable, capped copy of untrusted text for messages. */
static const char *shown(const char *s, char *buf, size_t cap)
{
	awp_evidence(buf, cap, s, strlen(s));
	return buf;
}

static int total_entries_ok(awp_lists *l, const char *where, unsigned long lineno)
{
	if (l->nhashes + l->niocs < AWP_MAX_LIST_ENTRIES)
		return 1;
	awp_lists_warn(l, "%s:%lu: more than %d list entries in all; the rest is ignored", where, lineno,
		       AWP_MAX_LIST_ENTRIES);
	return 0;
}

/* ---- hash lists ---- */

static int hash_line(awp_lists *l, const char *where, unsigned long lineno, char *b)
{
	char *name = split_value(b);
	char *v = b, tmp[80];
	const char *prefix = NULL;
	size_t want = 0;
	if (!strncasecmp(v, "md5:", 4)) {
		prefix = "md5", want = 32, v += 4;
	} else if (!strncasecmp(v, "sha1:", 5)) {
		prefix = "sha1", want = 40, v += 5;
	} else if (!strncasecmp(v, "sha256:", 7)) {
		prefix = "sha256", want = 64, v += 7;
	}
	size_t n = strlen(v);
	if ((want && n != want) || (!want && n != 32 && n != 40 && n != 64) || strspn(v, "0123456789abcdefABCDEF") != n)
		return awp_lists_warn(l, "%s:%lu: not an MD5, SHA-1 or SHA-256 hex digest: \"%s\"%s%s", where, lineno,
				      shown(b, tmp, 72), prefix ? " for " : "", prefix ? prefix : "");
	if (!total_entries_ok(l, where, lineno))
		return 1;
	for (size_t i = 0; i < n; i++)
		v[i] = (char)tolower((unsigned char)v[i]);
	size_t idx;
	if (awp_strmap_get(&l->hashmap, v, &idx))
		return 0; /* duplicate: the first name wins */
	if (AWP_GROW(l->hashes, l->hashcap, l->nhashes + 1) < 0)
		return AWP_ENOMEM;
	list_entry *e = &l->hashes[l->nhashes];
	memset(e, 0, sizeof(*e));
	e->value = awp_arena_strdup(&l->arena, v);
	e->name = awp_arena_strdup(&l->arena, name);
	e->where = awp_arena_printf(&l->arena, "%s:%lu", where, lineno);
	if (!e->value || !e->name || !e->where || awp_strmap_put(&l->hashmap, e->value, l->nhashes) < 0)
		return AWP_ENOMEM;
	l->nhashes++;
	if (n == 32)
		l->has_md5 = 1;
	else if (n == 40)
		l->has_sha1 = 1;
	else
		l->has_sha256 = 1;
	return 0;
}

int awp_lists_add_hashes(awp_lists *l, const char *where, const char *data, size_t len)
{
	return each_line(l, where, data, len, hash_line);
}

const list_entry *awp_lists_hash(const awp_lists *l, const char *hex)
{
	size_t idx;
	return awp_strmap_get(&l->hashmap, hex, &idx) ? &l->hashes[idx] : NULL;
}

/* ---- IOC lists ---- */

/* A hostname: labels of [a-z0-9_-], 1..63 bytes, at least two labels, no
 * label starting or ending with '-', total <= 253. Lowercases in place. */
static int valid_domain(char *d)
{
	size_t n = strlen(d);
	if (n && d[n - 1] == '.')
		d[--n] = 0;
	if (n == 0 || n > 253)
		return 0;
	size_t lab = 0, labels = 1;
	int alpha = 0;
	for (size_t i = 0; i < n; i++) {
		char c = (char)tolower((unsigned char)d[i]);
		d[i] = c;
		if (c == '.') {
			if (lab == 0 || d[i - 1] == '-')
				return 0;
			lab = 0;
			labels++;
			continue;
		}
		if (!(isalnum((unsigned char)c) || c == '-' || c == '_'))
			return 0;
		if (lab == 0 && c == '-')
			return 0;
		if (isalpha((unsigned char)c))
			alpha = 1;
		if (++lab > 63)
			return 0;
	}
	return lab > 0 && d[n - 1] != '-' && labels >= 2 && alpha;
}

static list_entry *new_ioc(awp_lists *l, const char *where, unsigned long lineno, ioc_type t, const char *value,
			   const char *name)
{
	if (AWP_GROW(l->iocs, l->ioccap, l->niocs + 1) < 0)
		return NULL;
	list_entry *e = &l->iocs[l->niocs];
	memset(e, 0, sizeof(*e));
	e->type = t;
	e->value = awp_arena_strdup(&l->arena, value);
	e->name = awp_arena_strdup(&l->arena, name);
	e->where = awp_arena_printf(&l->arena, "%s:%lu", where, lineno);
	if (!e->value || !e->name || !e->where)
		return NULL;
	l->niocs++;
	return e;
}

static int add_exact(awp_lists *l, const char *where, unsigned long lineno, ioc_type t, const char *value,
		     const char *name)
{
	size_t idx;
	if (awp_strmap_get(&l->exact, value, &idx))
		return 0;
	list_entry *e = new_ioc(l, where, lineno, t, value, name);
	if (!e || awp_strmap_put(&l->exact, e->value, l->niocs - 1) < 0)
		return AWP_ENOMEM;
	if (t == IOC_DOMAIN)
		l->ndomains++;
	else
		l->nips++;
	return 0;
}

static void mask_prefix(uint8_t *a, size_t bytes, unsigned prefix)
{
	for (size_t i = 0; i < bytes; i++) {
		unsigned bits = prefix >= 8 * (i + 1) ? 8 : prefix > 8 * i ? prefix - 8 * (unsigned)i : 0;
		a[i] &= (uint8_t)(bits ? 0xffu << (8 - bits) : 0);
	}
}

static int ioc_line(awp_lists *l, const char *where, unsigned long lineno, char *b)
{
	char *name = split_value(b);
	char tmp[80], canon[INET6_ADDRSTRLEN + 8];
	uint8_t a[16];
	if (!total_entries_ok(l, where, lineno))
		return 1;
	const char *sep = strstr(b, "://");
	if (sep) {
		const char *host = sep + 3;
		int scheme_ok = sep > b && isalpha((unsigned char)b[0]);
		for (const char *p = b; p < sep; p++)
			if (!isalnum((unsigned char)*p) && *p != '+' && *p != '.' && *p != '-')
				scheme_ok = 0;
		if (!scheme_ok || !*host || *host == '/')
			return awp_lists_warn(l, "%s:%lu: not a valid URL (scheme://host...): \"%s\"", where, lineno,
					      shown(b, tmp, 72));
		for (char *p = b; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		size_t idx;
		if (awp_strmap_get(&l->exact, b, &idx))
			return 0;
		list_entry *e = new_ioc(l, where, lineno, IOC_URL, b, name);
		if (!e || awp_strmap_put(&l->exact, e->value, l->niocs - 1) < 0 ||
		    AWP_GROW(l->urls, l->urlcap, l->nurls + 1) < 0)
			return AWP_ENOMEM;
		l->urls[l->nurls++] = l->niocs - 1;
		return 0;
	}
	char *slash = strchr(b, '/');
	if (slash) {
		*slash = 0;
		const char *pfx = slash + 1;
		char *end = NULL;
		errno = 0;
		unsigned long p = strtoul(pfx, &end, 10);
		int v6 = strchr(b, ':') != NULL;
		int ok = *pfx && isdigit((unsigned char)*pfx) && end && !*end && errno == 0 &&
			 inet_pton(v6 ? AF_INET6 : AF_INET, b, a) == 1 && p <= (v6 ? 128u : 32u);
		if (!ok) {
			*slash = '/';
			return awp_lists_warn(l, "%s:%lu: not a valid CIDR (address/prefix): \"%s\"", where, lineno,
					      shown(b, tmp, 72));
		}
		if (p < (v6 ? 16u : 8u)) {
			*slash = '/';
			return awp_lists_warn(l, "%s:%lu: CIDR \"%s\" is too broad (prefix below /%u), skipped", where,
					      lineno, shown(b, tmp, 72), v6 ? 16u : 8u);
		}
		mask_prefix(a, v6 ? 16 : 4, (unsigned)p);
		if (!inet_ntop(v6 ? AF_INET6 : AF_INET, a, canon, INET6_ADDRSTRLEN))
			return awp_error_set(AWP_ERROR, "inet_ntop failed");
		size_t cl = strlen(canon);
		snprintf(canon + cl, sizeof(canon) - cl, "/%lu", p);
		list_entry *e = new_ioc(l, where, lineno, v6 ? IOC_CIDR6 : IOC_CIDR4, canon, name);
		if (!e || AWP_GROW(l->cidrs, l->cidrcap, l->ncidrs + 1) < 0)
			return AWP_ENOMEM;
		memcpy(e->addr, a, 16);
		e->prefix = (unsigned)p;
		l->cidrs[l->ncidrs++] = l->niocs - 1;
		l->nips++;
		return 0;
	}
	if (inet_pton(AF_INET, b, a) == 1) {
		inet_ntop(AF_INET, a, canon, sizeof canon);
		return add_exact(l, where, lineno, IOC_IPV4, canon, name);
	}
	if (strchr(b, ':')) {
		if (inet_pton(AF_INET6, b, a) != 1)
			return awp_lists_warn(l, "%s:%lu: not a valid IPv6 address: \"%s\"", where, lineno, shown(b, tmp, 72));
		inet_ntop(AF_INET6, a, canon, sizeof canon);
		return add_exact(l, where, lineno, IOC_IPV6, canon, name);
	}
	char *d = b;
	if (d[0] == '*' && d[1] == '.')
		d += 2;
	char orig[80];
	shown(b, orig, 72);
	if (!valid_domain(d))
		return awp_lists_warn(l, "%s:%lu: not a valid domain, IP address, CIDR or URL: \"%s\"", where, lineno, orig);
	return add_exact(l, where, lineno, IOC_DOMAIN, d, name);
}

int awp_lists_add_iocs(awp_lists *l, const char *where, const char *data, size_t len)
{
	return each_line(l, where, data, len, ioc_line);
}

static int wellknown_line(awp_lists *l, const char *where, unsigned long lineno, char *b)
{
	char tmp[80];
	split_value(b);
	char *d = b;
	if (d[0] == '*' && d[1] == '.')
		d += 2;
	if (!valid_domain(d))
		return awp_lists_warn(l, "%s:%lu: not a valid domain: \"%s\"", where, lineno, shown(b, tmp, 72));
	const char *k = awp_arena_strdup(&l->arena, d);
	if (!k || awp_strmap_put(&l->wellknown, k, 1) < 0)
		return AWP_ENOMEM;
	return 0;
}

int awp_lists_add_wellknown(awp_lists *l, const char *where, const char *data, size_t len)
{
	return each_line(l, where, data, len, wellknown_line);
}

int awp_lists_wellknown(const awp_lists *l, const char *domain)
{
	size_t v;
	for (const char *p = domain; p; p = strchr(p, '.') ? strchr(p, '.') + 1 : NULL)
		if (strchr(p, '.') && awp_strmap_get(&l->wellknown, p, &v))
			return 1;
	return 0;
}

static const struct {
	int (*add)(awp_lists *, const char *, const char *, size_t);
	line_fn fn;
} adders[] = {
	{awp_lists_add_hashes, hash_line},
	{awp_lists_add_iocs, ioc_line},
	{awp_lists_add_wellknown, wellknown_line},
};

int awp_lists_load_file(awp_lists *l, const char *path, int (*add)(awp_lists *, const char *, const char *, size_t))
{
	line_fn fn = NULL;
	for (size_t i = 0; i < sizeof(adders) / sizeof(adders[0]); i++)
		if (adders[i].add == add)
			fn = adders[i].fn;
	if (!fn)
		return awp_error_set(AWP_EINVAL, "unknown list kind");
	struct stat st;
	FILE *f = fopen(path, "rb");
	if (!f)
		return awp_error_errno(errno, "%s", path);
	int err = 0;
	char *line = NULL;
	size_t cap = 0;
	if (fstat(fileno(f), &st) < 0) {
		err = awp_error_errno(errno, "%s", path);
		goto done;
	}
	if (S_ISDIR(st.st_mode)) {
		err = awp_error_set(AWP_EINVAL, "%s: is a directory, not a list file", path);
		goto done;
	}
	if ((uint64_t)st.st_size > AWP_MAX_LIST_FILE_SIZE) {
		err = awp_error_set(AWP_ELIMIT, "%s: list file larger than %u MiB", path, AWP_MAX_LIST_FILE_SIZE >> 20);
		goto done;
	}
	/* Line by line: memory stays bounded by the longest line (the file
	 * size is capped above). */
	unsigned long lineno = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) >= 0) {
		size_t ll = (size_t)n;
		if (ll && line[ll - 1] == '\n')
			ll--;
		if ((err = one_line(l, path, ++lineno, line, ll, fn)) != 0)
			break;
	}
	if (err > 0)
		err = 0;
	if (!err && ferror(f))
		err = awp_error_errno(EIO, "%s: read error", path);
done:
	free(line);
	fclose(f);
	return err;
}

/* ---- matching ---- */

const list_entry *awp_lists_match_ip(const awp_lists *l, const char *text)
{
	uint8_t a[16];
	char canon[INET6_ADDRSTRLEN];
	int v6 = strchr(text, ':') != NULL;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, text, a) != 1)
		return NULL;
	inet_ntop(v6 ? AF_INET6 : AF_INET, a, canon, sizeof canon);
	size_t idx;
	if (awp_strmap_get(&l->exact, canon, &idx))
		return &l->iocs[idx];
	for (size_t i = 0; i < l->ncidrs; i++) {
		const list_entry *e = &l->iocs[l->cidrs[i]];
		if ((e->type == IOC_CIDR6) != v6)
			continue;
		uint8_t m[16];
		memcpy(m, a, 16);
		mask_prefix(m, v6 ? 16 : 4, e->prefix);
		if (memcmp(m, e->addr, v6 ? 16 : 4) == 0)
			return e;
	}
	return NULL;
}

typedef struct line_hits {
	const list_entry *seen[32];
	size_t n;
	ioc_hit_cb cb;
	void *payload;
} line_hits;

static int hit(line_hits *h, const list_entry *e)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->seen[i] == e)
			return 0;
	if (h->n < sizeof(h->seen) / sizeof(h->seen[0]))
		h->seen[h->n++] = e;
	return h->cb(e, h->payload);
}

static int is_tok(unsigned char c)
{
	return isalnum(c) || c == '.' || c == ':' || c == '-' || c == '_' || c == '%';
}

/* One piece between ':' separators: an IPv4 address or a domain. */
static int check_piece(const awp_lists *l, line_hits *h, char *p)
{
	size_t n = strlen(p);
	while (n && (p[n - 1] == '.' || p[n - 1] == '-'))
		p[--n] = 0;
	while (*p == '.' || *p == '-')
		p++;
	if (!strchr(p, '.'))
		return 0;
	if (l->nips && strspn(p, "0123456789.") == strlen(p)) {
		const list_entry *e = awp_lists_match_ip(l, p);
		return e ? hit(h, e) : 0;
	}
	if (!l->ndomains)
		return 0;
	for (char *s = p; s; s = strchr(s, '.') ? strchr(s, '.') + 1 : NULL) {
		if (!strchr(s, '.'))
			break;
		size_t idx;
		if (awp_strmap_get(&l->exact, s, &idx) && l->iocs[idx].type == IOC_DOMAIN) {
			int err = hit(h, &l->iocs[idx]);
			if (err)
				return err;
			break;
		}
	}
	return 0;
}

int awp_lists_match_line(const awp_lists *l, const char *line, size_t len, ioc_hit_cb cb, void *payload)
{
	line_hits h = {.cb = cb, .payload = payload};
	char tok[256];
	int err = 0;
	if (!l->ndomains && !l->nips && !l->nurls)
		return 0;
	size_t i = 0;
	while (i < len) {
		if (!is_tok((unsigned char)line[i])) {
			i++;
			continue;
		}
		size_t s = i;
		while (i < len && is_tok((unsigned char)line[i]))
			i++;
		size_t n = i - s;
		if (n >= sizeof tok || n < 3)
			continue;
		for (size_t k = 0; k < n; k++)
			tok[k] = (char)tolower((unsigned char)line[s + k]);
		tok[n] = 0;
		/* IPv6: the whole token (zone id dropped). */
		char *c1 = strchr(tok, ':');
		if (l->nips && c1 && strchr(c1 + 1, ':')) {
			char v6[256];
			memcpy(v6, tok, n + 1);
			char *zone = strchr(v6, '%');
			if (zone)
				*zone = 0;
			const list_entry *e = awp_lists_match_ip(l, v6);
			if (e && (err = hit(&h, e)) != 0)
				return err < 0 ? err : 0;
			if (e)
				continue;
		}
		char *save = NULL;
		for (char *p = strtok_r(tok, ":%", &save); p; p = strtok_r(NULL, ":%", &save))
			if ((err = check_piece(l, &h, p)) != 0)
				return err < 0 ? err : 0;
	}
	if (l->nurls) {
		char low[AWP_MAX_LINE_SCAN];
		size_t n = len < sizeof(low) - 1 ? len : sizeof(low) - 1;
		for (size_t k = 0; k < n; k++)
			low[k] = (char)tolower((unsigned char)line[k]);
		for (size_t u = 0; u < l->nurls; u++) {
			const list_entry *e = &l->iocs[l->urls[u]];
			if (memmem(low, n, e->value, strlen(e->value)) && (err = hit(&h, e)) != 0)
				return err < 0 ? err : 0;
		}
	}
	return 0;
}
