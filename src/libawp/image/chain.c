/*
 * image/chain.c - helpers shared by the image backends: backing/parent file
 * chains (path resolution, loop and depth checks) and libyal error text.
 *
 * A chain is a stack-allocated linked list from the innermost (most recently
 * opened) image back to the one the user named; each link records the file's
 * device and inode so that a backing file naming any image above it is a
 * loop, whatever path spelling it uses.
 */
#include "image/image_int.h"

#include "util/error.h"
#include "util/mem.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int awp_image_chain_push(awp_image_chain *self, const awp_image_chain *chain, const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return awp_error_errno(errno, "%s", path);
	for (const awp_image_chain *c = chain; c; c = c->child) {
		if (c->dev == st.st_dev && c->ino == st.st_ino)
			return awp_error_set(AWP_ELIMIT, "%s: backing file chain loops back to an image already opened",
					     path);
	}
	self->child = chain;
	self->dev = st.st_dev;
	self->ino = st.st_ino;
	self->depth = chain ? chain->depth + 1 : 0;
	if (self->depth > AWP_MAX_IMAGE_CHAIN)
		return awp_error_set(AWP_ELIMIT, "%s: backing file chain is deeper than %d images", path,
				     AWP_MAX_IMAGE_CHAIN);
	return 0;
}

char *awp_image_resolve_path(const char *image_path, const char *name)
{
	if (name[0] == '/')
		return awp_strdup(name);
	const char *slash = strrchr(image_path, '/');
	if (!slash)
		return awp_strdup(name);
	return awp_asprintf("%.*s/%s", (int)(slash - image_path), image_path, name);
}

int awp_image_yal_error(int code, const char *what, char *msg)
{
	/* libyal messages may span lines (one per call level); keep one line. */
	for (char *p = msg; *p; p++) {
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	}
	size_t n = strlen(msg);
	while (n > 0 && msg[n - 1] == ' ')
		msg[--n] = '\0';
	return awp_error_set(code, "%s: %s", what, msg[0] ? msg : "unknown error");
}
