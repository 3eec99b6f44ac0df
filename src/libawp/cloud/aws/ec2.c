/*
 * cloud/aws/ec2.c - the EC2 Query API calls awp needs (API version
 * 2016-11-15): discovery (DescribeInstances, DescribeVolumes,
 * DescribeImages), the snapshot lifecycle (CreateSnapshot(s),
 * DescribeSnapshots, DeleteSnapshot, CreateTags) and sharing
 * (ModifySnapshotAttribute, CopySnapshot).
 *
 * Paginated calls follow nextToken to the end (bounded by
 * AWP_MAX_AWS_PAGES). Results live in one arena owned by the list.
 */
#include "cloud/aws/aws_int.h"

#include "util/error.h"
#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EC2_VERSION "2016-11-15"

typedef struct list_priv {
	awp_arena arena;
	void *items;
	size_t cap;
} list_priv;

AWP_EXTERN void awp_aws_list_free(awp_aws_list *l)
{
	if (!l)
		return;
	list_priv *p = l->priv;
	if (p) {
		awp_arena_free(&p->arena);
		free(p->items);
		free(p);
	}
	free(l);
}

static awp_aws_list *list_new(void)
{
	awp_aws_list *l = awp_calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	if (!(l->priv = awp_calloc(1, sizeof(list_priv)))) {
		free(l);
		return NULL;
	}
	return l;
}

/* Room for one more item of `size` bytes; returns it zeroed. */
static void *list_add(awp_aws_list *l, size_t size)
{
	list_priv *p = l->priv;
	if (l->count >= p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 16;
		void *n = awp_reallocarray(p->items, nc, size);
		if (!n)
			return NULL;
		p->items = n;
		p->cap = nc;
	}
	void *it = (char *)p->items + l->count * size;
	memset(it, 0, size);
	l->count++;
	l->u.instances = p->items; /* every union member aliases the array */
	return it;
}

static const char *dup_text(awp_arena *a, const aws_xml_node *n, const char *path)
{
	const char *t = aws_xml_text(n, path);
	return awp_arena_strdup(a, t ? t : "");
}

static int parse_tags(awp_arena *a, const aws_xml_node *n, awp_aws_tag **tags, size_t *ntags)
{
	const aws_xml_node *set = aws_xml_child(n, "tagSet");
	size_t cnt = 0;
	for (const aws_xml_node *it = set ? aws_xml_child(set, "item") : NULL; it; it = aws_xml_next_same(it))
		cnt++;
	*tags = NULL;
	*ntags = 0;
	if (!cnt)
		return 0;
	awp_aws_tag *t = awp_arena_alloc(a, cnt * sizeof(*t));
	if (!t)
		return AWP_ENOMEM;
	size_t i = 0;
	for (const aws_xml_node *it = aws_xml_child(set, "item"); it; it = aws_xml_next_same(it), i++) {
		t[i].key = dup_text(a, it, "key");
		t[i].value = dup_text(a, it, "value");
		if (!t[i].key || !t[i].value)
			return AWP_ENOMEM;
	}
	*tags = t;
	*ntags = cnt;
	return 0;
}

static uint64_t to_u64(const char *s)
{
	return s ? strtoull(s, NULL, 10) : 0;
}

/* ---- request parameters ---- */

static int param(awp_strbuf *sb, const char *name, const char *value)
{
	int err = awp_strbuf_printf(sb, "&%s=", name);
	return err < 0 ? err : aws_uri_encode(sb, value, 0);
}

static int param_list(awp_strbuf *sb, const char *prefix, const char *const *vals)
{
	char name[96];
	int err = 0;
	for (size_t i = 0; vals && vals[i] && err >= 0; i++) {
		snprintf(name, sizeof name, "%s.%zu", prefix, i + 1);
		err = param(sb, name, vals[i]);
	}
	return err;
}

static int param_filters(awp_strbuf *sb, const awp_aws_filter *f, size_t n)
{
	char name[96];
	int err = 0;
	for (size_t i = 0; i < n && err >= 0; i++) {
		snprintf(name, sizeof name, "Filter.%zu.Name", i + 1);
		err = param(sb, name, f[i].name);
		for (size_t v = 0; f[i].values && f[i].values[v] && err >= 0; v++) {
			snprintf(name, sizeof name, "Filter.%zu.Value.%zu", i + 1, v + 1);
			err = param(sb, name, f[i].values[v]);
		}
	}
	return err;
}

static int param_tagspec(awp_strbuf *sb, const char *type, const awp_aws_tag *tags, size_t n)
{
	if (!n)
		return 0;
	char name[96];
	int err = param(sb, "TagSpecification.1.ResourceType", type);
	for (size_t i = 0; i < n && err >= 0; i++) {
		snprintf(name, sizeof name, "TagSpecification.1.Tag.%zu.Key", i + 1);
		if ((err = param(sb, name, tags[i].key)) < 0)
			break;
		snprintf(name, sizeof name, "TagSpecification.1.Tag.%zu.Value", i + 1);
		err = param(sb, name, tags[i].value ? tags[i].value : "");
	}
	return err;
}

/* ---- one call, parsed ---- */

static int call_xml(awp_aws_client *c, const char *action, const char *params, aws_xml_doc **doc)
{
	aws_response rs = {0};
	int err = aws_query(c, "ec2", action, EC2_VERSION, params, &rs);
	if (err >= 0) {
		char what[96];
		snprintf(what, sizeof what, "ec2 %s response", action);
		err = aws_xml_parse(doc, rs.body.ptr ? rs.body.ptr : "", rs.body.len, what);
	}
	aws_response_free(&rs);
	return err;
}

typedef int (*page_fn)(awp_aws_list *l, const aws_xml_node *root);

/* Calls `action` page after page; `base` is the parameter string without
 * NextToken/MaxResults. */
static int paginate(awp_aws_list **out, awp_aws_client *c, const char *action, const awp_strbuf *base,
		    int max_results, page_fn fn)
{
	awp_aws_list *l = list_new();
	awp_strbuf params = AWP_STRBUF_INIT;
	char *token = NULL;
	int err = l ? 0 : AWP_ENOMEM;
	for (unsigned page = 0; err >= 0; page++) {
		if (page >= AWP_MAX_AWS_PAGES) {
			err = awp_error_set(AWP_ELIMIT, "ec2 %s: more than %u pages", action, AWP_MAX_AWS_PAGES);
			break;
		}
		awp_strbuf_truncate(&params, 0);
		if ((err = awp_strbuf_puts(&params, awp_strbuf_cstr(base))) < 0)
			break;
		if (max_results && c->page_size && (unsigned)max_results > c->page_size)
			max_results = (int)c->page_size;
		if (max_results && (err = awp_strbuf_printf(&params, "&MaxResults=%d", max_results)) < 0)
			break;
		if (token && (err = param(&params, "NextToken", token)) < 0)
			break;
		aws_xml_doc *doc = NULL;
		if ((err = call_xml(c, action, awp_strbuf_cstr(&params), &doc)) < 0)
			break;
		err = fn(l, doc->root);
		const char *next = aws_xml_text(doc->root, "nextToken");
		free(token);
		token = next && *next ? awp_strdup(next) : NULL;
		int more = next && *next;
		aws_xml_free(doc);
		if (err < 0 || !more)
			break;
		if (!token)
			err = AWP_ENOMEM;
	}
	free(token);
	awp_strbuf_free(&params);
	if (err < 0) {
		awp_aws_list_free(l);
		return err;
	}
	*out = l;
	return 0;
}

static int instances_page(awp_aws_list *l, const aws_xml_node *root)
{
	awp_arena *a = &((list_priv *)l->priv)->arena;
	const aws_xml_node *rset = aws_xml_child(root, "reservationSet");
	for (const aws_xml_node *r = rset ? aws_xml_child(rset, "item") : NULL; r; r = aws_xml_next_same(r)) {
		const char *owner = aws_xml_text(r, "ownerId");
		const aws_xml_node *iset = aws_xml_child(r, "instancesSet");
		for (const aws_xml_node *it = iset ? aws_xml_child(iset, "item") : NULL; it; it = aws_xml_next_same(it)) {
			awp_aws_instance *in = list_add(l, sizeof(*in));
			if (!in)
				return AWP_ENOMEM;
			in->instance_id = dup_text(a, it, "instanceId");
			in->state = dup_text(a, it, "instanceState/name");
			in->image_id = dup_text(a, it, "imageId");
			in->instance_type = dup_text(a, it, "instanceType");
			in->availability_zone = dup_text(a, it, "placement/availabilityZone");
			in->platform = dup_text(a, it, "platform");
			in->platform_details = dup_text(a, it, "platformDetails");
			in->root_device_name = dup_text(a, it, "rootDeviceName");
			in->owner_id = awp_arena_strdup(a, owner ? owner : "");
			if (!in->instance_id || !in->state || !in->image_id || !in->instance_type || !in->availability_zone ||
			    !in->platform || !in->platform_details || !in->root_device_name || !in->owner_id)
				return AWP_ENOMEM;
			if (parse_tags(a, it, &in->tags, &in->ntags) < 0)
				return AWP_ENOMEM;
			const aws_xml_node *bdm = aws_xml_child(it, "blockDeviceMapping");
			size_t nd = 0;
			for (const aws_xml_node *d = bdm ? aws_xml_child(bdm, "item") : NULL; d; d = aws_xml_next_same(d))
				nd += aws_xml_path(d, "ebs/volumeId") != NULL;
			if (nd) {
				if (!(in->devices = awp_arena_alloc(a, nd * sizeof(*in->devices))))
					return AWP_ENOMEM;
				for (const aws_xml_node *d = aws_xml_child(bdm, "item"); d; d = aws_xml_next_same(d)) {
					if (!aws_xml_path(d, "ebs/volumeId"))
						continue;
					awp_aws_block_device *bd = &in->devices[in->ndevices++];
					bd->device_name = dup_text(a, d, "deviceName");
					bd->volume_id = dup_text(a, d, "ebs/volumeId");
					const char *dot = aws_xml_text(d, "ebs/deleteOnTermination");
					bd->delete_on_termination = dot && strcmp(dot, "true") == 0;
					if (!bd->device_name || !bd->volume_id)
						return AWP_ENOMEM;
				}
			}
		}
	}
	return 0;
}

AWP_EXTERN int awp_aws_describe_instances(awp_aws_list **out, awp_aws_client *c, const char *const *ids,
					  const awp_aws_filter *filters, size_t nfilters)
{
	awp_strbuf p = AWP_STRBUF_INIT;
	int err;
	if ((err = param_list(&p, "InstanceId", ids)) >= 0 && (err = param_filters(&p, filters, nfilters)) >= 0)
		/* MaxResults cannot be combined with instance ids */
		err = paginate(out, c, "DescribeInstances", &p, ids && ids[0] ? 0 : 1000, instances_page);
	awp_strbuf_free(&p);
	return err;
}

static int volumes_page(awp_aws_list *l, const aws_xml_node *root)
{
	awp_arena *a = &((list_priv *)l->priv)->arena;
	const aws_xml_node *set = aws_xml_child(root, "volumeSet");
	for (const aws_xml_node *it = set ? aws_xml_child(set, "item") : NULL; it; it = aws_xml_next_same(it)) {
		awp_aws_volume *v = list_add(l, sizeof(*v));
		if (!v)
			return AWP_ENOMEM;
		v->volume_id = dup_text(a, it, "volumeId");
		v->state = dup_text(a, it, "status");
		v->availability_zone = dup_text(a, it, "availabilityZone");
		v->snapshot_id = dup_text(a, it, "snapshotId");
		v->kms_key_id = dup_text(a, it, "kmsKeyId");
		v->size_gib = to_u64(aws_xml_text(it, "size"));
		const char *enc = aws_xml_text(it, "encrypted");
		v->encrypted = enc && strcmp(enc, "true") == 0;
		if (!v->volume_id || !v->state || !v->availability_zone || !v->snapshot_id || !v->kms_key_id ||
		    parse_tags(a, it, &v->tags, &v->ntags) < 0)
			return AWP_ENOMEM;
	}
	return 0;
}

AWP_EXTERN int awp_aws_describe_volumes(awp_aws_list **out, awp_aws_client *c, const char *const *ids,
					const awp_aws_filter *filters, size_t nfilters)
{
	awp_strbuf p = AWP_STRBUF_INIT;
	int err;
	if ((err = param_list(&p, "VolumeId", ids)) >= 0 && (err = param_filters(&p, filters, nfilters)) >= 0)
		err = paginate(out, c, "DescribeVolumes", &p, ids && ids[0] ? 0 : 500, volumes_page);
	awp_strbuf_free(&p);
	return err;
}

static int snapshots_page(awp_aws_list *l, const aws_xml_node *root)
{
	awp_arena *a = &((list_priv *)l->priv)->arena;
	const aws_xml_node *set = aws_xml_child(root, "snapshotSet");
	for (const aws_xml_node *it = set ? aws_xml_child(set, "item") : NULL; it; it = aws_xml_next_same(it)) {
		awp_aws_snapshot *s = list_add(l, sizeof(*s));
		if (!s)
			return AWP_ENOMEM;
		s->snapshot_id = dup_text(a, it, "snapshotId");
		s->volume_id = dup_text(a, it, "volumeId");
		s->state = dup_text(a, it, "status");
		s->progress = dup_text(a, it, "progress");
		s->start_time = dup_text(a, it, "startTime");
		s->description = dup_text(a, it, "description");
		s->owner_id = dup_text(a, it, "ownerId");
		s->kms_key_id = dup_text(a, it, "kmsKeyId");
		s->volume_size_gib = to_u64(aws_xml_text(it, "volumeSize"));
		const char *enc = aws_xml_text(it, "encrypted");
		s->encrypted = enc && strcmp(enc, "true") == 0;
		if (!s->snapshot_id || !s->volume_id || !s->state || !s->progress || !s->start_time || !s->description ||
		    !s->owner_id || !s->kms_key_id || parse_tags(a, it, &s->tags, &s->ntags) < 0)
			return AWP_ENOMEM;
	}
	return 0;
}

AWP_EXTERN int awp_aws_describe_snapshots(awp_aws_list **out, awp_aws_client *c, const char *owner,
					  const char *const *ids, const awp_aws_filter *filters, size_t nfilters)
{
	awp_strbuf p = AWP_STRBUF_INIT;
	const char *owners[2] = {owner, NULL};
	int err;
	if ((err = param_list(&p, "SnapshotId", ids)) >= 0 && (err = param_list(&p, "Owner", owner ? owners : NULL)) >= 0 &&
	    (err = param_filters(&p, filters, nfilters)) >= 0)
		err = paginate(out, c, "DescribeSnapshots", &p, ids && ids[0] ? 0 : 1000, snapshots_page);
	awp_strbuf_free(&p);
	return err;
}

static int images_page(awp_aws_list *l, const aws_xml_node *root)
{
	awp_arena *a = &((list_priv *)l->priv)->arena;
	const aws_xml_node *set = aws_xml_child(root, "imagesSet");
	for (const aws_xml_node *it = set ? aws_xml_child(set, "item") : NULL; it; it = aws_xml_next_same(it)) {
		awp_aws_image *im = list_add(l, sizeof(*im));
		if (!im)
			return AWP_ENOMEM;
		im->image_id = dup_text(a, it, "imageId");
		im->name = dup_text(a, it, "name");
		im->platform = dup_text(a, it, "platform");
		im->platform_details = dup_text(a, it, "platformDetails");
		im->state = dup_text(a, it, "imageState");
		if (!im->image_id || !im->name || !im->platform || !im->platform_details || !im->state)
			return AWP_ENOMEM;
	}
	return 0;
}

AWP_EXTERN int awp_aws_describe_images(awp_aws_list **out, awp_aws_client *c, const char *const *ids)
{
	awp_strbuf p = AWP_STRBUF_INIT;
	int err = param_list(&p, "ImageId", ids);
	if (err >= 0)
		err = paginate(out, c, "DescribeImages", &p, 0, images_page);
	awp_strbuf_free(&p);
	return err;
}

AWP_EXTERN int awp_aws_instance_is_windows(const awp_aws_instance *i)
{
	return (i->platform && strcmp(i->platform, "windows") == 0) ||
	       (i->platform_details && strstr(i->platform_details, "Windows") != NULL);
}

AWP_EXTERN const char *awp_aws_tag_get(const awp_aws_tag *tags, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(tags[i].key, key) == 0)
			return tags[i].value;
	return NULL;
}

/* ---- mutations ---- */

static int simple_call(awp_aws_client *c, const char *action, awp_strbuf *p, const char *id_path, char **out_id)
{
	aws_xml_doc *doc = NULL;
	int err = call_xml(c, action, awp_strbuf_cstr(p), &doc);
	awp_strbuf_free(p);
	if (err < 0)
		return err;
	if (out_id) {
		const char *id = aws_xml_text(doc->root, id_path);
		if (!id || !*id)
			err = awp_error_set(AWP_ECORRUPT, "ec2 %s: response has no %s", action, id_path);
		else if (!(*out_id = awp_strdup(id)))
			err = AWP_ENOMEM;
	}
	aws_xml_free(doc);
	return err;
}

AWP_EXTERN int awp_aws_create_snapshot(char **out_id, awp_aws_client *c, const char *volume_id,
				       const char *description, const awp_aws_tag *tags, size_t ntags)
{
	awp_strbuf p = AWP_STRBUF_INIT;
	int err;
	if ((err = param(&p, "VolumeId", volume_id)) < 0 ||
	    (description && (err = param(&p, "Description", description)) < 0) ||
	    (err = param_tagspec(&p, "snapshot", tags, ntags)) < 0) {
		awp_strbuf_free(&p);
		return err;
	}
	return simple_call(c, "CreateSnapshot", &p, "snapshotId", out_id);
}

AWP_EXTERN int awp_aws_create_snapshots(awp_aws_list **out, awp_aws_client *c, const char *instance_id,
					const char *description, const awp_aws_tag *tags, size_t ntags)
{
	awp_strbuf p = AWP_STRBUF_INIT;
	aws_xml_doc *doc = NULL;
	awp_aws_list *l = NULL;
	int err;
	if ((err = param(&p, "InstanceSpecification.InstanceId", instance_id)) < 0 ||
	    (err = param(&p, "InstanceSpecification.ExcludeBootVolume", "false")) < 0 ||
	    (description && (err = param(&p, "Description", description)) < 0) ||
	    (err = param_tagspec(&p, "snapshot", tags, ntags)) < 0 ||
	    (err = call_xml(c, "CreateSnapshots", awp_strbuf_cstr(&p), &doc)) < 0)
		goto done;
	if (!(l = list_new())) {
		err = AWP_ENOMEM;
		goto done;
	}
	awp_arena *a = &((list_priv *)l->priv)->arena;
	const aws_xml_node *set = aws_xml_child(doc->root, "snapshotSet");
	for (const aws_xml_node *it = set ? aws_xml_child(set, "item") : NULL; it; it = aws_xml_next_same(it)) {
		const char **slot = list_add(l, sizeof(*slot));
		if (!slot || !(*slot = dup_text(a, it, "snapshotId"))) {
			err = AWP_ENOMEM;
			goto done;
		}
	}
	*out = l;
	l = NULL;
done:
	awp_aws_list_free(l);
	aws_xml_free(doc);
	awp_strbuf_free(&p);
	return err;
}

AWP_EXTERN int awp_aws_delete_snapshot(awp_aws_client *c, const char *snapshot_id)
{
	awp_strbuf p = AWP_STRBUF_INIT;
	int err = param(&p, "SnapshotId", snapshot_id);
	if (err < 0) {
		awp_strbuf_free(&p);
		return err;
	}
	return simple_call(c, "DeleteSnapshot", &p, NULL, NULL);
}

AWP_EXTERN int awp_aws_create_tags(awp_aws_client *c, const char *resource_id, const awp_aws_tag *tags, size_t ntags)
{
	awp_strbuf p = AWP_STRBUF_INIT;
	char name[64];
	int err = param(&p, "ResourceId.1", resource_id);
	for (size_t i = 0; i < ntags && err >= 0; i++) {
		snprintf(name, sizeof name, "Tag.%zu.Key", i + 1);
		if ((err = param(&p, name, tags[i].key)) < 0)
			break;
		snprintf(name, sizeof name, "Tag.%zu.Value", i + 1);
		err = param(&p, name, tags[i].value ? tags[i].value : "");
	}
	if (err < 0) {
		awp_strbuf_free(&p);
		return err;
	}
	return simple_call(c, "CreateTags", &p, NULL, NULL);
}

AWP_EXTERN int awp_aws_share_snapshot(awp_aws_client *c, const char *snapshot_id, const char *account_id, int remove)
{
	awp_strbuf p = AWP_STRBUF_INIT;
	int err;
	if ((err = param(&p, "SnapshotId", snapshot_id)) < 0 ||
	    (err = param(&p, "Attribute", "createVolumePermission")) < 0 ||
	    (err = param(&p, "OperationType", remove ? "remove" : "add")) < 0 ||
	    (err = param(&p, "UserId.1", account_id)) < 0) {
		awp_strbuf_free(&p);
		return err;
	}
	return simple_call(c, "ModifySnapshotAttribute", &p, NULL, NULL);
}

AWP_EXTERN int awp_aws_copy_snapshot(char **out_id, awp_aws_client *c, const char *source_region,
				     const char *snapshot_id, const char *kms_key_id, const char *description,
				     const awp_aws_tag *tags, size_t ntags)
{
	awp_strbuf p = AWP_STRBUF_INIT;
	int err;
	if ((err = param(&p, "SourceRegion", source_region ? source_region : c->region)) < 0 ||
	    (err = param(&p, "SourceSnapshotId", snapshot_id)) < 0 ||
	    (description && (err = param(&p, "Description", description)) < 0) ||
	    (kms_key_id && *kms_key_id &&
	     ((err = param(&p, "Encrypted", "true")) < 0 || (err = param(&p, "KmsKeyId", kms_key_id)) < 0)) ||
	    (err = param_tagspec(&p, "snapshot", tags, ntags)) < 0) {
		awp_strbuf_free(&p);
		return err;
	}
	return simple_call(c, "CopySnapshot", &p, "snapshotId", out_id);
}
