/*
 * report/sbom.c - awp_sbom_write(): the common part of every SBOM format
 * (document UUID, timestamp, options), then the format's writer.
 */
#include "report/sbom_int.h"

#include "util/error.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

AWP_EXTERN int awp_sbom_format_parse(awp_sbom_format *out, const char *name)
{
	if (!name)
		return AWP_EINVAL;
	if (strcmp(name, "cyclonedx") == 0)
		*out = AWP_SBOM_CYCLONEDX;
	else if (strcmp(name, "spdx") == 0)
		*out = AWP_SBOM_SPDX;
	else if (strcmp(name, "json") == 0)
		*out = AWP_SBOM_JSON;
	else
		return awp_error_set(AWP_EINVAL, "unknown SBOM format \"%s\" (cyclonedx, spdx, json)", name);
	return 0;
}

/* A random (version 4) UUID from /dev/urandom. */
int awp_sbom_random_uuid(char out[37])
{
	unsigned char b[16];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return awp_error_errno(AWP_EIO, "/dev/urandom");
	ssize_t n = read(fd, b, sizeof b);
	close(fd);
	if (n != (ssize_t)sizeof b)
		return awp_error_set(AWP_EIO, "/dev/urandom: short read");
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
		 b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
	return 0;
}

AWP_EXTERN int awp_sbom_write(char **out, size_t *out_len, const awp_inventory *inv, const awp_sbom_options *opts)
{
	awp_sbom_options defaults = AWP_SBOM_OPTIONS_INIT;
	if (!opts)
		opts = &defaults;
	if (!out || !inv || opts->version != AWP_SBOM_OPTIONS_VERSION)
		return awp_error_set(AWP_EINVAL, "awp_sbom_write: bad arguments");
	sbom_ctx c = {inv, opts, opts->target_name ? opts->target_name : "unknown", "", "", NULL, NULL};
	int err;
	if (opts->uuid) {
		if (strlen(opts->uuid) != 36)
			return awp_error_set(AWP_EINVAL, "awp_sbom_write: uuid must be 36 characters");
		memcpy(c.uuid, opts->uuid, 37);
	} else if ((err = awp_sbom_random_uuid(c.uuid)) < 0) {
		return err;
	}
	if (opts->timestamp) {
		snprintf(c.timestamp, sizeof c.timestamp, "%s", opts->timestamp);
	} else {
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(c.timestamp, sizeof c.timestamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	awp_strbuf sb = AWP_STRBUF_INIT;
	awp_jsonw w;
	awp_jsonw_init(&w, &sb, opts->pretty);
	switch (opts->format) {
	case AWP_SBOM_CYCLONEDX: awp_sbom_cyclonedx(&w, &c); break;
	case AWP_SBOM_SPDX: awp_sbom_spdx(&w, &c); break;
	case AWP_SBOM_JSON: awp_sbom_json(&w, &c); break;
	default:
		return awp_error_set(AWP_EINVAL, "awp_sbom_write: unknown format %d", (int)opts->format);
	}
	if (w.err < 0 || awp_strbuf_putc(&sb, '\n') < 0) {
		awp_strbuf_free(&sb);
		return AWP_ENOMEM;
	}
	if (out_len)
		*out_len = sb.len;
	*out = awp_strbuf_detach(&sb);
	return 0;
}
