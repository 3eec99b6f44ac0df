/*
 * volume/lvm.c - assemble LVM2 volume groups from physical volumes and expose
 * each logical volume as a source.
 *
 * Steps: read every PV's label and metadata areas (lvm_label.c), parse each
 * metadata text (lvm_config.c), group the copies by VG id and keep the one
 * with the highest seqno, match the VG's physical_volumes to the PVs by uuid,
 * then map each visible LV's segments. Linear and striped segments ("striped"
 * with stripe_count >= 1) are read; every other segment type makes the LV a
 * listed-but-unread volume with a reason code, so coverage is never silently
 * partial.
 *
 * Hidden sub-LVs (status without "VISIBLE": _tdata/_tmeta of thin pools,
 * _rimage_N/_rmeta_N of raid, _cdata/_cmeta of cache pools, lvol0_pmspare,
 * snapshotN) are not listed: each is a component of a visible LV whose own
 * entry already carries the verdict, and listing them would report internal
 * pieces (e.g. a raid image) as if they were volumes of their own.
 *
 * Invariant: an LV source's segment table is immutable after creation and
 * every area it references was checked to lie inside its PV source, so reads
 * are thread safe and never go out of range.
 */
#include "volume/lvm_int.h"

#include <awp/sys/source.h>

#include "util/bytes.h"
#include "util/error.h"
#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- the LV source -------------------------------------------------------- */

struct lv_area {
	awp_source *src; /* owned reference */
	uint64_t off;    /* byte offset of the stripe area on its PV */
};

struct lv_seg {
	uint64_t start, len;  /* bytes within the LV */
	uint32_t nstripes;
	uint64_t chunk;       /* stripe size in bytes (nstripes > 1) */
	struct lv_area *areas;
};

struct lv_map {
	struct lv_seg *segs;
	size_t nsegs;
};

static void lv_map_free(struct lv_map *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nsegs; i++) {
		struct lv_seg *s = &m->segs[i];
		if (s->areas)
			for (uint32_t j = 0; j < s->nstripes; j++)
				awp_source_free(s->areas[j].src);
		free(s->areas);
	}
	free(m->segs);
	free(m);
}

static int lv_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct lv_map *m = ctx;
	unsigned char *out = buf;
	while (len > 0) {
		size_t lo = 0, hi = m->nsegs;
		while (hi - lo > 1) { /* last segment with start <= off */
			size_t mid = lo + (hi - lo) / 2;
			if (m->segs[mid].start <= off)
				lo = mid;
			else
				hi = mid;
		}
		const struct lv_seg *s = &m->segs[lo];
		uint64_t in = off - s->start;
		uint64_t n = s->len - in;
		const struct lv_area *a;
		uint64_t phys;
		if (s->nstripes == 1) {
			a = &s->areas[0];
			phys = a->off + in;
		} else {
			uint64_t chunkno = in / s->chunk, within = in % s->chunk;
			a = &s->areas[chunkno % s->nstripes];
			phys = a->off + (chunkno / s->nstripes) * s->chunk + within;
			if (n > s->chunk - within)
				n = s->chunk - within;
		}
		if (n > len)
			n = len;
		int err = awp_source_read(a->src, out, (size_t)n, phys);
		if (err < 0)
			return err;
		out += n;
		off += n;
		len -= (size_t)n;
	}
	return 0;
}

static void lv_close(void *ctx)
{
	lv_map_free(ctx);
}

static const awp_source_ops lv_ops = {
	.version = AWP_SOURCE_OPS_VERSION,
	.format = "lvm",
	.thread_safe = 1, /* immutable map; PV sources serialise themselves if needed */
	.read = lv_read,
	.close = lv_close,
};

/* --- assembly state --------------------------------------------------------- */

struct pv_in {
	awp_source *src; /* borrowed from the caller */
	const char *name;
	lvm_pv_label lab;
	int has_label;
	int claimed; /* matched to a VG's physical_volumes entry */
};

struct candidate {
	lvm_config *cfg;
	const lvm_cnode *vg; /* the VG section */
	const char *vgid;
	int64_t seqno;
	size_t pv;           /* which PV it came from */
	int done;
};

struct vg_pv {
	const char *key;     /* "pv0" */
	char uuid[33];
	int64_t pe_start, pe_count;
	struct pv_in *in;    /* NULL when missing */
};

struct vg {
	const char *name;
	int64_t extent_size; /* sectors */
	struct vg_pv *pvs;
	size_t npvs;
	const lvm_cnode *lvs; /* logical_volumes section */
};

/* Verdict for one LV. */
struct lv_verdict {
	const char *type;        /* "linear", "striped", or the offending segment type */
	const char *reason_code; /* NULL when readable */
	char reason[256];
	uint64_t size;
};

static void strip_dashes(char out[33], const char *id)
{
	size_t o = 0;
	for (const char *p = id; *p && o < 32; p++)
		if (*p != '-')
			out[o++] = *p;
	out[o] = 0;
}

static const struct vg_pv *find_vg_pv(const struct vg *vg, const char *key)
{
	for (size_t i = 0; i < vg->npvs; i++)
		if (strcmp(vg->pvs[i].key, key) == 0)
			return &vg->pvs[i];
	return NULL;
}

static int is_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* Reason for a segment type awp does not map, or NULL for "striped". */
static const char *unsupported_code(const char *type)
{
	if (strcmp(type, "striped") == 0)
		return NULL;
	if (strcmp(type, "thin") == 0 || strcmp(type, "thin-pool") == 0)
		return "lvm_thin_unsupported";
	if (strcmp(type, "cache") == 0 || strcmp(type, "cache-pool") == 0 || strcmp(type, "writecache") == 0)
		return "lvm_cache_unsupported";
	return "lvm_unsupported_segment"; /* raid*, mirror, snapshot, vdo, vdo-pool, zero, error, ... */
}

static const char *type_words(const char *type)
{
	if (strcmp(type, "thin") == 0)
		return "thin volume";
	if (strcmp(type, "thin-pool") == 0)
		return "thin pool";
	if (strcmp(type, "cache") == 0)
		return "cached volume";
	if (strcmp(type, "cache-pool") == 0)
		return "cache pool";
	if (strcmp(type, "writecache") == 0)
		return "writecache volume";
	if (strcmp(type, "snapshot") == 0)
		return "snapshot";
	if (is_prefix(type, "raid") || strcmp(type, "mirror") == 0)
		return "RAID/mirror volume";
	if (is_prefix(type, "vdo"))
		return "VDO volume";
	return "segment type";
}

/* Is `lvname` the COW store of a snapshot (a hidden LV with a "snapshot" segment names it)? */
static int is_cow_store(const struct vg *vg, const char *lvname)
{
	for (const lvm_cnode *lv = vg->lvs ? vg->lvs->child : NULL; lv; lv = lv->next) {
		if (lv->kind != LVM_C_SECTION)
			continue;
		for (const lvm_cnode *sg = lv->child; sg; sg = sg->next) {
			if (sg->kind != LVM_C_SECTION || !is_prefix(sg->key, "segment"))
				continue;
			const char *t = lvm_cfg_str(sg, "type");
			const char *cow = lvm_cfg_str(sg, "cow_store");
			if (t && strcmp(t, "snapshot") == 0 && cow && strcmp(cow, lvname) == 0)
				return 1;
		}
	}
	return 0;
}

static int seg_cmp(const void *a, const void *b)
{
	const struct lv_seg *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * Build the map of one LV. On a verdict that makes it unreadable, *map stays
 * NULL and v->reason_code is set. Returns 0 or AWP_ENOMEM.
 */
static int map_lv(const struct vg *vg, const lvm_cnode *lv, struct lv_map **map, struct lv_verdict *v)
{
	*map = NULL;
	memset(v, 0, sizeof(*v));
	v->type = "linear";
	const uint64_t ext_bytes = (uint64_t)vg->extent_size * AWP_LVM_SECTOR;
	struct lv_map *m = awp_calloc(1, sizeof(*m));
	if (!m)
		return AWP_ENOMEM;
	size_t cap = 0;
	uint64_t total_ext = 0;
	const char *damage = NULL, *missing = NULL;
	char why[160] = "";

	/* First the segment types: one unsupported segment makes the whole LV unreadable. */
	for (const lvm_cnode *sg = lv->child; sg; sg = sg->next) {
		if (sg->kind != LVM_C_SECTION || !is_prefix(sg->key, "segment"))
			continue;
		const char *type = lvm_cfg_str(sg, "type");
		int64_t cnt;
		if (lvm_cfg_int(sg, "extent_count", &cnt) && cnt > 0 && (uint64_t)cnt < (UINT64_C(1) << 40))
			total_ext += (uint64_t)cnt;
		if (!type) {
			damage = "segment without a type";
			continue;
		}
		const char *code = unsupported_code(type);
		if (code && !v->reason_code) {
			v->type = type;
			v->reason_code = code;
			snprintf(v->reason, sizeof v->reason, "%s: not supported (LVM segment type \"%s\")",
				 type_words(type), type);
		}
	}
	if (!v->reason_code && is_cow_store(vg, lv->key)) {
		v->type = "snapshot";
		v->reason_code = "lvm_unsupported_segment";
		snprintf(v->reason, sizeof v->reason, "snapshot: not supported (copy-on-write store of an LVM snapshot)");
	}
	if (awp_mul_overflow(total_ext, ext_bytes, &v->size))
		v->size = 0;
	if (v->reason_code) {
		lv_map_free(m);
		return 0;
	}

	for (const lvm_cnode *sg = lv->child; sg && !damage; sg = sg->next) {
		if (sg->kind != LVM_C_SECTION || !is_prefix(sg->key, "segment"))
			continue;
		int64_t start, count, nstr = 0, ssize = 0;
		if (!lvm_cfg_int(sg, "start_extent", &start) || !lvm_cfg_int(sg, "extent_count", &count) ||
		    !lvm_cfg_int(sg, "stripe_count", &nstr)) {
			damage = "segment without start_extent, extent_count or stripe_count";
			break;
		}
		if (start < 0 || count <= 0 || (uint64_t)start >= (UINT64_C(1) << 40) ||
		    (uint64_t)count >= (UINT64_C(1) << 40) || nstr < 1 || nstr > AWP_MAX_LVM_STRIPES ||
		    count % nstr != 0) {
			damage = "segment with an invalid extent or stripe count";
			break;
		}
		if (m->nsegs >= AWP_MAX_LVM_SEGMENTS) {
			damage = "too many segments";
			break;
		}
		uint64_t area_ext = (uint64_t)(count / nstr);
		uint64_t area_bytes;
		if (awp_mul_overflow(area_ext, ext_bytes, &area_bytes)) {
			damage = "segment size overflows";
			break;
		}
		if (nstr > 1) {
			if (!lvm_cfg_int(sg, "stripe_size", &ssize) || ssize <= 0 ||
			    (uint64_t)ssize * AWP_LVM_SECTOR > area_bytes ||
			    area_bytes % ((uint64_t)ssize * AWP_LVM_SECTOR) != 0) {
				damage = "striped segment with an invalid stripe_size";
				break;
			}
			v->type = "striped";
		}
		const lvm_cnode *stripes = lvm_cfg_get(sg, "stripes");
		if (!stripes || stripes->kind != LVM_C_ARRAY) {
			damage = "segment without stripes";
			break;
		}
		if (AWP_GROW(m->segs, cap, m->nsegs + 1) < 0)
			goto nomem;
		struct lv_seg *s = &m->segs[m->nsegs++];
		memset(s, 0, sizeof(*s));
		s->start = (uint64_t)start * ext_bytes; /* < 2^40 * 2^49 checked below via len sum */
		s->len = (uint64_t)count * ext_bytes;
		if ((uint64_t)start > UINT64_MAX / ext_bytes || (uint64_t)count > UINT64_MAX / ext_bytes) {
			damage = "segment offset overflows";
			break;
		}
		s->nstripes = (uint32_t)nstr;
		s->chunk = (uint64_t)ssize * AWP_LVM_SECTOR;
		if (!(s->areas = awp_calloc((size_t)nstr, sizeof(*s->areas))))
			goto nomem;
		const lvm_cnode *it = stripes->child;
		for (int64_t k = 0; k < nstr; k++) {
			const lvm_cnode *pvname = it, *pe = it ? it->next : NULL;
			if (!pvname || !pe || pvname->kind != LVM_C_STR || pe->kind != LVM_C_INT || pe->num < 0) {
				damage = "stripes list does not match stripe_count";
				break;
			}
			it = pe->next;
			const struct vg_pv *p = find_vg_pv(vg, pvname->str);
			if (!p) {
				snprintf(why, sizeof why, "segment refers to unknown PV \"%.64s\"", pvname->str);
				damage = why;
				break;
			}
			if (!p->in) {
				missing = p->key;
				continue;
			}
			if ((uint64_t)pe->num + area_ext > (uint64_t)p->pe_count) {
				damage = "stripe area beyond the PV's extents";
				break;
			}
			uint64_t phys, sec;
			if (awp_mul_overflow((uint64_t)pe->num, (uint64_t)vg->extent_size, &sec) ||
			    awp_add_overflow(sec, (uint64_t)p->pe_start, &sec) ||
			    awp_mul_overflow(sec, AWP_LVM_SECTOR, &phys) ||
			    phys > awp_source_size(p->in->src) || area_bytes > awp_source_size(p->in->src) - phys) {
				snprintf(why, sizeof why, "stripe area on %.64s lies beyond the end of the device", p->key);
				damage = why;
				break;
			}
			s->areas[k].src = awp_source_ref(p->in->src);
			s->areas[k].off = phys;
		}
	}
	if (!damage && !missing) {
		if (m->nsegs > 1)
			qsort(m->segs, m->nsegs, sizeof(*m->segs), seg_cmp);
		uint64_t at = 0;
		for (size_t i = 0; i < m->nsegs && !damage; i++) {
			if (m->segs[i].start != at)
				damage = "segments leave a gap or overlap";
			else if (awp_add_overflow(at, m->segs[i].len, &at))
				damage = "LV size overflows";
		}
		if (m->nsegs == 0)
			damage = "LV has no segments";
		v->size = at;
	}
	if (damage) {
		v->reason_code = "damaged";
		snprintf(v->reason, sizeof v->reason, "LVM metadata damaged: %s", damage);
	} else if (missing) {
		v->reason_code = "lvm_missing_pv";
		snprintf(v->reason, sizeof v->reason, "physical volume %s of this LV was not found", missing);
	}
	if (v->reason_code) {
		lv_map_free(m);
		return 0;
	}
	*map = m;
	return 0;
nomem:
	lv_map_free(m);
	return AWP_ENOMEM;
}

/* Add the VG's visible LVs to d. */
static int add_lvs(awp_disk *d, const struct vg *vg)
{
	size_t nlv = 0;
	for (const lvm_cnode *lv = vg->lvs ? vg->lvs->child : NULL; lv; lv = lv->next) {
		if (lv->kind != LVM_C_SECTION)
			continue;
		if (++nlv > AWP_MAX_LVM_LVS)
			return awp_disk_warn(d, "lvm (%s): more than %d logical volumes; the rest are not listed",
					     vg->name, AWP_MAX_LVM_LVS);
		if (!lvm_cfg_has_flag(lv, "status", "VISIBLE"))
			continue; /* hidden sub-LV: see the comment at the top */
		struct lv_map *m = NULL;
		struct lv_verdict v;
		int err = map_lv(vg, lv, &m, &v);
		if (err < 0)
			return err;
		char *full = awp_asprintf("%s/%s", vg->name, lv->key);
		if (!full) {
			lv_map_free(m);
			return AWP_ENOMEM;
		}
		awp_source *src = NULL;
		if (m) {
			char *sname = awp_asprintf("%s %s", awp_source_name(m->segs[0].areas[0].src), full);
			if (!sname) {
				lv_map_free(m);
				free(full);
				return AWP_ENOMEM;
			}
			err = awp_source_new(&src, &lv_ops, m, v.size, sname); /* closes m on failure */
			free(sname);
			if (err < 0) {
				free(full);
				return err;
			}
		}
		awp_volume vol = {
			.name = full,
			.kind = AWP_VOL_LVM,
			.size = v.size,
			.type = v.type,
			.type_name = "LVM2 logical volume",
			.part_name = full,
			.part_uuid = lvm_cfg_str(lv, "id"),
			.reason_code = v.reason_code,
			.reason = v.reason_code ? v.reason : NULL,
		};
		err = awp_disk_add_volume(d, &vol, src);
		awp_source_free(src);
		free(full);
		if (err < 0)
			return err;
	}
	return 0;
}

/* Build the VG from the chosen candidate and match its PVs. */
static int assemble_vg(awp_disk *d, const struct candidate *c, struct pv_in *in, size_t nin)
{
	struct vg vg = {.name = c->vg->key, .lvs = lvm_cfg_get(c->vg, "logical_volumes")};
	int err = 0;
	if (!lvm_cfg_int(c->vg, "extent_size", &vg.extent_size) || vg.extent_size <= 0 ||
	    vg.extent_size > (INT64_C(1) << 32))
		return awp_disk_warn(d, "lvm (%s): metadata has no valid extent_size; VG skipped", vg.name);
	const lvm_cnode *pvs = lvm_cfg_get(c->vg, "physical_volumes");
	size_t cap = 0;
	for (const lvm_cnode *p = pvs ? pvs->child : NULL; p; p = p->next) {
		if (p->kind != LVM_C_SECTION)
			continue;
		if (vg.npvs >= AWP_MAX_LVM_PVS) {
			err = awp_disk_warn(d, "lvm (%s): more than %d PVs; the rest are ignored", vg.name, AWP_MAX_LVM_PVS);
			break;
		}
		if (AWP_GROW(vg.pvs, cap, vg.npvs + 1) < 0) {
			err = AWP_ENOMEM;
			goto done;
		}
		struct vg_pv *vp = &vg.pvs[vg.npvs++];
		memset(vp, 0, sizeof(*vp));
		vp->key = p->key;
		const char *id = lvm_cfg_str(p, "id");
		strip_dashes(vp->uuid, id ? id : "");
		if (!lvm_cfg_int(p, "pe_start", &vp->pe_start) || !lvm_cfg_int(p, "pe_count", &vp->pe_count) ||
		    vp->pe_start < 0 || vp->pe_count < 0) {
			if ((err = awp_disk_warn(d, "lvm (%s): %s has no valid pe_start/pe_count", vg.name, p->key)) < 0)
				goto done;
			continue; /* in stays NULL: treated as missing */
		}
		for (size_t i = 0; i < nin; i++) {
			if (!in[i].has_label || strcmp(in[i].lab.uuid, vp->uuid) != 0)
				continue;
			if (vp->in) {
				if ((err = awp_disk_warn(d, "lvm (%s): PV %s appears on both %s and %s; using the first",
							 vg.name, p->key, vp->in->name, in[i].name)) < 0)
					goto done;
				continue;
			}
			vp->in = &in[i];
			in[i].claimed = 1;
		}
		if (!vp->in && (err = awp_disk_warn(d, "lvm (%s): PV %s (uuid %s) not found", vg.name, p->key, vp->uuid)) < 0)
			goto done;
	}
	err = add_lvs(d, &vg);
done:
	free(vg.pvs);
	return err;
}

/* The VG section of a parsed metadata file: the one top-level section. */
static const lvm_cnode *vg_section(const lvm_config *cfg)
{
	for (const lvm_cnode *n = lvm_config_root(cfg)->child; n; n = n->next)
		if (n->kind == LVM_C_SECTION && lvm_cfg_get(n, "physical_volumes"))
			return n;
	return NULL;
}

int awp_lvm_assemble(awp_disk *target, awp_source *const *pvs, const char *const *pv_names, size_t n)
{
	if (n > AWP_MAX_LVM_SOURCES)
		return awp_error_set(AWP_ELIMIT, "lvm: %zu physical volumes exceed the limit of %d", n, AWP_MAX_LVM_SOURCES);
	int err = 0, found = 0;
	struct pv_in *in = n ? awp_calloc(n, sizeof(*in)) : NULL;
	struct candidate *cand = NULL;
	size_t ncand = 0, candcap = 0;
	if (n && !in)
		return AWP_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		in[i].src = pvs[i];
		in[i].name = pv_names && pv_names[i] ? pv_names[i] : awp_source_name(pvs[i]);
		int r = lvm_label_read(&in[i].lab, pvs[i], in[i].name, target);
		if (r == AWP_ENOMEM) {
			err = r;
			goto done;
		}
		in[i].has_label = r == 1;
		for (size_t k = 0; r == 1 && k < in[i].lab.nmdas; k++) {
			const lvm_mda_text *t = &in[i].lab.mdas[k];
			char what[256];
			snprintf(what, sizeof what, "%s, area at %llu", in[i].name, (unsigned long long)t->where);
			lvm_config *cfg = NULL;
			int perr = lvm_config_parse(&cfg, t->text, t->len, what);
			if (perr == AWP_ENOMEM) {
				err = perr;
				goto done;
			}
			const lvm_cnode *vgs = cfg ? vg_section(cfg) : NULL;
			const char *vgid = vgs ? lvm_cfg_str(vgs, "id") : NULL;
			int64_t seqno = 0;
			if (perr < 0 || !vgid || !lvm_cfg_int(vgs, "seqno", &seqno)) {
				err = awp_disk_warn(target, "%s", perr < 0 ? awp_error_last() : "lvm metadata without a VG id or seqno");
				lvm_config_free(cfg);
				if (err < 0)
					goto done;
				continue;
			}
			if (AWP_GROW(cand, candcap, ncand + 1) < 0) {
				lvm_config_free(cfg);
				err = AWP_ENOMEM;
				goto done;
			}
			cand[ncand++] = (struct candidate){.cfg = cfg, .vg = vgs, .vgid = vgid, .seqno = seqno, .pv = i};
		}
		/* The texts are parsed; free them now rather than holding every copy. */
		lvm_label_clear(&in[i].lab);
	}
	/* One VG per id, newest seqno wins (lvm2 writes every PV, so older copies are stale). */
	for (size_t i = 0; i < ncand; i++) {
		if (cand[i].done)
			continue;
		size_t best = i;
		for (size_t j = i; j < ncand; j++) {
			if (strcmp(cand[j].vgid, cand[i].vgid) != 0)
				continue;
			cand[j].done = 1;
			if (cand[j].seqno > cand[best].seqno)
				best = j;
		}
		found = 1;
		if ((err = assemble_vg(target, &cand[best], in, n)) < 0)
			goto done;
	}
	for (size_t i = 0; i < n; i++)
		if (in[i].has_label && !in[i].claimed && ncand > 0 &&
		    (err = awp_disk_warn(target, "lvm (%s): PV %s belongs to no VG found", in[i].name, in[i].lab.uuid)) < 0)
			goto done;
done:
	for (size_t i = 0; i < ncand; i++)
		lvm_config_free(cand[i].cfg);
	free(cand);
	for (size_t i = 0; i < n; i++)
		lvm_label_clear(&in[i].lab);
	free(in);
	return err < 0 ? err : found;
}

int awp_lvm_scan(awp_disk *d)
{
	awp_source **srcs = NULL;
	const char **names = NULL;
	size_t n = 0, cap1 = 0, cap2 = 0;
	int err = 0;
	/* Copy the pointers: adding volumes below may move d->vols (the sources and strings stay put). */
	for (size_t i = 0; i < d->nvols; i++) {
		const struct disk_volume *dv = &d->vols[i];
		if (!dv->src || strcmp(dv->v.fs_type, "LVM2_member") != 0)
			continue;
		if (AWP_GROW(srcs, cap1, n + 1) < 0 || AWP_GROW(names, cap2, n + 1) < 0) {
			err = AWP_ENOMEM;
			goto done;
		}
		srcs[n] = dv->src;
		names[n] = dv->v.name;
		n++;
	}
	if (n > 0)
		err = awp_lvm_assemble(d, srcs, names, n);
done:
	free(srcs);
	free(names);
	return err;
}
