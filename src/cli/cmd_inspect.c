/*
 * cli/cmd_inspect.c - `awp inspect TARGET`: the image format, the partition
 * table, every volume with its filesystem, and why any volume is not read.
 *
 * Exit: 0 when at least one filesystem was read, 1 when the target opened
 * but no filesystem could be read, 2 usage, 3 the target could not be opened.
 */
#include "cli.h"

#include <awp/target.h>

#include "util/jsonw.h"

#include <getopt.h>
#include <string.h>

static const char *status_name(awp_volume_status s)
{
	switch (s) {
	case AWP_VOLUME_READ: return "read";
	case AWP_VOLUME_SKIPPED: return "skipped";
	default: return "failed";
	}
}

static void print_json(awp_target *t)
{
	awp_strbuf sb = AWP_STRBUF_INIT;
	awp_jsonw w;
	awp_jsonw_init(&w, &sb, 1);
	awp_jsonw_object_begin(&w);
	awp_jsonw_kv_string(&w, "target", awp_target_path(t));
	awp_jsonw_kv_string(&w, "format", awp_target_format(t));
	awp_source *src = awp_target_source(t);
	awp_disk *disk = awp_target_disk(t);
	if (src)
		awp_jsonw_kv_uint(&w, "size_bytes", awp_source_size(src));
	if (disk) {
		awp_jsonw_key(&w, "partition_table");
		awp_jsonw_object_begin(&w);
		awp_jsonw_kv_string(&w, "scheme", awp_disk_scheme(disk));
		awp_jsonw_kv_string(&w, "id", awp_disk_id(disk));
		awp_jsonw_object_end(&w);
	}
	awp_jsonw_key(&w, "volumes");
	awp_jsonw_array_begin(&w);
	for (size_t i = 0; i < awp_target_volume_count(t); i++) {
		const awp_target_volume *tv = awp_target_volume_get(t, i);
		const awp_volume *v = tv->volume;
		awp_jsonw_object_begin(&w);
		awp_jsonw_kv_string(&w, "name", tv->name);
		if (v) {
			static const char *const kinds[] = {"whole_disk", "partition", "lvm"};
			awp_jsonw_kv_string(&w, "kind", kinds[v->kind]);
			if (v->number)
				awp_jsonw_kv_int(&w, "number", v->number);
			awp_jsonw_kv_uint(&w, "offset_bytes", v->offset);
			awp_jsonw_kv_uint(&w, "size_bytes", v->size);
			awp_jsonw_kv_string(&w, "type", v->type);
			awp_jsonw_kv_string(&w, "type_name", v->type_name);
			awp_jsonw_kv_string(&w, "part_name", v->part_name);
			awp_jsonw_kv_string(&w, "part_uuid", v->part_uuid);
			awp_jsonw_kv_string(&w, "detected", v->fs_type);
		}
		awp_jsonw_kv_string(&w, "status", status_name(tv->status));
		if (tv->status != AWP_VOLUME_READ) {
			awp_jsonw_kv_string(&w, "reason_code", tv->reason_code);
			awp_jsonw_kv_string(&w, "reason", tv->reason);
		}
		if (tv->fs) {
			const awp_fs_info *fi = awp_fs_info_get(tv->fs);
			awp_jsonw_key(&w, "filesystem");
			awp_jsonw_object_begin(&w);
			awp_jsonw_kv_string(&w, "type", fi->type);
			awp_jsonw_kv_string(&w, "label", fi->label);
			awp_jsonw_kv_string(&w, "uuid", fi->uuid);
			awp_jsonw_kv_uint(&w, "size_bytes", fi->size_bytes);
			awp_jsonw_kv_uint(&w, "used_bytes", fi->used_bytes);
			awp_jsonw_kv_uint(&w, "block_size", fi->block_size);
			if (fi->warning)
				awp_jsonw_kv_string(&w, "warning", fi->warning);
			awp_jsonw_object_end(&w);
		}
		awp_jsonw_kv_bool(&w, "root", tv->is_root);
		awp_jsonw_object_end(&w);
	}
	awp_jsonw_array_end(&w);
	awp_jsonw_key(&w, "warnings");
	awp_jsonw_array_begin(&w);
	for (size_t i = 0; disk && i < awp_disk_warning_count(disk); i++)
		awp_jsonw_string(&w, awp_disk_warning(disk, i));
	awp_jsonw_array_end(&w);
	awp_jsonw_object_end(&w);
	fputs(awp_strbuf_cstr(&sb), stdout);
	fputc('\n', stdout);
	awp_strbuf_free(&sb);
}

static void print_text(awp_target *t)
{
	char b1[32], b2[32], b3[32];
	awp_source *src = awp_target_source(t);
	awp_disk *disk = awp_target_disk(t);
	printf("target:    %s\n", awp_target_path(t));
	if (src)
		printf("format:    %s, %s (%llu bytes)\n", awp_target_format(t),
		       cli_human_size(awp_source_size(src), b1, sizeof b1), (unsigned long long)awp_source_size(src));
	else
		printf("format:    %s\n", awp_target_format(t));
	if (disk)
		printf("partition: %s%s%s\n", awp_disk_scheme(disk), awp_disk_id(disk)[0] ? ", id " : "",
		       awp_disk_id(disk));
	printf("\n%-10s %12s %10s  %-18s %-7s %-8s %s\n", "VOLUME", "START", "SIZE", "TYPE", "FS", "STATUS", "DETAILS");
	for (size_t i = 0; i < awp_target_volume_count(t); i++) {
		const awp_target_volume *tv = awp_target_volume_get(t, i);
		const awp_volume *v = tv->volume;
		const char *fs = tv->fs ? awp_fs_info_get(tv->fs)->type : (v && v->fs_type[0] ? v->fs_type : "-");
		char start[32] = "-", size[32] = "-";
		if (v) {
			snprintf(start, sizeof start, "%llu", (unsigned long long)v->offset);
			cli_human_size(v->size, size, sizeof size);
		}
		const char *type = v ? (v->type_name[0] ? v->type_name : v->type) : "directory";
		printf("%-10s %12s %10s  %-18.18s %-7s %-8s ", tv->name, start, size, type[0] ? type : "-", fs,
		       status_name(tv->status));
		if (tv->fs) {
			const awp_fs_info *fi = awp_fs_info_get(tv->fs);
			if (fi->label[0])
				printf("label=%s ", fi->label);
			if (fi->uuid[0])
				printf("uuid=%s ", fi->uuid);
			if (fi->size_bytes)
				printf("used=%s/%s ", cli_human_size(fi->used_bytes, b2, sizeof b2),
				       cli_human_size(fi->size_bytes, b3, sizeof b3));
			if (tv->is_root)
				printf("[root]");
			printf("\n");
			if (fi->warning)
				printf("%-10s warning: %s\n", "", fi->warning);
		} else {
			printf("%s: %s\n", tv->reason_code, tv->reason);
		}
	}
	size_t nw = disk ? awp_disk_warning_count(disk) : 0;
	if (nw) {
		printf("\nwarnings:\n");
		for (size_t i = 0; i < nw; i++)
			printf("  %s\n", awp_disk_warning(disk, i));
	}
	if (awp_target_root(t) < 0)
		printf("\nno root filesystem found (no readable volume holds /etc/os-release)\n");
}

static void usage(FILE *out)
{
	fprintf(out, "usage: awp inspect [--json] TARGET\n\n"
		     "Show what a disk image, block device or directory holds: image format\n"
		     "(raw, qcow2, vmdk, vhd, vhdx), partition table (GPT, MBR), LVM logical\n"
		     "volumes, and each filesystem (type, label, UUID, size, used), marking the\n"
		     "root. Every volume that is not read says why.\n\n"
		     "  --json     machine-readable output\n"
		     "  -h, --help this help\n\n"
		     "exit: 0 a filesystem was read, 1 none could be read, 2 usage, 3 cannot open\n");
}

int cmd_inspect(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {0}};
	int json = 0, c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		if (c == 'j')
			json = 1;
		else if (c == 'h') {
			usage(stdout);
			return AWP_EXIT_OK;
		} else {
			usage(stderr);
			return AWP_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return AWP_EXIT_USAGE;
	}
	awp_target *t = cli_open_target(argv[optind]);
	if (!t)
		return AWP_EXIT_FAILED;
	if (json)
		print_json(t);
	else
		print_text(t);
	int rc = awp_target_readable_count(t) ? AWP_EXIT_OK : AWP_EXIT_PARTIAL;
	awp_target_free(t);
	return rc;
}
