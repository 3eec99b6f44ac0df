/*
 * fs/ext_int.h - private to the ext2/3/4 backend (ext.c, ext_io.c,
 * ext_file.c).
 *
 * libext2fs parses metadata and directories; it reads through a custom
 * io_manager (ext_io.c) that forwards every block read to the awp_source
 * given to open, so the filesystem can sit on any image or volume layer.
 * File data never goes through libext2fs: ext_file.c maps logical blocks to
 * physical runs once per open file and reads each run with one source read.
 */
#ifndef AWP_FS_EXT_INT_H
#define AWP_FS_EXT_INT_H

#include <awp/sys/fs.h>

#include <ext2fs/ext2fs.h>

/* Largest directory read (bytes of i_size): 2 GiB is what the kernel can
 * build without the largedir feature; bigger means a damaged inode. */
#define AWP_MAX_EXT_DIR_SIZE (2ULL << 30)
/* Runs (contiguous extents) in one file's map: bounds memory (24 MiB) for a
 * damaged or absurdly fragmented file. */
#define AWP_MAX_EXT_RUNS (1u << 20)
/* Extent tree depth, as the kernel's EXT4_MAX_EXTENT_DEPTH. */
#define AWP_MAX_EXT_EXTENT_DEPTH 5
/* Longest symlink target read (PATH_MAX). */
#define AWP_MAX_EXT_SYMLINK 4096
/* Inline data lives in the inode plus one xattr (at most one 64 KiB block). */
#define AWP_MAX_EXT_INLINE (64u * 1024)
/* Longest error text kept from a failed source read. */
#define AWP_EXT_IO_MSG 256

/* State shared with the io_manager: the source and the last read failure. */
/* Single-block metadata reads (inode tables, directory and extent blocks)
 * come from libext2fs one block at a time and repeat a lot (an inode table
 * block holds 16 inodes): a small direct-mapped cache saves most of them. */
#define AWP_EXT_IO_CACHE_SLOTS 256
/* Blocks read at once when misses run sequentially (inode tables). */
#define AWP_EXT_IO_READAHEAD 8

struct ext_io {
	awp_source *src;
	int err;                      /* awp code of the last failed read, 0 if none */
	char msg[AWP_EXT_IO_MSG];     /* its message */
	unsigned char *cache;         /* SLOTS x cache_bs bytes, allocated on first use */
	uint32_t cache_bs;            /* block size the cache was filled with */
	size_t cache_len;             /* bytes mapped at cache */
	uint64_t cache_tag[AWP_EXT_IO_CACHE_SLOTS]; /* block number + 1; 0 = empty */
	uint64_t last_miss;           /* block a sequential run of misses reads next; 0 = none */
};

/* The cached copy of a metadata block, valid until the next read through
 * `io`; NULL when it cannot be read (io->err and io->msg say why) or there
 * is no memory for the cache. A miss reads up to `ahead` blocks from
 * `block` on (metadata of the same kind the caller will want: at most
 * AWP_EXT_IO_READAHEAD), only when the misses run sequentially if
 * `seq_only`. */
const unsigned char *awp_ext_io_block(struct ext_io *io, uint64_t block, uint32_t bs, uint64_t ahead, int seq_only);

/* Release the io cache (called when the filesystem closes). */
void awp_ext_io_release(struct ext_io *io);

/* One open filesystem. */
struct ext_fs {
	ext2_filsys fs;
	struct ext_io io;
	const char *name;             /* borrowed from the front end */
	char type[8];                 /* "ext2", "ext3", "ext4" */
	char label[20];
	char uuid[40];
	char warning[512];
	uint64_t blocks;              /* blocks_count */
	uint32_t bs;                  /* block size */
	unsigned char *dirblock;      /* a directory block being read (ext.c), allocated on first use */
	/* per group, built on first use (ext.c): the inode table's first block
	 * (0 when out of range: libext2fs's turn) and how many of its blocks
	 * hold inodes in use */
	uint64_t *itable;
	uint32_t *itable_used;
	int itable_state;             /* 0 not built, 1 built, -1 could not be (no memory) */
};

/* The io_manager (a static table) and the device name that makes it open
 * channel on `io` (ext2fs_open2 passes the name to io_manager->open). */
io_manager awp_ext_io_manager(void);
void awp_ext_io_name(char *buf, size_t len, struct ext_io *io);

/* Turn a libext2fs error into an awp code with a message naming the fs and
 * the inode (ino 0: none) and what was being done. */
int awp_ext_error(struct ext_fs *x, errcode_t e, uint64_t ino, const char *what);

/* An on-disk inode's checksum (isz bytes at raw, little endian) as
 * libext2fs's ext2fs_inode_csum_verify judges it: 1 good (or no
 * metadata_csum), 0 bad. */
int awp_ext_inode_csum_ok(ext2_filsys fs, uint64_t ino, const unsigned char *raw, unsigned isz);

/* Read an inode (large form) after checking its number. */
int awp_ext_read_inode(struct ext_fs *x, uint64_t ino, struct ext2_inode_large *out);

/* File data: a run map and reads (ext_file.c). */
int awp_ext_file_open(void *ctx, uint64_t ino, void **fh, uint64_t *size);
int awp_ext_file_read(void *fh, void *buf, size_t len, uint64_t off, size_t *nread);
void awp_ext_file_close(void *fh);
/* Open any inode's data (used for slow symlinks too). */
int awp_ext_data_open(struct ext_fs *x, uint64_t ino, struct ext2_inode_large *inode, void **fh);

#endif
