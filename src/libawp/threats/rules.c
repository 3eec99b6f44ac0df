/*
 * threats/rules.c - YARA rules: gather sources (built-in rules/threats/NAME.yar
 * and user files/directories), compile them once and cache the compiled
 * form, scan buffers.
 *
 * Broken files: YARA's compiler cannot be used again after an error, so
 * each source is first compiled alone; a file that fails is reported as
 * "file:line: message" (from the compiler callback) and left out, and the
 * good ones are compiled together, each in its own namespace (its name) so
 * rule names never collide across files.
 *
 * Cache: the compiled rules are saved with yr_rules_save() under a name
 * made from a SHA-256 of the YARA version and every source (name and
 * bytes), so any change to any rule file compiles afresh; the warnings of
 * that compile are saved beside them and replayed on a hit. The file is
 * written to a temporary name and renamed, so a reader never sees half a
 * file; a cache that fails to load is ignored and rewritten.
 *
 * Rules see one external variable, awp_path: the scanned file's path inside
 * the filesystem ("a.jar!/x" inside archives), so rules about cron or
 * systemd can say where they apply.
 */
#include "threats/threats_int.h"
#include "threats/prefilter.h"

#include "util/cache.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/sha256.h"

#include "util/yara_dl.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Rule sets by file class: for each class bit combination and file size
 * bucket, the set holding every rule file that may match such a file. */
#define NCOMBO 16                 /* class bits ELF|NOT_ELF|PERSIST|WEB */
#define MAX_BUCKETS 32            /* distinct max_filesize values + 1 */
#define MAX_SETS (NCOMBO * MAX_BUCKETS)

struct awp_rules {
	YR_RULES *rules;              /* everything: metadata, counts */
	size_t count;
	uint64_t maxes[MAX_BUCKETS];  /* ascending bucket limits (the last is UINT64_MAX) */
	size_t nbuckets;
	int set_of[NCOMBO][MAX_BUCKETS]; /* index into sets, -1: no rule applies */
	YR_RULES *sets[MAX_SETS];
	awp_prefilter *pre[MAX_SETS]; /* literal prefilter of each set, or NULL (prefilter.h) */
	size_t nsets;
	int scoped;                   /* 0: one set (sets[0] == rules) for every file */
};

struct awp_rules_scanner {
	awp_rules *r;
	unsigned timeout;
	YR_SCANNER *scanners[MAX_SETS]; /* created on first use */
	hs_scratch_t *scratch;          /* for every prefilter */
};

typedef struct source {
	char *name;     /* "builtin:eicar.yar" or the host path */
	char *data;     /* NUL-terminated */
	size_t len;
	int bad;
} source;

typedef struct sources {
	source *v;
	size_t n, cap;
} sources;

static void sources_free(sources *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].name);
		free(s->v[i].data);
	}
	free(s->v);
}

static int add_source(sources *s, const char *name, const char *data, size_t len)
{
	if (s->n >= AWP_MAX_RULE_FILES)
		return awp_error_set(AWP_ELIMIT, "%s: more than %d rule files", name, AWP_MAX_RULE_FILES);
	if (AWP_GROW(s->v, s->cap, s->n + 1) < 0)
		return AWP_ENOMEM;
	source *x = &s->v[s->n];
	memset(x, 0, sizeof(*x));
	x->name = awp_strdup(name);
	x->data = awp_malloc(len + 1);
	if (!x->name || !x->data) {
		free(x->name);
		free(x->data);
		return AWP_ENOMEM;
	}
	memcpy(x->data, data, len);
	x->data[len] = 0;
	x->len = len;
	s->n++;
	return 0;
}

static int read_host_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return awp_error_errno(errno, "%s", path);
	struct stat st;
	int err = 0;
	char *buf = NULL;
	if (fstat(fileno(f), &st) < 0) {
		err = awp_error_errno(errno, "%s", path);
	} else if ((uint64_t)st.st_size > AWP_MAX_RULE_FILE_SIZE) {
		err = awp_error_set(AWP_ELIMIT, "%s: rule file larger than %u MiB", path, AWP_MAX_RULE_FILE_SIZE >> 20);
	} else if (!(buf = awp_malloc((size_t)st.st_size + 1))) {
		err = AWP_ENOMEM;
	} else {
		size_t n = fread(buf, 1, (size_t)st.st_size, f);
		if (ferror(f))
			err = awp_error_errno(EIO, "%s: read error", path);
		buf[n] = 0;
		*len = n;
	}
	fclose(f);
	if (err < 0)
		free(buf);
	else
		*out = buf;
	return err;
}

static int is_rule_name(const char *n)
{
	size_t l = strlen(n);
	return n[0] != '.' && ((l > 4 && !strcmp(n + l - 4, ".yar")) || (l > 5 && !strcmp(n + l - 5, ".yara")));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A file, or a directory searched recursively (sorted, so the cache key is stable). */
static int gather(sources *s, const char *path, unsigned depth)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return awp_error_set(errno == ENOENT ? AWP_ENOTFOUND : AWP_EIO, "%s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		char *data = NULL;
		size_t len = 0;
		int err = read_host_file(path, &data, &len);
		if (err < 0)
			return err;
		err = add_source(s, path, data, len);
		free(data);
		return err;
	}
	if (depth >= AWP_MAX_RULE_DIR_DEPTH)
		return awp_error_set(AWP_ELIMIT, "%s: rule directories nested deeper than %d", path, AWP_MAX_RULE_DIR_DEPTH);
	DIR *d = opendir(path);
	if (!d)
		return awp_error_errno(errno, "%s", path);
	char **names = NULL;
	size_t n = 0, cap = 0;
	int err = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		char *full = awp_asprintf("%s/%s", path, de->d_name);
		if (!full || AWP_GROW(names, cap, n + 1) < 0) {
			free(full);
			err = AWP_ENOMEM;
			break;
		}
		names[n++] = full;
		if (n > AWP_MAX_RULE_FILES) {
			err = awp_error_set(AWP_ELIMIT, "%s: more than %d entries", path, AWP_MAX_RULE_FILES);
			break;
		}
	}
	closedir(d);
	if (!err && n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n && !err; i++) {
		struct stat cs;
		const char *base = strrchr(names[i], '/') + 1;
		if (stat(names[i], &cs) < 0)
			continue;
		if (S_ISDIR(cs.st_mode))
			err = gather(s, names[i], depth + 1);
		else if (S_ISREG(cs.st_mode) && is_rule_name(base))
			err = gather(s, names[i], depth + 1);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return err;
}

/* ---- compile ---- */

typedef struct compile_ctx {
	awp_lists *warn_to;
	const char *name;
	awp_strbuf *log;   /* warnings to save beside the cache */
	int errors;
} compile_ctx;

static void compiler_cb(int level, const char *file_name, int line, const YR_RULE *rule, const char *message,
			void *user)
{
	(void)file_name;
	(void)rule;
	compile_ctx *c = user;
	char text[1024];
	snprintf(text, sizeof text, "%s:%d: %s%s", c->name, line, level == YARA_ERROR_LEVEL_ERROR ? "" : "warning: ",
		 message);
	if (level == YARA_ERROR_LEVEL_ERROR)
		c->errors++;
	/* YARA warnings (slow rules and the like) are kept only for user files. */
	if (level != YARA_ERROR_LEVEL_ERROR && !strncmp(c->name, "builtin:", 8))
		return;
	awp_lists_warn(c->warn_to, "%s", text);
	awp_strbuf_puts(c->log, text);
	awp_strbuf_putc(c->log, '\n');
}

static int new_compiler(YR_COMPILER **out, compile_ctx *c)
{
	if (yr_compiler_create(out) != ERROR_SUCCESS)
		return awp_error_set(AWP_ENOMEM, "yara: cannot create a compiler");
	yr_compiler_set_callback(*out, compiler_cb, c);
	if (yr_compiler_define_string_variable(*out, "awp_path", "") != ERROR_SUCCESS) {
		yr_compiler_destroy(*out);
		*out = NULL;
		return awp_error_set(AWP_ERROR, "yara: cannot define awp_path");
	}
	return 0;
}

static int compile_all(YR_RULES **out, sources *s, awp_lists *warn_to, awp_strbuf *log)
{
	compile_ctx c = {warn_to, "", log, 0};
	YR_COMPILER *comp = NULL;
	int err;
	for (size_t i = 0; i < s->n; i++) {
		c.name = s->v[i].name;
		c.errors = 0;
		if ((err = new_compiler(&comp, &c)) < 0)
			return err;
		if (yr_compiler_add_string(comp, s->v[i].data, s->v[i].name) != 0 || c.errors) {
			s->v[i].bad = 1;
			char text[1200];
			snprintf(text, sizeof text, "%s: rule file not loaded (does not compile); the other rules are loaded",
				 s->v[i].name);
			awp_lists_warn(warn_to, "%s", text);
			awp_strbuf_puts(log, text);
			awp_strbuf_putc(log, '\n');
		}
		yr_compiler_destroy(comp);
		comp = NULL;
	}
	/* Warnings were reported by the pass above: the final pass is quiet. */
	awp_lists quiet = {0};
	awp_strbuf qlog = AWP_STRBUF_INIT;
	compile_ctx q = {&quiet, "", &qlog, 0};
	if ((err = new_compiler(&comp, &q)) < 0)
		goto done;
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i].bad)
			continue;
		q.name = s->v[i].name;
		if (yr_compiler_add_string(comp, s->v[i].data, s->v[i].name) != 0) {
			err = awp_error_set(AWP_ERROR, "yara: %s: does not compile with the other rules", s->v[i].name);
			goto done;
		}
	}
	if (yr_compiler_get_rules(comp, out) != ERROR_SUCCESS)
		err = awp_error_set(AWP_ENOMEM, "yara: cannot build the rules");
done:
	if (comp)
		yr_compiler_destroy(comp);
	awp_lists_free(&quiet);
	awp_strbuf_free(&qlog);
	return err;
}

/* Compile the sources whose bit is set in `mask` (known to compile together). */
static int compile_subset(YR_RULES **out, const sources *s, const uint8_t *mask)
{
	awp_lists quiet = {0};
	awp_strbuf qlog = AWP_STRBUF_INIT;
	compile_ctx q = {&quiet, "", &qlog, 0};
	YR_COMPILER *comp = NULL;
	int err;
	if ((err = new_compiler(&comp, &q)) < 0)
		goto done;
	for (size_t i = 0; i < s->n; i++) {
		if (!mask[i])
			continue;
		q.name = s->v[i].name;
		if (yr_compiler_add_string(comp, s->v[i].data, s->v[i].name) != 0) {
			err = awp_error_set(AWP_ERROR, "yara: %s: does not compile with the other rules", s->v[i].name);
			goto done;
		}
	}
	if (yr_compiler_get_rules(comp, out) != ERROR_SUCCESS)
		err = awp_error_set(AWP_ENOMEM, "yara: cannot build the rules");
done:
	if (comp)
		yr_compiler_destroy(comp);
	awp_lists_free(&quiet);
	awp_strbuf_free(&qlog);
	return err;
}

/* ---- cache ---- */

static int cache_key(char hex[65], const sources *s)
{
	awp_sha256 *h = awp_sha256_new();
	if (!h)
		return AWP_ENOMEM;
	static const char tag[] = "awp-threats-rules-v1";
	awp_sha256_update(h, tag, sizeof tag);
	char ver[32];
	snprintf(ver, sizeof ver, "%d", (int)YR_VERSION_HEX);
	awp_sha256_update(h, ver, strlen(ver) + 1);
	for (size_t i = 0; i < s->n; i++) {
		char len[32];
		snprintf(len, sizeof len, "%zu", s->v[i].len);
		awp_sha256_update(h, s->v[i].name, strlen(s->v[i].name) + 1);
		awp_sha256_update(h, len, strlen(len) + 1);
		awp_sha256_update(h, s->v[i].data, s->v[i].len);
	}
	uint8_t d[32];
	awp_sha256_final(h, d);
	awp_sha256_free(h);
	awp_hex(d, 32, hex);
	return 0;
}

/* Replay the warnings saved beside a cache file. */
static void replay_warnings(const char *path, awp_lists *warn_to)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char line[1300];
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		if (line[0])
			awp_lists_warn(warn_to, "%s", line);
	}
	fclose(f);
}

static int save_rules(const char *tmp, void *arg)
{
	return yr_rules_save((YR_RULES *)arg, tmp) == ERROR_SUCCESS ? 0 : -1;
}

static int save_text(const char *tmp, void *arg)
{
	const awp_strbuf *sb = arg;
	FILE *f = fopen(tmp, "w");
	if (!f)
		return -1;
	size_t n = fwrite(awp_strbuf_cstr(sb), 1, sb->len, f);
	return fclose(f) == 0 && n == sb->len ? 0 : -1;
}

/* ---- rule sets by file class ---- */

static const char *meta_str(const YR_RULE *rule, const char *id)
{
	const YR_META *m;
	yr_rule_metas_foreach(rule, m)
	{
		if (m->type == META_TYPE_STRING && !strcmp(m->identifier, id))
			return m->string;
	}
	return "";
}

static int64_t meta_int(const YR_RULE *rule, const char *id)
{
	const YR_META *m;
	yr_rule_metas_foreach(rule, m)
	{
		if (m->type == META_TYPE_INTEGER && !strcmp(m->identifier, id))
			return m->integer;
	}
	return -1;
}

/* meta scope: comma-separated "any", "elf", "not-elf", "persistence", "web". */
static unsigned scope_bits(const char *v, int *bad)
{
	static const struct {
		const char *name;
		unsigned bits;
	} names[] = {{"any", AWP_CLS_ALL}, {"elf", AWP_CLS_ELF}, {"not-elf", AWP_CLS_NOT_ELF},
		     {"persistence", AWP_CLS_PERSIST}, {"web", AWP_CLS_WEB}};
	unsigned bits = 0;
	*bad = 0;
	if (!*v)
		return AWP_CLS_ALL;
	while (*v) {
		size_t n = strcspn(v, ", ");
		size_t i;
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i].name) == n && !strncmp(v, names[i].name, n))
				break;
		if (i == sizeof(names) / sizeof(names[0]))
			*bad = 1;
		else
			bits |= names[i].bits;
		v += n;
		v += strspn(v, ", ");
	}
	return *bad || !bits ? AWP_CLS_ALL : bits;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void unscoped(awp_rules *r)
{
	r->scoped = 0;
	r->nsets = 1;
	r->sets[0] = r->rules;
	r->nbuckets = 1;
	r->maxes[0] = UINT64_MAX;
	for (size_t k = 0; k < NCOMBO; k++)
		r->set_of[k][0] = 0;
}

/*
 * Read every rule's scope and max_filesize metadata, then make one rule set
 * per distinct group of rule files that a class of file needs. The unit is
 * the rule file (YARA compiles files, not single rules): a file applies to
 * the union of its rules' scopes, up to the largest of their size limits.
 * A rule without metadata applies to every file, so user rules that know
 * nothing of this are scanned everywhere. Sets come from the cache when
 * `cache_base` names one, else are compiled (and saved there).
 */
static int build_sets(awp_rules *r, const sources *s, const char *cache_base, awp_lists *warn_to)
{
	size_t n = s->n;
	int err = 0;
	unsigned *scopes = awp_calloc(n ? n : 1, sizeof(*scopes));
	uint64_t *umax = awp_calloc(n ? n : 1, sizeof(*umax));
	uint8_t *masks = awp_calloc(MAX_SETS, n ? n : 1);
	awp_strmap names = {0};
	if (!scopes || !umax || !masks) {
		err = AWP_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		if (awp_strmap_put(&names, s->v[i].name, i) < 0) {
			err = AWP_ENOMEM;
			goto done;
		}
	YR_RULE *rule;
	int any_scoped = 0;
	yr_rules_foreach(r->rules, rule)
	{
		size_t i;
		if (!rule->ns || !awp_strmap_get(&names, rule->ns->name, &i)) {
			unscoped(r); /* cannot tell which file a rule is from */
			goto done;
		}
		int bad = 0;
		const char *sc = meta_str(rule, "scope");
		unsigned bits = scope_bits(sc, &bad);
		if (bad)
			awp_lists_warn(warn_to, "%s: rule %s: unknown scope \"%s\" (the rule is applied to every file)",
				       s->v[i].name, rule->identifier, sc);
		int64_t mx = meta_int(rule, "max_filesize");
		uint64_t m = mx > 0 ? (uint64_t)mx : UINT64_MAX;
		any_scoped |= bits != AWP_CLS_ALL || m != UINT64_MAX;
		scopes[i] |= bits;
		if (m > umax[i])
			umax[i] = m;
	}
	if (!any_scoped) {
		unscoped(r);
		goto done;
	}
	/* Size buckets: the distinct limits, then "larger than all". */
	size_t nb = 0;
	for (size_t i = 0; i < n; i++) {
		if (!scopes[i] || umax[i] == UINT64_MAX)
			continue;
		size_t k;
		for (k = 0; k < nb && r->maxes[k] != umax[i]; k++)
			;
		if (k < nb)
			continue;
		if (nb + 1 >= MAX_BUCKETS) {
			unscoped(r);
			goto done;
		}
		r->maxes[nb++] = umax[i];
	}
	qsort(r->maxes, nb, sizeof(r->maxes[0]), cmp_u64);
	r->maxes[nb++] = UINT64_MAX;
	r->nbuckets = nb;
	r->nsets = 0;
	for (unsigned combo = 0; combo < NCOMBO; combo++) {
		for (size_t b = 0; b < nb; b++) {
			uint8_t *m = masks + r->nsets * n;
			int empty = 1;
			for (size_t i = 0; i < n; i++) {
				m[i] = (scopes[i] & combo) && r->maxes[b] <= umax[i];
				empty &= !m[i];
			}
			if (empty) {
				r->set_of[combo][b] = -1;
				continue;
			}
			size_t k;
			for (k = 0; k < r->nsets && memcmp(masks + k * n, m, n); k++)
				;
			r->set_of[combo][b] = (int)k;
			if (k == r->nsets)
				r->nsets++;
		}
	}
	r->scoped = 1;
	for (size_t k = 0; k < r->nsets; k++) {
		int all = 1;
		for (size_t i = 0; i < n; i++)
			all &= masks[k * n + i] == (scopes[i] != 0);
		if (all) {
			r->sets[k] = r->rules;
			continue;
		}
		char path[4300];
		if (cache_base)
			snprintf(path, sizeof path, "%s.s%zu", cache_base, k);
		if (cache_base && yr_rules_load(path, &r->sets[k]) == ERROR_SUCCESS)
			continue;
		r->sets[k] = NULL;
		if ((err = compile_subset(&r->sets[k], s, masks + k * n)) < 0)
			goto done;
		if (cache_base)
			awp_cache_write_atomic(path, save_rules, r->sets[k]);
	}
done:
	free(scopes);
	free(umax);
	free(masks);
	awp_strmap_free(&names);
	return err;
}

int awp_rules_load(awp_rules **out, const awp_threat_db_options *opts, awp_lists *warn_to,
		   awp_threat_db_stats *stats, char *cache_path, size_t cache_cap)
{
	sources s = {0};
	awp_strbuf log = AWP_STRBUF_INIT;
	awp_rules *r = NULL;
	int err = 0;
	*out = NULL;
	cache_path[0] = 0;
	if (!opts->no_default_rules) {
		for (size_t i = 0; i < awp_threats_builtin_count; i++) {
			const awp_builtin_file *b = &awp_threats_builtin[i];
			size_t l = strlen(b->name);
			if (l < 4 || strcmp(b->name + l - 4, ".yar"))
				continue;
			char name[300];
			snprintf(name, sizeof name, "builtin:%s", b->name);
			if ((err = add_source(&s, name, b->data, b->len)) < 0)
				goto done;
		}
	}
	for (size_t i = 0; i < opts->rule_path_count; i++)
		if ((err = gather(&s, opts->rule_paths[i], 0)) < 0)
			goto done;
	if (!(r = awp_calloc(1, sizeof(*r)))) {
		err = AWP_ENOMEM;
		goto done;
	}
	char dir[4096], key[65], warnpath[4200];
	int use_cache = awp_cache_dir(dir, sizeof dir, opts->cache_dir) && s.n > 0;
	if (use_cache) {
		if ((err = cache_key(key, &s)) < 0)
			goto done;
		snprintf(cache_path, cache_cap, "%s/threats-%.32s.yarc", dir, key);
		snprintf(warnpath, sizeof warnpath, "%s.warnings", cache_path);
		if (yr_rules_load(cache_path, &r->rules) == ERROR_SUCCESS) {
			stats->cache_hit = 1;
			replay_warnings(warnpath, warn_to);
		} else {
			r->rules = NULL;
		}
	}
	if (!r->rules) {
		if (s.n == 0) {
			/* No rules at all: an empty rule set still scans (to nothing). */
			compile_ctx c = {warn_to, "", &log, 0};
			YR_COMPILER *comp = NULL;
			if ((err = new_compiler(&comp, &c)) < 0)
				goto done;
			int rc = yr_compiler_get_rules(comp, &r->rules);
			yr_compiler_destroy(comp);
			if (rc != ERROR_SUCCESS) {
				err = awp_error_set(AWP_ENOMEM, "yara: cannot build an empty rule set");
				goto done;
			}
		} else {
			if ((err = compile_all(&r->rules, &s, warn_to, &log)) < 0)
				goto done;
			if (use_cache && awp_cache_mkdir(dir) == 0) {
				awp_cache_write_atomic(cache_path, save_rules, r->rules);
				awp_cache_write_atomic(warnpath, save_text, &log);
			}
		}
	}
	if ((err = build_sets(r, &s, use_cache && (stats->cache_hit || awp_cache_mkdir(dir) == 0) ? cache_path : NULL,
			      warn_to)) < 0)
		goto done;
	YR_RULE *rule;
	yr_rules_foreach(r->rules, rule) r->count++;
	for (size_t i = 0; i < s.n; i++)
		stats->rule_files += !s.v[i].bad;
	/* On a cache hit `bad` is unknown: subtract the files the replayed
	 * warnings name as not loaded. */
	if (stats->cache_hit) {
		size_t bad = 0;
		for (size_t i = 0; i < warn_to->nwarns; i++)
			if (strstr(warn_to->warns[i], ": rule file not loaded"))
				bad++;
		stats->rule_files = stats->rule_files > bad ? stats->rule_files - bad : 0;
	}
	stats->rules = r->count;
	for (size_t k = 0; err >= 0 && k < r->nsets; k++)
		err = awp_prefilter_build(&r->pre[k], r->sets[k]);
done:
	sources_free(&s);
	awp_strbuf_free(&log);
	if (err < 0)
		awp_rules_free(r);
	else
		*out = r;
	return err;
}

void awp_rules_free(awp_rules *r)
{
	if (!r)
		return;
	for (size_t k = 0; k < r->nsets; k++) {
		awp_prefilter_free(r->pre[k]);
		if (r->sets[k] && r->sets[k] != r->rules)
			yr_rules_destroy(r->sets[k]);
	}
	if (r->rules)
		yr_rules_destroy(r->rules);
	free(r);
}

size_t awp_rules_count(const awp_rules *r)
{
	return r ? r->count : 0;
}

/* ---- scan ---- */

int awp_rules_scanner_new(awp_rules_scanner **out, awp_rules *r, unsigned timeout)
{
	awp_rules_scanner *s = awp_calloc(1, sizeof(*s));
	if (!s)
		return AWP_ENOMEM;
	s->r = r;
	s->timeout = timeout;
	for (size_t k = 0; k < r->nsets; k++) {
		int err;
		if (r->pre[k] && (err = awp_prefilter_scratch(r->pre[k], &s->scratch)) < 0) {
			awp_rules_scanner_free(s);
			return err;
		}
	}
	*out = s;
	return 0;
}

void awp_rules_scanner_free(awp_rules_scanner *s)
{
	if (!s)
		return;
	for (size_t k = 0; k < MAX_SETS; k++)
		if (s->scanners[k])
			yr_scanner_destroy(s->scanners[k]);
	hs_free_scratch(s->scratch);
	free(s);
}

int awp_rules_pick(const awp_rules *r, unsigned cls, uint64_t size)
{
	if (!r->scoped)
		return r->nsets ? 0 : -1;
	size_t b = 0;
	while (b + 1 < r->nbuckets && size > r->maxes[b])
		b++;
	return r->set_of[cls & (NCOMBO - 1)][b];
}

typedef struct yscan_ctx {
	rule_hit_cb cb;
	void *payload;
	int err;
} yscan_ctx;

static int scan_cb(YR_SCAN_CONTEXT *context, int message, void *message_data, void *user)
{
	yscan_ctx *c = user;
	if (message != CALLBACK_MSG_RULE_MATCHING)
		return CALLBACK_CONTINUE;
	const YR_RULE *rule = message_data;
	rule_hit h = {rule->identifier, rule->ns->name, meta_str(rule, "description"), meta_str(rule, "severity"),
		      meta_str(rule, "kind"), meta_str(rule, "remediation"), -1, NULL, 0};
	const YR_STRING *str;
	yr_rule_strings_foreach(rule, str)
	{
		/* YARA 4.2 allocates matches from a notebook without alignment:
		 * copy each one out instead of reading through the pointer (what
		 * yr_string_matches_foreach would do; UBSan flags it). */
		const YR_MATCH *p = context->matches[str->idx].head;
		while (p) {
			YR_MATCH m;
			memcpy(&m, p, sizeof m);
			if (!m.is_private && (h.offset < 0 || m.base + m.offset < h.offset)) {
				h.offset = m.base + m.offset;
				h.data = m.data;
				h.data_len = m.data_length > 0 ? (size_t)m.data_length : 0;
			}
			p = m.next;
		}
	}
	int err = c->cb(&h, c->payload);
	if (err < 0) {
		c->err = err;
		return CALLBACK_ABORT;
	}
	return CALLBACK_CONTINUE;
}

int awp_rules_scan(awp_rules_scanner *s, int set, const char *path, const uint8_t *buf, size_t len, rule_hit_cb cb,
		   void *payload)
{
	yscan_ctx c = {cb, payload, 0};
	if (set < 0 || (size_t)set >= s->r->nsets)
		return 0; /* no rule can match this file */
	if (s->r->pre[set] && !awp_prefilter_hit(s->r->pre[set], s->scratch, buf, len))
		return 0; /* none of the set's strings occurs: no rule can match */
	YR_SCANNER *sc = s->scanners[set];
	if (!sc) {
		if (yr_scanner_create(s->r->sets[set], &sc) != ERROR_SUCCESS)
			return awp_error_set(AWP_ENOMEM, "yara: cannot create a scanner");
		yr_scanner_set_timeout(sc, (int)s->timeout);
		/* Fast mode: one match per string is enough to decide a rule. */
		yr_scanner_set_flags(sc, SCAN_FLAGS_FAST_MODE);
		s->scanners[set] = sc;
	}
	if (yr_scanner_define_string_variable(sc, "awp_path", path) != ERROR_SUCCESS)
		return awp_error_set(AWP_ENOMEM, "yara: cannot set awp_path");
	yr_scanner_set_callback(sc, scan_cb, &c);
	int rc = yr_scanner_scan_mem(sc, buf, len);
	if (c.err < 0)
		return c.err;
	if (rc == ERROR_SCAN_TIMEOUT)
		return awp_error_set(AWP_ELIMIT, "%s: YARA scan timed out", path);
	if (rc == ERROR_TOO_MANY_MATCHES || rc == ERROR_SUCCESS)
		return rc == ERROR_SUCCESS ? 0 : awp_error_set(AWP_ELIMIT, "%s: too many YARA matches", path);
	return awp_error_set(AWP_ERROR, "%s: YARA scan failed (error %d)", path, rc);
}
