/*
 * threats/scan.c - walk a filesystem once and look at every regular file:
 *
 *  - read it once, in blocks of at most ctx->block bytes; the same bytes
 *    feed the digests (MD5/SHA-1/SHA-256, only those needed: the package
 *    database's digest for this file, and those the hash lists use when the
 *    file is an executable or script), YARA, the IOC line search and the
 *    archive reader;
 *  - a file that fits in one block is scanned in one yr_scanner_scan_mem
 *    call (lines of matches are known); a larger one block by block, each
 *    block starting with the last AWP_BLOCK_OVERLAP bytes of the one before
 *    so a string up to that length across a boundary is still found.
 *    Trade-off (docs/threats.md): in a multi-block file a rule sees one
 *    block at a time, so conditions that combine strings further apart
 *    than a block, use `filesize`, or read at absolute offsets (uint32(0)
 *    outside block 0) can miss; strings longer than the overlap across a
 *    boundary too. Memory stays at one block whatever the file size;
 *  - package digests: dpkg md5sums, rpm and apk digests; dpkg conffiles
 *    (the status file's Conffiles: list) and rpm/apk files under /etc/
 *    (rpm %config, apk protected paths) are skipped: administrators edit
 *    them, which is configuration, not tampering; their content is still
 *    scanned for IOCs and rules;
 *  - persistence: non-empty /etc/ld.so.preload, SUID/SGID files no package
 *    owns, executables in /tmp, /var/tmp, /dev/shm, authorized_keys forced
 *    commands, /etc/hosts entries pointing well-known domains elsewhere.
 *
 * usrmerge: Debian 12 packages list /bin/x while the file is at /usr/bin/x
 * (/bin is a symlink, which the walker does not follow): ownership is
 * looked up under both names.
 */
#include "threats/threats_int.h"

#include "util/crypto_dl.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/sha256.h"

#include <awp/vulndb.h>
#include <awp/walk.h>

#include <arpa/inet.h>
#include <pthread.h>
#include <unistd.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct awp_digests {
	EVP_MD_CTX *md5, *sha1, *sha256;
	int on_md5, on_sha1, on_sha256;
};

void awp_digests_free(awp_digests *d)
{
	if (!d)
		return;
	EVP_MD_CTX_free(d->md5);
	EVP_MD_CTX_free(d->sha1);
	EVP_MD_CTX_free(d->sha256);
	free(d);
}

int awp_digests_new(awp_digests **out)
{
	int err = awp_crypto_load();
	if (err < 0)
		return err;
	awp_digests *d = awp_calloc(1, sizeof(*d));
	if (!d)
		return AWP_ENOMEM;
	d->md5 = EVP_MD_CTX_new();
	d->sha1 = EVP_MD_CTX_new();
	d->sha256 = EVP_MD_CTX_new();
	if (!d->md5 || !d->sha1 || !d->sha256) {
		awp_digests_free(d);
		return awp_error_set(AWP_ENOMEM, "out of memory (digest contexts)");
	}
	*out = d;
	return 0;
}

void awp_digests_start(awp_digests *d, int md5, int sha1, int sha256)
{
	d->on_md5 = md5 && EVP_DigestInit_ex(d->md5, EVP_md5(), NULL) == 1;
	d->on_sha1 = sha1 && EVP_DigestInit_ex(d->sha1, EVP_sha1(), NULL) == 1;
	d->on_sha256 = sha256 && EVP_DigestInit_ex(d->sha256, EVP_sha256(), NULL) == 1;
}

void awp_digests_update(awp_digests *d, const void *p, size_t n)
{
	if (d->on_md5)
		EVP_DigestUpdate(d->md5, p, n);
	if (d->on_sha1)
		EVP_DigestUpdate(d->sha1, p, n);
	if (d->on_sha256)
		EVP_DigestUpdate(d->sha256, p, n);
}

void awp_digests_final(awp_digests *d, hexes *h)
{
	uint8_t out[EVP_MAX_MD_SIZE];
	unsigned n;
	h->md5[0] = h->sha1[0] = h->sha256[0] = 0;
	if (d->on_md5 && EVP_DigestFinal_ex(d->md5, out, &n) == 1)
		awp_hex(out, 16, h->md5);
	if (d->on_sha1 && EVP_DigestFinal_ex(d->sha1, out, &n) == 1)
		awp_hex(out, 20, h->sha1);
	if (d->on_sha256 && EVP_DigestFinal_ex(d->sha256, out, &n) == 1)
		awp_hex(out, 32, h->sha256);
	d->on_md5 = d->on_sha1 = d->on_sha256 = 0;
}

static int is_script_or_elf(const uint8_t *b, size_t n)
{
	return (n >= 4 && !memcmp(b, "\x7f" "ELF", 4)) || (n >= 2 && b[0] == '#' && b[1] == '!');
}

static int starts(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* ---- findings helpers ---- */

static int hash_hits(scan_ctx *c, const char *path, const hexes *h)
{
	const char *const vals[] = {h->sha256, h->sha1, h->md5};
	for (size_t i = 0; i < 3; i++) {
		if (!vals[i][0])
			continue;
		const list_entry *e = awp_lists_hash(&c->db->lists, vals[i]);
		if (!e)
			continue;
		char desc[512], ev[128];
		snprintf(desc, sizeof desc, "file hash is on a blocklist%s%s", e->name[0] ? ": " : "", e->name);
		snprintf(ev, sizeof ev, "%s:%s", i == 0 ? "sha256" : i == 1 ? "sha1" : "md5", vals[i]);
		return awp_report_add(c->r, AWP_THREAT_HASH, AWP_SEV_HIGH, e->name[0] ? e->name : e->value, e->where, path, 0,
				      ev, desc, "Remove or quarantine the file and find out how it got there.", "");
	}
	return 0;
}

int awp_scan_hash_buf(scan_ctx *c, const char *path, const uint8_t *buf, size_t len)
{
	const awp_lists *l = &c->db->lists;
	if (!l->nhashes)
		return 0;
	awp_digests_start(c->dg, l->has_md5, l->has_sha1, l->has_sha256);
	awp_digests_update(c->dg, buf, len);
	hexes h;
	awp_digests_final(c->dg, &h);
	c->r->stats.hashed++;
	return hash_hits(c, path, &h);
}

typedef struct yara_cb_ctx {
	scan_ctx *c;
	const char *path;
	const uint8_t *buf;
	size_t len;
	int whole;
} yara_cb_ctx;

static int yara_hit(const rule_hit *h, void *payload)
{
	yara_cb_ctx *y = payload;
	scan_ctx *c = y->c;
	for (size_t i = 0; i < c->nseen; i++)
		if (c->seen_rules[i] == h->rule)
			return 0;
	if (c->nseen >= AWP_MAX_THREATS_PER_FILE)
		return 0;
	c->seen_rules[c->nseen++] = h->rule;
	unsigned long line = 0;
	char ev[AWP_MAX_EVIDENCE + 8];
	ev[0] = 0;
	if (h->offset >= 0 && (size_t)h->offset < y->len && y->whole) {
		/* Text file: the line of the first match is the evidence. */
		size_t off = (size_t)h->offset;
		const uint8_t *ls = y->buf + off;
		line = 1;
		for (size_t i = 0; i < off; i++)
			line += y->buf[i] == '\n';
		while (ls > y->buf && ls[-1] != '\n')
			ls--;
		const uint8_t *le = memchr(y->buf + off, '\n', y->len - off);
		size_t ll = le ? (size_t)(le - ls) : (size_t)(y->buf + y->len - ls);
		if (memchr(y->buf, 0, y->len < 8192 ? y->len : 8192))
			line = 0; /* binary: lines mean nothing */
		if (line)
			awp_evidence(ev, sizeof ev, ls, ll);
	}
	if (!ev[0] && h->data)
		awp_evidence(ev, sizeof ev, h->data, h->data_len);
	awp_threat_kind kind = !strcmp(h->kind, "persistence") ? AWP_THREAT_PERSISTENCE : AWP_THREAT_MALWARE;
	return awp_report_add(c->r, kind, awp_severity_parse(h->severity, AWP_SEV_HIGH), h->rule, h->ns, y->path, line, ev,
			      h->description[0] ? h->description : h->rule,
			      h->remediation[0] ? h->remediation : "Investigate the file; remove it if it is malicious.", "");
}

/* Where the persistence rules apply: the awp_path condition of
 * rules/threats/persistence.yar, as prefixes. */
static int persist_path(const char *p)
{
	static const char *const pre[] = {"/etc/cron", "/etc/anacrontab", "/etc/init.d/", "/etc/rc", "/etc/systemd/",
					  "/etc/profile", "/etc/bash.bashrc", "/etc/bashrc", "/etc/environment",
					  "/var/spool/cron/", "/usr/lib/systemd/", "/lib/systemd/", "/root/."};
	for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
		if (starts(p, pre[i]))
			return 1;
	if (starts(p, "/home/")) {
		const char *sl = strchr(p + 6, '/');
		return sl && sl > p + 6 && sl[1] == '.';
	}
	return 0;
}

/* Server-side scripts: by extension (of the file or archive entry), by
 * place (document roots, servlet containers), or by an opening tag in the
 * first bytes (PHP, JSP/ASP). */
static int web_file(const char *p, const uint8_t *head, size_t len)
{
	static const char *const ext[] = {".php", ".php3", ".php4", ".php5", ".php7", ".php8", ".phtml", ".phar",
					  ".inc", ".jsp", ".jspx", ".jspf", ".asp", ".aspx", ".ashx", ".asmx",
					  ".cfm", ".cgi"};
	static const char *const roots[] = {"/var/www/", "/srv/", "/usr/share/nginx/", "/usr/local/apache2/",
					    "/var/lib/tomcat", "/usr/share/tomcat", "/opt/tomcat", "/var/lib/jetty",
					    "/usr/local/tomcat"};
	const char *base = strrchr(p, '/');
	const char *dot = strrchr(base ? base : p, '.');
	if (dot)
		for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
			if (!strcasecmp(dot, ext[i]))
				return 1;
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++)
		if (starts(p, roots[i]))
			return 1;
	if (strstr(p, "/public_html/") || strstr(p, "/webapps/") || strstr(p, "/htdocs/"))
		return 1;
	size_t n = len < 1024 ? len : 1024;
	return memmem(head, n, "<?php", 5) || memmem(head, n, "<?=", 3) || memmem(head, n, "<%", 2);
}

unsigned awp_scan_class(const char *path, const uint8_t *head, size_t len)
{
	unsigned cls = len >= 4 && !memcmp(head, "\x7f" "ELF", 4) ? AWP_CLS_ELF : AWP_CLS_NOT_ELF;
	if (persist_path(path))
		cls |= AWP_CLS_PERSIST;
	if (web_file(path, head, len))
		cls |= AWP_CLS_WEB;
	return cls;
}

int awp_scan_yara(scan_ctx *c, int set, const char *path, const uint8_t *buf, size_t len, int whole)
{
	yara_cb_ctx y = {c, path, buf, len, whole};
	if (set < 0)
		return 0;
	c->r->stats.yara_scans++;
	int err = awp_rules_scan(c->scanner, set, path, buf, len, yara_hit, &y);
	if (err == AWP_ELIMIT)
		return awp_report_add(c->r, AWP_THREAT_SCAN_LIMIT, AWP_SEV_LOW, "yara-limit", "awp", path, 0, awp_error_last(),
				      "not fully scanned: the YARA scan stopped at a limit (time or match count)",
				      "Scan this file separately with a longer timeout.", "");
	return err;
}

int awp_scan_entry(scan_ctx *c, const char *path, const uint8_t *buf, size_t len, int exec, unsigned depth)
{
	size_t saved = c->nseen;
	c->nseen = 0;
	int set = awp_rules_pick(c->db->rules, awp_scan_class(path, buf, len), len);
	int err = awp_scan_yara(c, set, path, buf, len, 1);
	c->nseen = saved;
	if (err >= 0 && (exec || is_script_or_elf(buf, len)))
		err = awp_scan_hash_buf(c, path, buf, len);
	if (err >= 0 && c->archives && awp_archive_magic(buf, len)) {
		if (depth >= c->archive_depth)
			err = awp_report_add(c->r, AWP_THREAT_SCAN_LIMIT, AWP_SEV_LOW, "archive-depth", "awp", path, 0, "",
					     "not fully scanned: archive nested deeper than the depth limit",
					     "Extract the archive and scan its contents.", "");
		else
			err = awp_scan_archive_mem(c, path, buf, len, depth + 1);
	}
	return err;
}

/* ---- places where IOCs matter ---- */

static const char *ioc_place(const char *p)
{
	static const struct {
		const char *prefix;
		const char *what;
	} places[] = {
		{"/etc/crontab", "cron"}, {"/etc/cron.", "cron"}, {"/etc/anacrontab", "cron"},
		{"/var/spool/cron/", "cron"}, {"/etc/systemd/", "systemd unit"}, {"/lib/systemd/system/", "systemd unit"},
		{"/usr/lib/systemd/system/", "systemd unit"}, {"/lib/systemd/user/", "systemd unit"},
		{"/usr/lib/systemd/user/", "systemd unit"}, {"/etc/init.d/", "init script"}, {"/etc/rc", "rc script"},
		{"/etc/profile", "shell profile"}, {"/etc/bash.bashrc", "shell rc"}, {"/etc/bashrc", "shell rc"},
		{"/etc/environment", "environment"}, {"/etc/update-motd.d/", "motd script"},
		{"/etc/ld.so.preload", "ld.so.preload"}, {"/etc/nginx/", "web server config"},
		{"/etc/apache2/", "web server config"}, {"/etc/httpd/", "web server config"},
		{"/etc/squid/", "proxy config"}, {"/etc/ssh/sshd_config", "sshd config"},
	};
	if (!strcmp(p, "/etc/hosts"))
		return "hosts file";
	if (!strcmp(p, "/etc/resolv.conf"))
		return "resolver config";
	for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++)
		if (starts(p, places[i].prefix))
			return places[i].what;
	/* Home directories: shell rc files and authorized_keys. */
	const char *home = NULL;
	if (starts(p, "/root/"))
		home = p + 6;
	else if (starts(p, "/home/") && strchr(p + 6, '/'))
		home = strchr(p + 6, '/') + 1;
	if (!home)
		return NULL;
	static const char *const rc[] = {".bashrc", ".profile", ".bash_profile", ".bash_login", ".bash_logout",
					 ".zshrc", ".zprofile", ".cshrc", ".tcshrc"};
	for (size_t i = 0; i < sizeof(rc) / sizeof(rc[0]); i++)
		if (!strcmp(home, rc[i]))
			return "shell rc";
	if (starts(home, ".ssh/authorized_keys"))
		return "authorized_keys";
	return NULL;
}

typedef struct ioc_line_ctx {
	scan_ctx *c;
	const char *path, *place;
	unsigned long line;
	const char *text;
	size_t len;
} ioc_line_ctx;

static const char *ioc_type_name(ioc_type t)
{
	switch (t) {
	case IOC_DOMAIN: return "domain";
	case IOC_IPV4: case IOC_IPV6: return "IP address";
	case IOC_CIDR4: case IOC_CIDR6: return "network";
	default: return "URL";
	}
}

static int ioc_hit(const list_entry *e, void *payload)
{
	ioc_line_ctx *x = payload;
	char ev[AWP_MAX_EVIDENCE + 8], desc[600];
	awp_evidence(ev, sizeof ev, x->text, x->len);
	snprintf(desc, sizeof desc, "known-bad %s %s%s%s%s in a %s", ioc_type_name(e->type), e->value,
		 e->name[0] ? " (" : "", e->name, e->name[0] ? ")" : "", x->place);
	return awp_report_add(x->c->r, AWP_THREAT_IOC, AWP_SEV_HIGH, e->value, e->where, x->path, x->line, ev, desc,
			      "Remove the entry, find out who added it and when, and check the host for the rest of the "
			      "intrusion (downloaded payloads, new users, keys).", "");
}

static int is_blocking_ip(const char *ip)
{
	return !strcmp(ip, "0.0.0.0") || starts(ip, "127.") || !strcmp(ip, "::1") || !strcmp(ip, "::") ||
	       !strcmp(ip, "0:0:0:0:0:0:0:0") || !strcmp(ip, "0:0:0:0:0:0:0:1");
}

/* /etc/hosts: "IP name..." pointing a well-known domain elsewhere. */
static int hosts_line(scan_ctx *c, const char *path, unsigned long lineno, const char *s, size_t n)
{
	char buf[1024];
	if (n >= sizeof buf)
		n = sizeof buf - 1;
	memcpy(buf, s, n);
	buf[n] = 0;
	char *hash = strchr(buf, '#');
	if (hash)
		*hash = 0;
	char *save = NULL, *ip = strtok_r(buf, " \t\r", &save);
	uint8_t a[16];
	if (!ip || (inet_pton(AF_INET, ip, a) != 1 && inet_pton(AF_INET6, ip, a) != 1) || is_blocking_ip(ip))
		return 0;
	for (char *name = strtok_r(NULL, " \t\r", &save); name; name = strtok_r(NULL, " \t\r", &save)) {
		for (char *p = name; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		if (!awp_lists_wellknown(&c->db->lists, name))
			continue;
		char ev[AWP_MAX_EVIDENCE + 8], desc[512];
		awp_evidence(ev, sizeof ev, s, n);
		snprintf(desc, sizeof desc, "hosts entry points the well-known domain %s at %s", name, ip);
		return awp_report_add(c->r, AWP_THREAT_PERSISTENCE, AWP_SEV_HIGH, "hosts-hijack", "awp", path, lineno, ev,
				      desc,
				      "Remove the entry unless it is a deliberate, documented override: it silently "
				      "redirects downloads, updates or sign-in for that domain.",
				      "");
	}
	return 0;
}

static int authorized_keys_line(scan_ctx *c, const char *path, unsigned long lineno, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	if (!n || *s == '#')
		return 0;
	static const char *const keytypes[] = {"ssh-", "ecdsa-", "sk-"};
	for (size_t i = 0; i < 3; i++)
		if (n >= strlen(keytypes[i]) && !strncmp(s, keytypes[i], strlen(keytypes[i])))
			return 0;
	/* Options come first: look for command="..." among them. */
	if (!memmem(s, n, "command=\"", 9))
		return 0;
	char ev[AWP_MAX_EVIDENCE + 8];
	awp_evidence(ev, sizeof ev, s, n);
	return awp_report_add(c->r, AWP_THREAT_PERSISTENCE, AWP_SEV_MEDIUM, "ssh-forced-command", "awp", path, lineno, ev,
			      "authorized_keys entry with a forced command: whoever holds this key runs that command "
			      "on every login",
			      "Check that the key and its command are expected (backup or git users); remove it otherwise.",
			      "");
}

/* Search a config file's lines for IOCs and its own checks. */
static int scan_config(scan_ctx *c, const char *path, const char *place, const uint8_t *buf, size_t len)
{
	const char *text = (const char *)buf;
	unsigned long lineno = 0;
	size_t pos = 0;
	int err = 0;
	int hosts = !strcmp(path, "/etc/hosts"), keys = !strcmp(place, "authorized_keys");
	int preload = !strcmp(path, "/etc/ld.so.preload");
	c->r->stats.ioc_files++;
	while (pos < len && err >= 0) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		const char *s = text + pos;
		pos += n + (nl ? 1 : 0);
		lineno++;
		size_t scan = n < AWP_MAX_LINE_SCAN ? n : AWP_MAX_LINE_SCAN;
		ioc_line_ctx x = {c, path, place, lineno, s, n};
		if ((err = awp_lists_match_line(&c->db->lists, s, scan, ioc_hit, &x)) < 0)
			break;
		if (hosts)
			err = hosts_line(c, path, lineno, s, scan);
		else if (keys)
			err = authorized_keys_line(c, path, lineno, s, scan);
		else if (preload) {
			size_t k = 0;
			while (k < scan && isspace((unsigned char)s[k]))
				k++;
			if (k < scan && s[k] != '#') {
				char ev[AWP_MAX_EVIDENCE + 8];
				awp_evidence(ev, sizeof ev, s, scan);
				err = awp_report_add(c->r, AWP_THREAT_PERSISTENCE, AWP_SEV_HIGH, "ld-so-preload", "awp", path,
						     lineno, ev,
						     "/etc/ld.so.preload loads a library into every process: the usual "
						     "hiding place of user-land rootkits",
						     "Check the listed library; if nothing legitimate needs it, empty the file "
						     "and investigate the library.",
						     "");
			}
		}
	}
	return err;
}

/* ---- ownership ---- */

/* (awp_inventory_owner knows merged /usr: /usr/bin/ls is dpkg's /bin/ls) */
static long owner_of(const scan_ctx *c, const char *path, const char **digest)
{
	*digest = "";
	return c->inv ? awp_inventory_owner(c->inv, path, digest) : -1;
}

static const char *pkg_label(const scan_ctx *c, long owner, char *buf, size_t cap)
{
	const awp_package *p = owner >= 0 ? awp_inventory_get(c->inv, (size_t)owner) : NULL;
	if (!p)
		return "";
	snprintf(buf, cap, "%s %s", p->name, p->version);
	return buf;
}

/* ---- one file ---- */

static int read_full(awp_file *f, uint8_t *buf, size_t len, uint64_t off, size_t *got)
{
	size_t have = 0;
	while (have < len) {
		size_t n = 0;
		int err = awp_file_read(f, buf + have, len - have, off + have, &n);
		if (err < 0)
			return err;
		if (n == 0)
			break;
		have += n;
	}
	*got = have;
	return 0;
}

/* YARA over a file block by block (each block starting with the tail of
 * the one before), for a file whose digest did not verify it. */
static int yara_blocks(scan_ctx *c, awp_file *f, int set, const char *path)
{
	size_t overlap = 0, got = 0;
	uint64_t off = 0;
	int err;
	for (;;) {
		size_t want = c->block - overlap;
		if ((err = read_full(f, c->buf + overlap, want, off, &got)) < 0)
			return awp_report_warn(c->r, "%s: %s", path, awp_error_last());
		off += got;
		if (got && (err = awp_scan_yara(c, set, path, c->buf, overlap + got, 0)) < 0)
			return err;
		if (got < want)
			return 0;
		size_t keep = AWP_BLOCK_OVERLAP < overlap + got ? AWP_BLOCK_OVERLAP : overlap + got;
		memmove(c->buf, c->buf + overlap + got - keep, keep);
		overlap = keep;
	}
}

/* Hash lists for a file larger than a block that its package digest did
 * not verify: a second read with the digests the lists use. */
static int rehash_lists(scan_ctx *c, awp_file *f, const char *path)
{
	const awp_lists *l = &c->db->lists;
	awp_digests_start(c->dg, l->has_md5, l->has_sha1, l->has_sha256);
	size_t got = 0;
	uint64_t off = 0;
	for (;;) {
		if (read_full(f, c->buf, c->block, off, &got) < 0)
			return awp_report_warn(c->r, "%s: %s", path, awp_error_last());
		awp_digests_update(c->dg, c->buf, got);
		off += got;
		if (got < c->block)
			break;
	}
	hexes h;
	awp_digests_final(c->dg, &h);
	c->r->stats.hashed++;
	return hash_hits(c, path, &h);
}

static int tmp_dir(const char *p)
{
	return starts(p, "/tmp/") || starts(p, "/var/tmp/") || starts(p, "/dev/shm/");
}

/* A dpkg file to verify: hand it to the verifier (verify.c) when nothing
 * but its digest (and hash-list digests) is needed from its content. */
static int batch(scan_ctx *c, const char *path, const awp_stat *st, awp_file **f, long owner, const char *digest)
{
	const char *hex = digest + 4;
	if (strlen(hex) != 32 || strspn(hex, "0123456789abcdefABCDEF") != 32)
		return 0;
	verify_job *j = awp_calloc(1, sizeof(*j));
	if (!j || !(j->path = awp_strdup(path))) {
		free(j);
		return AWP_ENOMEM;
	}
	j->st = *st;
	j->f = *f;
	*f = NULL;
	j->size = awp_file_size(j->f);
	j->owner = owner;
	for (int i = 0; i < 32; i++)
		j->expect[i] = (char)tolower((unsigned char)hex[i]);
	int err = awp_verifier_add(c->verifier, j);
	return err < 0 ? err : 1;
}

static int process_file(scan_ctx *c, const char *path, const awp_stat *st, int may_batch)
{
	const awp_lists *l = &c->db->lists;
	awp_file *f = NULL;
	char pkgbuf[512];
	uint64_t ino = st->ino;
	int err = 0;
	if (c->by_path) {
		/* A host directory's inode numbers belong to the handle that met
		 * them (fs/dir.c): this worker's handle finds the file by path. */
		awp_stat own;
		if ((err = awp_fs_lookup(c->fs, path, 0, &own)) < 0)
			return awp_report_warn(c->r, "%s: %s", path, awp_error_last());
		ino = own.ino;
	}
	if ((err = awp_file_open(&f, c->fs, ino)) < 0)
		return awp_report_warn(c->r, "%s: %s", path, awp_error_last());
	uint64_t size = awp_file_size(f);
	const char *digest = "";
	long owner = owner_of(c, path, &digest);
	size_t dummy;
	int check = c->tampering && digest[0] && !awp_strmap_get(&c->conffiles, path, &dummy);
	if (check && starts(path, "/etc/")) {
		/* rpm marks /etc files %config and apk protects /etc: edited
		 * configuration, not tampering (dpkg's exact list is used above). */
		const awp_package *p = awp_inventory_get(c->inv, (size_t)owner);
		if (p && (!strcmp(p->type, "rpm") || !strcmp(p->type, "apk")))
			check = 0;
	}
	int want_md5 = check && starts(digest, "md5:"), want_sha1 = check && starts(digest, "sha1:");
	int want_sha256 = check && starts(digest, "sha256:");
	int exec_bit = (st->mode & 0111) != 0;
	const char *place = ioc_place(path);
	if (may_batch && c->verifier && want_md5 && !c->scan_verified && !place && !tmp_dir(path) &&
	    size <= c->max_file_size && (err = batch(c, path, st, &f, owner, digest)) != 0) {
		err = err > 0 ? 0 : err;
		goto done;
	}
	/* An apt index listed (size and SHA-256) by its Release file (apt.c). */
	uint64_t apt_size = 0;
	const char *apt_sha = NULL;
	int apt = !check && !c->scan_verified && awp_apt_expected(&c->aptfiles, path, &apt_size, &apt_sha) &&
		  apt_size == size;
	want_sha256 |= apt;
	int yara = size <= c->max_file_size;
	int whole = size <= c->block;
	/* A file read in blocks whose digest may verify it: YARA waits for
	 * the verdict (a second pass when it does not verify). */
	int defer = (check || apt) && !whole && !c->scan_verified;
	size_t overlap = 0, got = 0;
	uint64_t off = 0;
	int hashing = 0, listed = 0, magic = 0, first = 1, set = -1;
	uint8_t head[512];
	size_t headlen = 0;
	c->nseen = 0;
	c->r->stats.files++;
	if (whole && size > c->bufcap) {
		err = AWP_EINVAL; /* buffer is allocated at block size: cannot happen */
		goto done;
	}
	for (;;) {
		size_t want = whole ? (size_t)size : c->block - overlap;
		if ((err = read_full(f, c->buf + overlap, want, off, &got)) < 0) {
			err = awp_report_warn(c->r, "%s: %s", path, awp_error_last());
			goto done;
		}
		if (first) {
			headlen = got < sizeof head ? got : sizeof head;
			memcpy(head, c->buf, headlen);
			magic = is_script_or_elf(c->buf, got);
			set = awp_rules_pick(c->db->rules, awp_scan_class(path, c->buf, got), size);
			listed = l->nhashes && (exec_bit || magic);
			/* a file its digest may verify is hashed for the lists
			 * only if it does not (a second pass, below) */
			hashing = listed && (!check || c->scan_verified);
			awp_digests_start(c->dg, want_md5 || (hashing && l->has_md5), want_sha1 || (hashing && l->has_sha1),
				      want_sha256 || (hashing && l->has_sha256));
			first = 0;
		}
		awp_digests_update(c->dg, c->buf + overlap, got);
		c->r->stats.bytes += got;
		off += got;
		/* A whole file is scanned after its digest check (below). */
		if (yara && !whole && !defer && got && (err = awp_scan_yara(c, set, path, c->buf, overlap + got, 0)) < 0)
			goto done;
		if (whole || got < want)
			break;
		/* Next block starts with the tail of this one. */
		size_t keep = AWP_BLOCK_OVERLAP < overlap + got ? AWP_BLOCK_OVERLAP : overlap + got;
		memmove(c->buf, c->buf + overlap + got - keep, keep);
		overlap = keep;
	}
	if (!yara && (err = awp_report_add(c->r, AWP_THREAT_SCAN_LIMIT, AWP_SEV_LOW, "file-size", "awp", path, 0, "",
					   "not fully scanned: file larger than the YARA size limit (hashes and digest "
					   "were still checked)",
					   "Scan this file separately with a higher --max-file-size.", "")) < 0)
		goto done;
	hexes h;
	awp_digests_final(c->dg, &h);
	if (hashing) {
		c->r->stats.hashed++;
		if ((err = hash_hits(c, path, &h)) < 0)
			goto done;
	}
	int verified = 0;
	if (check) {
		const char *have = want_md5 ? h.md5 : want_sha1 ? h.sha1 : h.sha256;
		const char *exp = strchr(digest, ':') + 1;
		c->r->stats.digest_checked++;
		verified = strcasecmp(have, exp) == 0;
		if (!verified) {
			char ev[300];
			snprintf(ev, sizeof ev, "expected %s, found %.*s:%s", digest, (int)(strchr(digest, ':') - digest), digest,
				 have);
			if ((err = awp_report_add(c->r, AWP_THREAT_TAMPERING, AWP_SEV_HIGH, "package-digest-mismatch",
						  awp_inventory_get(c->inv, (size_t)owner)->type, path, 0, ev,
						  "file content differs from what its package installed",
						  "Reinstall the package (apt-get install --reinstall / dnf reinstall / apk "
						  "fix) and find out what changed the file: a replaced system binary is a "
						  "classic backdoor.",
						  pkg_label(c, owner, pkgbuf, sizeof pkgbuf))) < 0)
				goto done;
		}
	}
	/* A packaged file byte-identical to what its package installed (digest
	 * verified above) is not YARA-scanned (nor opened as an archive) unless
	 * scan_verified is set: rule
	 * hits on distribution files are false positives, and a malicious
	 * package is the MAL-/vulnerability feeds' job. Most of a system's
	 * bytes are such files, so this is the main saving (docs/threats.md). */
	if (apt)
		verified = !strcmp(h.sha256, apt_sha);
	if (listed && !hashing && !verified) {
		/* a whole file is still in c->buf (YARA, IOCs and archives below use it) */
		err = whole ? awp_scan_hash_buf(c, path, c->buf, (size_t)size) : rehash_lists(c, f, path);
		if (err < 0)
			goto done;
	}
	if (yara && whole && (!verified || c->scan_verified)) {
		if ((err = awp_scan_yara(c, set, path, c->buf, (size_t)size, 1)) < 0)
			goto done;
	} else if (yara && defer && !verified) {
		if ((err = yara_blocks(c, f, set, path)) < 0)
			goto done;
	} else if (verified) {
		c->r->stats.verified_skipped++;
	}
	if (tmp_dir(path) && (exec_bit || magic) &&
	    (err = awp_report_add(c->r, AWP_THREAT_PERSISTENCE, AWP_SEV_MEDIUM, "exec-in-tmp", "awp", path, 0,
				  magic ? (head[0] == '#' ? "script (#!)" : "ELF executable") : "executable mode bits",
				  "executable or script in a world-writable temporary directory, where droppers stage "
				  "payloads",
				  "Find out what created it; remove it if nothing legitimate needs it.", "")) < 0)
		goto done;
	if (place && whole && size <= AWP_MAX_CONFIG_SIZE && (err = scan_config(c, path, place, c->buf, (size_t)size)) < 0)
		goto done;
	if (c->archives && (!verified || c->scan_verified) && awp_archive_magic(head, headlen)) {
		/* c->buf still holds the whole file when it fit in one block. */
		err = whole ? awp_scan_archive_mem(c, path, c->buf, (size_t)size, 1) : awp_scan_archive_file(c, path, f);
	}
done:
	awp_file_free(f);
	return err;
}

static int suid_check(scan_ctx *c, const awp_walk_entry *e);

static int walk_cb(awp_fs *fs, const awp_walk_entry *e, void *payload)
{
	(void)fs;
	scan_ctx *c = payload;
	int err;
	if (e->st.type != AWP_FT_REG)
		return 0;
	if ((err = suid_check(c, e)) < 0)
		return err;
	if (e->hardlink_repeat)
		return 0;
	return process_file(c, e->path, &e->st, 1);
}

/* The verifier finished a dpkg file: verified, or back to the general path. */
static int verified_cb(verify_job *j, const char *md5, void *payload)
{
	scan_ctx *c = payload;
	if (j->err) {
		c->r->stats.files++;
		return awp_report_warn(c->r, "%s: %s", j->path, j->errmsg);
	}
	if (strcmp(md5, j->expect) != 0) /* tampered: reported (and scanned) by the general path */
		return process_file(c, j->path, &j->st, 0);
	c->r->stats.files++;
	c->r->stats.bytes += j->off;
	c->r->stats.digest_checked++;
	c->r->stats.verified_skipped++;
	return 0;
}

static void walk_err(const char *path, int code, const char *message, void *payload)
{
	(void)code;
	scan_ctx *c = payload;
	awp_report_warn(c->r, "%s: %s", path, message);
	awp_report_add(c->r, AWP_THREAT_SCAN_LIMIT, AWP_SEV_LOW, "unreadable", "awp", path, 0, message,
		       "not scanned: could not be read", "Check the filesystem; scan the path separately.", "");
}

/* dpkg conffiles from /var/lib/dpkg/status ("Conffiles:" continuation lines). */
static int load_conffiles(scan_ctx *c)
{
	char *data = NULL;
	size_t len = 0;
	if (awp_fs_read_file(c->fs, "/var/lib/dpkg/status", 256u << 20, &data, &len) < 0)
		return 0;
	int in = 0, err = 0;
	for (char *save = NULL, *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "Conffiles:", 10)) {
			in = 1;
			continue;
		}
		if (line[0] != ' ') {
			in = 0;
			continue;
		}
		if (!in)
			continue;
		char *p = line + 1, *sp = strchr(p, ' ');
		if (*p != '/' || !sp)
			continue;
		const char *k = awp_arena_strndup(&c->tmp, p, (size_t)(sp - p));
		if (!k || awp_strmap_put(&c->conffiles, k, 1) < 0) {
			err = AWP_ENOMEM;
			break;
		}
	}
	free(data);
	return err;
}

static int vulndb_present(const char *path)
{
	struct stat st;
	return path && path[0] && stat(path, &st) == 0;
}

/* ---- workers ---- */

/* Files flow from the walker (the calling thread) to the workers through a
 * bounded queue; each worker has its own filesystem handle, scanner,
 * buffers, verifier and report, merged (then sorted) at the end. */
typedef struct qjob {
	char *path;
	awp_stat st;
} qjob;

typedef struct pool {
	pthread_mutex_t mu;
	pthread_cond_t not_empty, not_full;
	qjob q[AWP_QUEUE_CAP];
	size_t head, count;
	int closed;  /* the walk is over */
	int failed;  /* a worker failed: stop */
} pool;

typedef struct worker {
	scan_ctx c;
	pool *p;
	pthread_t th;
	int started;
	int err;
	char errmsg[512];
} worker;

/* Per-thread parts of a context: buffer, digests, scanner, verifier. */
static int ctx_open(scan_ctx *c)
{
	int err = 0;
	c->bufcap = c->block;
	if (!(c->buf = awp_malloc(c->bufcap + 1)) || (err = awp_digests_new(&c->dg)) < 0 ||
	    (err = awp_rules_scanner_new(&c->scanner, c->db->rules, c->timeout)) < 0 ||
	    (err = awp_verifier_new(&c->verifier, verified_cb, c)) < 0)
		return err < 0 ? err : AWP_ENOMEM;
	return 0;
}

static void ctx_close(scan_ctx *c)
{
	awp_verifier_free(c->verifier);
	awp_rules_scanner_free(c->scanner);
	awp_digests_free(c->dg);
	free(c->buf);
	c->verifier = NULL;
	c->scanner = NULL;
	c->dg = NULL;
	c->buf = NULL;
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	pool *p = w->p;
	int err = 0;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (!p->count && !p->closed && !p->failed)
			pthread_cond_wait(&p->not_empty, &p->mu);
		if (p->failed || !p->count) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		qjob j = p->q[p->head];
		p->head = (p->head + 1) % AWP_QUEUE_CAP;
		p->count--;
		pthread_cond_signal(&p->not_full);
		pthread_mutex_unlock(&p->mu);
		err = process_file(&w->c, j.path, &j.st, 1);
		free(j.path);
		if (err < 0)
			break;
	}
	if (err >= 0)
		err = awp_verifier_flush(w->c.verifier);
	if (err < 0) {
		w->err = err;
		snprintf(w->errmsg, sizeof w->errmsg, "%s", awp_error_last());
		pthread_mutex_lock(&p->mu);
		p->failed = 1;
		pthread_cond_broadcast(&p->not_full);
		pthread_cond_broadcast(&p->not_empty);
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

typedef struct walker {
	scan_ctx *c; /* the calling thread's context: SUID checks, walk errors */
	pool *p;
	awp_strmap early; /* files queued before the walk: skipped when met */
} walker;

static int suid_check(scan_ctx *c, const awp_walk_entry *e)
{
	const char *digest;
	if (!(e->st.mode & 06000) || owner_of(c, e->path, &digest) >= 0)
		return 0;
	char ev[64];
	snprintf(ev, sizeof ev, "mode %04o uid %u", e->st.mode & 07777, e->st.uid);
	return awp_report_add(c->r, AWP_THREAT_PERSISTENCE, AWP_SEV_HIGH, "suid-unowned", "awp", e->path, 0, ev,
			      "SUID/SGID file that no package installed: a classic way to keep root",
			      "Check where it came from; remove the SUID/SGID bit (chmod u-s,g-s) or the "
			      "file unless it is expected.",
			      "");
}

static int enqueue(pool *p, const char *path_in, const awp_stat *st)
{
	char *path = awp_strdup(path_in);
	if (!path)
		return AWP_ENOMEM;
	pthread_mutex_lock(&p->mu);
	while (p->count == AWP_QUEUE_CAP && !p->failed)
		pthread_cond_wait(&p->not_full, &p->mu);
	if (p->failed) {
		pthread_mutex_unlock(&p->mu);
		free(path);
		return AWP_ECANCELED;
	}
	p->q[(p->head + p->count) % AWP_QUEUE_CAP] = (qjob){path, *st};
	p->count++;
	pthread_cond_signal(&p->not_empty);
	pthread_mutex_unlock(&p->mu);
	return 0;
}

static int walk_pool_cb(awp_fs *fs, const awp_walk_entry *e, void *payload)
{
	(void)fs;
	walker *wk = payload;
	int err;
	size_t dummy;
	if (e->st.type != AWP_FT_REG)
		return 0;
	if ((err = suid_check(wk->c, e)) < 0)
		return err;
	if (e->hardlink_repeat || (wk->early.count && awp_strmap_get(&wk->early, e->path, &dummy)))
		return 0;
	return enqueue(wk->p, e->path, &e->st);
}

/* Large files known before the walk (apt indexes, from their Release
 * files) go to the workers first: met at the end of the walk (/var comes
 * last), one of them would keep a single worker busy while the others
 * idle. */
static int queue_known_large(walker *wk)
{
	const awp_strmap *apt = &wk->c->aptfiles;
	for (size_t i = 0; i < apt->cap; i++) {
		const char *path = apt->slots ? apt->slots[i].key : NULL;
		awp_stat st;
		if (!path || awp_fs_lookup(wk->c->fs, path, 0, &st) < 0 || st.type != AWP_FT_REG || st.nlink > 1)
			continue;
		int err = awp_strmap_put(&wk->early, path, 1);
		if (err < 0 || (err = enqueue(wk->p, path, &st)) < 0)
			return err;
	}
	return 0;
}

static unsigned thread_count(const awp_threat_scan_options *opts)
{
	unsigned n = opts->version >= 2 ? opts->threads : 0;
	if (!n) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		n = cpus > 0 ? (unsigned)cpus : 1;
	}
	return n > AWP_MAX_THREADS ? AWP_MAX_THREADS : n;
}

/* Walk in this thread, scan in `n` workers. */
static int scan_threaded(scan_ctx *c, awp_walk_options *wo, unsigned n)
{
	pool p;
	memset(&p, 0, sizeof p);
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.not_empty, NULL);
	pthread_cond_init(&p.not_full, NULL);
	worker *ws = awp_calloc(n, sizeof(*ws));
	int err = 0;
	if (!ws) {
		err = AWP_ENOMEM;
		goto done;
	}
	for (unsigned i = 0; i < n && err >= 0; i++) {
		worker *w = &ws[i];
		w->c = *c; /* options, database, inventory, conffiles (read only) */
		w->c.fs = NULL;
		w->c.buf = NULL;
		w->c.dg = NULL;
		w->c.scanner = NULL;
		w->c.verifier = NULL;
		w->p = &p;
		if (!(w->c.r = awp_calloc(1, sizeof(*w->c.r)))) {
			err = AWP_ENOMEM;
			break;
		}
		if ((err = awp_fs_reopen(&w->c.fs, c->fs)) < 0 || (err = ctx_open(&w->c)) < 0)
			break;
		w->c.by_path = !strcmp(awp_fs_info_get(c->fs)->type, "dir");
		if (pthread_create(&w->th, NULL, worker_main, w) != 0) {
			err = awp_error_set(AWP_ERROR, "threats: cannot start a worker thread");
			break;
		}
		w->started = 1;
	}
	if (err >= 0) {
		walker wk = {c, &p, {0}};
		err = queue_known_large(&wk);
		if (err >= 0)
			err = awp_fs_walk(c->fs, wo, walk_pool_cb, &wk);
		awp_strmap_free(&wk.early);
	}
	pthread_mutex_lock(&p.mu);
	p.closed = 1;
	if (err < 0)
		p.failed = 1;
	pthread_cond_broadcast(&p.not_empty);
	pthread_cond_broadcast(&p.not_full);
	pthread_mutex_unlock(&p.mu);
	for (unsigned i = 0; i < n && ws; i++)
		if (ws[i].started)
			pthread_join(ws[i].th, NULL);
	for (unsigned i = 0; i < n && ws; i++) {
		if (ws[i].err < 0 && (err >= 0 || err == AWP_ECANCELED))
			err = awp_error_set(ws[i].err, "%s", ws[i].errmsg);
	}
	for (unsigned i = 0; i < n && ws; i++) {
		if (ws[i].c.r && err >= 0)
			err = awp_report_merge(c->r, ws[i].c.r);
		awp_threat_report_free(ws[i].c.r);
		ctx_close(&ws[i].c);
		awp_fs_free(ws[i].c.fs);
	}
	for (size_t i = p.head, k = 0; k < p.count; k++, i = (i + 1) % AWP_QUEUE_CAP)
		free(p.q[i].path);
done:
	free(ws);
	pthread_mutex_destroy(&p.mu);
	pthread_cond_destroy(&p.not_empty);
	pthread_cond_destroy(&p.not_full);
	return err;
}

/* The language-package inventory on a thread of its own (own handle). */
typedef struct lang_job {
	awp_fs *fs;
	awp_inventory *inv;
	pthread_t th;
	int started, err;
	char msg[512];
} lang_job;

static void *lang_main(void *arg)
{
	lang_job *j = arg;
	awp_inventory_options io = AWP_INVENTORY_OPTIONS_INIT;
	io.os_packages = 0;
	if ((j->err = awp_inventory_collect(&j->inv, j->fs, &io)) < 0)
		snprintf(j->msg, sizeof j->msg, "%s", awp_error_last());
	return NULL;
}

static void lang_start(lang_job *j, const awp_fs *fs)
{
	if (awp_fs_reopen(&j->fs, fs) < 0) {
		j->err = AWP_ERROR;
		snprintf(j->msg, sizeof j->msg, "%s", awp_error_last());
		return;
	}
	j->started = pthread_create(&j->th, NULL, lang_main, j) == 0;
	if (!j->started) /* no thread: walk here */
		lang_main(j);
}

/* Wait for the job (once); report its failure into `r` when given. 0 when
 * it ran and succeeded. */
static int lang_finish(lang_job *j, awp_threat_report *r)
{
	if (j->started) {
		pthread_join(j->th, NULL);
		j->started = 0;
	}
	awp_fs_free(j->fs);
	j->fs = NULL;
	if (j->err < 0 && r)
		awp_report_warn(r, "inventory of language packages: %s (malicious-package check incomplete)", j->msg);
	return j->err < 0 ? j->err : 0;
}

AWP_EXTERN int awp_threats_scan(awp_threat_report **out, awp_fs *fs, const awp_threat_db *db,
				const awp_threat_scan_options *opts)
{
	awp_threat_scan_options defaults = AWP_THREAT_SCAN_OPTIONS_INIT;
	if (!opts)
		opts = &defaults;
	*out = NULL;
	if (!fs || !db)
		return awp_error_set(AWP_EINVAL, "threats: no filesystem or database");
	scan_ctx c;
	memset(&c, 0, sizeof c);
	awp_inventory *own_inv = NULL;
	int err = 0;
	awp_threat_report *r = awp_calloc(1, sizeof(*r));
	if (!r)
		return AWP_ENOMEM;
	c.fs = fs;
	c.db = db;
	c.r = r;
	c.max_file_size = opts->max_file_size ? opts->max_file_size : AWP_DEF_MAX_FILE_SIZE;
	c.timeout = opts->timeout_sec ? opts->timeout_sec : AWP_DEF_TIMEOUT;
	c.block = opts->block_size ? opts->block_size : AWP_DEF_BLOCK;
	if (c.block < AWP_MIN_BLOCK)
		c.block = AWP_MIN_BLOCK;
	c.archive_depth = opts->archive_depth ? opts->archive_depth : AWP_DEF_ARCHIVE_DEPTH;
	c.archive_entries = opts->archive_entries ? opts->archive_entries : AWP_DEF_ARCHIVE_ENTRIES;
	c.archive_inflated = opts->archive_inflated ? opts->archive_inflated : AWP_DEF_ARCHIVE_INFLATED;
	c.archives = !opts->no_archives;
	c.tampering = !opts->no_tampering;
	c.scan_verified = opts->scan_verified;
	const char *vdb = opts->vulndb_path ? opts->vulndb_path : awp_vulndb_default_path();
	int use_vdb = vulndb_present(vdb);
	unsigned threads = thread_count(opts);
	lang_job lang;
	memset(&lang, 0, sizeof lang);
	if (opts->inventory) {
		c.inv = opts->inventory;
	} else {
		/* The file checks need only the OS packages (ownership, digests);
		 * language packages matter for the malicious-package check at the
		 * end, so their walk runs beside the scan when a thread is free. */
		awp_inventory_options io = AWP_INVENTORY_OPTIONS_INIT;
		io.lang_packages = use_vdb && threads <= 1;
		if (awp_inventory_collect(&own_inv, fs, &io) < 0)
			awp_report_warn(r, "inventory: %s (tampering and malicious-package checks skipped)", awp_error_last());
		c.inv = own_inv;
		if (use_vdb && threads > 1)
			lang_start(&lang, fs);
	}
	if ((err = load_conffiles(&c)) < 0 || (err = awp_apt_lists_load(&c.aptfiles, &c.tmp, fs)) < 0)
		goto done;
	awp_walk_options wo = AWP_WALK_OPTIONS_INIT;
	wo.on_error = walk_err;
	wo.error_payload = &c;
	/* Worker threads need a second handle on the filesystem; one that
	 * cannot be reopened (an assembled instance tree) is scanned here. */
	awp_fs *probe = NULL;
	if (threads > 1 && awp_fs_reopen(&probe, fs) < 0)
		threads = 1;
	awp_fs_free(probe);
	if (threads > 1) {
		if ((err = scan_threaded(&c, &wo, threads)) < 0)
			goto done;
	} else if ((err = ctx_open(&c)) < 0 || (err = awp_fs_walk(fs, &wo, walk_cb, &c)) < 0 ||
		   (err = awp_verifier_flush(c.verifier)) < 0) {
		goto done;
	}
	if (lang_finish(&lang, r) == 0 && lang.inv && use_vdb) {
		r->stats.vulndb_used = 1;
		if ((err = awp_threats_malpkg(r, lang.inv, vdb)) < 0)
			goto done;
	}
	if (use_vdb && c.inv) {
		r->stats.vulndb_used = 1;
		if ((err = awp_threats_malpkg(r, c.inv, vdb)) < 0)
			goto done;
	}
	if (r->truncated)
		awp_report_warn(r, "more than %d threats: the rest were not recorded", AWP_MAX_THREATS);
	awp_report_sort(r);
done:
	lang_finish(&lang, NULL);
	awp_inventory_free(lang.inv);
	ctx_close(&c);
	awp_strmap_free(&c.conffiles);
	awp_strmap_free(&c.aptfiles);
	awp_arena_free(&c.tmp);
	awp_inventory_free(own_inv);
	if (err < 0) {
		awp_threat_report_free(r);
		return err;
	}
	*out = r;
	return 0;
}
