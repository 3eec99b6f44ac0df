/*
 * fs/ext_io.c - a read-only libext2fs io_manager over an awp_source.
 *
 * ext2fs_open2() takes a device name and an io_manager; our name carries the
 * address of the struct ext_io that owns the source ("awp-source:%p", which
 * sscanf("%p") turns back into the same pointer, as C guarantees). Writes
 * are refused. A failed source read is kept in the ext_io (code and message)
 * and reported to libext2fs as EXT2_ET_SHORT_READ, so the backend can give
 * the user the source's own message instead of "short read".
 */
#include "fs/ext_int.h"

#include <awp/source.h>

#include "util/bytes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define NAME_PREFIX "awp-source:"

void awp_ext_io_name(char *buf, size_t len, struct ext_io *io)
{
	snprintf(buf, len, NAME_PREFIX "%p", (void *)io);
}

static errcode_t io_open(const char *name, int flags, io_channel *channel)
{
	void *p = NULL;
	if (!name || strncmp(name, NAME_PREFIX, strlen(NAME_PREFIX)) != 0 ||
	    sscanf(name + strlen(NAME_PREFIX), "%p", &p) != 1 || !p)
		return EXT2_ET_BAD_DEVICE_NAME;
	if (flags & IO_FLAG_RW)
		return EXT2_ET_RO_FILSYS;
	io_channel ch = calloc(1, sizeof(*ch));
	if (!ch)
		return EXT2_ET_NO_MEMORY;
	ch->name = strdup(name);
	if (!ch->name) {
		free(ch);
		return EXT2_ET_NO_MEMORY;
	}
	ch->magic = EXT2_ET_MAGIC_IO_CHANNEL;
	ch->manager = awp_ext_io_manager();
	ch->block_size = 1024;
	ch->refcount = 1;
	ch->private_data = p;
	*channel = ch;
	return 0;
}

static errcode_t io_close(io_channel ch)
{
	if (--ch->refcount > 0)
		return 0;
	free(ch->name);
	free(ch);
	return 0;
}

static errcode_t io_set_blksize(io_channel ch, int blksize)
{
	if (blksize <= 0)
		return EXT2_ET_INVALID_ARGUMENT;
	ch->block_size = blksize;
	return 0;
}

static void keep_error(struct ext_io *io, int err)
{
	io->err = err;
	snprintf(io->msg, sizeof io->msg, "%s", awp_error_last());
}

/* Make sure block `block` (of bs bytes) is in the cache; its copy there, or
 * NULL when the cache cannot be had (no memory) or the read failed (*err).
 * `ahead`: how many blocks from `block` on the caller knows to be the same
 * kind of metadata (the rest of a directory's extent, the used part of an
 * inode table); they are read with it when the access looks sequential,
 * one call instead of one per block. */
static const unsigned char *cache_fill(struct ext_io *io, uint64_t block, uint32_t bs, uint64_t ahead, int seq_only,
				       int *err)
{
	*err = 0;
	if (io->cache && io->cache_bs != bs) {
		munmap(io->cache, io->cache_len);
		io->cache = NULL;
	}
	if (!io->cache) {
		/* mapped and filled in one call: page by page, first touches of
		 * the cache were a third of an inventory's page faults */
		io->cache_len = (size_t)AWP_EXT_IO_CACHE_SLOTS * (size_t)bs;
		void *m = mmap(NULL, io->cache_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		io->cache = m == MAP_FAILED ? NULL : m;
		io->cache_bs = bs;
		memset(io->cache_tag, 0, sizeof io->cache_tag);
		if (!io->cache)
			return NULL;
	}
	size_t slot = (size_t)(block % AWP_EXT_IO_CACHE_SLOTS);
	if (io->cache_tag[slot] == block + 1)
		return io->cache + slot * bs;
	/* Sequential: a miss on the block after the previous miss's last one,
	 * or after a block still in the cache (an inode table walked in inode
	 * order). Scattered inode reads stay single. */
	uint64_t ra = 1, total = awp_source_size(io->src) / bs;
	int seq = block > 0 && (block == io->last_miss || io->cache_tag[(block - 1) % AWP_EXT_IO_CACHE_SLOTS] == block);
	if (ahead > 1 && (seq || !seq_only)) {
		ra = ahead < AWP_EXT_IO_READAHEAD ? ahead : AWP_EXT_IO_READAHEAD;
		if (block >= total)
			ra = 1;
		else if (total - block < ra)
			ra = total - block;
	}
	/* the run goes straight into its slots when they do not wrap around */
	if (slot + ra > AWP_EXT_IO_CACHE_SLOTS)
		ra = AWP_EXT_IO_CACHE_SLOTS - slot;
	for (uint64_t i = 0; i < ra; i++)
		io->cache_tag[slot + i] = 0;
	*err = awp_source_read(io->src, io->cache + slot * bs, (size_t)(ra * bs), block * bs);
	io->last_miss = block + ra; /* the block a sequential run misses next */
	if (*err < 0) {
		keep_error(io, *err);
		return NULL;
	}
	for (uint64_t i = 0; i < ra; i++)
		io->cache_tag[slot + i] = block + i + 1;
	return io->cache + slot * bs;
}

const unsigned char *awp_ext_io_block(struct ext_io *io, uint64_t block, uint32_t bs, uint64_t ahead, int seq_only)
{
	uint64_t off;
	if (bs == 0 || bs > 65536 || awp_mul_overflow(block, (uint64_t)bs, &off))
		return NULL;
	int err;
	return cache_fill(io, block, bs, ahead, seq_only, &err);
}

static errcode_t io_read64(io_channel ch, unsigned long long block, int count, void *data)
{
	struct ext_io *io = ch->private_data;
	uint64_t size = count < 0 ? (uint64_t)(-(int64_t)count) : (uint64_t)count * (uint64_t)ch->block_size;
	uint64_t off;
	if (awp_mul_overflow(block, (uint64_t)ch->block_size, &off) || size > SIZE_MAX) {
		io->err = AWP_ECORRUPT;
		snprintf(io->msg, sizeof io->msg, "block %llu is out of range", block);
		return EXT2_ET_SHORT_READ;
	}
	if (size == 0)
		return 0;
	if (count == 1 && ch->block_size > 0 && ch->block_size <= 65536) {
		int err;
		/* libext2fs's own single-block reads (what our fast paths leave to
		 * it): no read-ahead, it does not say what follows */
		const unsigned char *b = cache_fill(io, block, (uint32_t)ch->block_size, 1, 1, &err);
		if (b) {
			memcpy(data, b, (size_t)size);
			return 0;
		}
		if (err < 0)
			return EXT2_ET_SHORT_READ;
		/* no memory for the cache: read without it */
	}
	int err = awp_source_read(io->src, data, (size_t)size, off);
	if (err < 0) {
		keep_error(io, err);
		return EXT2_ET_SHORT_READ;
	}
	return 0;
}

void awp_ext_io_release(struct ext_io *io)
{
	if (io->cache)
		munmap(io->cache, io->cache_len);
	io->cache = NULL;
}

static errcode_t io_read(io_channel ch, unsigned long block, int count, void *data)
{
	return io_read64(ch, block, count, data);
}

static errcode_t io_write(io_channel ch, unsigned long block, int count, const void *data)
{
	return EXT2_ET_RO_FILSYS;
}

static errcode_t io_write64(io_channel ch, unsigned long long block, int count, const void *data)
{
	return EXT2_ET_RO_FILSYS;
}

static errcode_t io_write_byte(io_channel ch, unsigned long offset, int count, const void *data)
{
	return EXT2_ET_RO_FILSYS;
}

static errcode_t io_flush(io_channel ch)
{
	return 0;
}

static errcode_t io_set_option(io_channel ch, const char *option, const char *arg)
{
	return EXT2_ET_INVALID_ARGUMENT;
}

static struct struct_io_manager manager = {
	.magic = EXT2_ET_MAGIC_IO_MANAGER,
	.name = "awp source",
	.open = io_open,
	.close = io_close,
	.set_blksize = io_set_blksize,
	.read_blk = io_read,
	.write_blk = io_write,
	.flush = io_flush,
	.write_byte = io_write_byte,
	.set_option = io_set_option,
	.read_blk64 = io_read64,
	.write_blk64 = io_write64,
};

io_manager awp_ext_io_manager(void)
{
	return &manager;
}
