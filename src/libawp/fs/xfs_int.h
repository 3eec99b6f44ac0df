/*
 * fs/xfs_int.h - private to the XFS reader (fs/xfs*.c).
 *
 * On-disk layout facts follow the kernel's fs/xfs/libxfs/xfs_format.h,
 * xfs_da_format.h and "XFS Algorithms & Data Structures". Every multi-byte
 * field of XFS metadata is big-endian.
 */
#ifndef AWP_FS_XFS_INT_H
#define AWP_FS_XFS_INT_H

#include <awp/sys/fs.h>

#include <stddef.h>
#include <stdint.h>

/* --- limits for untrusted input ------------------------------------------ */

/* Extents kept in memory for one file (24 bytes each: 48 MiB worst case). */
#define AWP_MAX_XFS_EXTENTS (2u * 1024 * 1024)
/* bmbt depth: XFS itself needs at most ~9 levels for 2^54 blocks. */
#define AWP_MAX_XFS_BTREE_LEVELS 10
/* bmbt blocks visited for one file (stops DAG-shaped damage from exploding). */
#define AWP_MAX_XFS_BTREE_BLOCKS (1u * 1024 * 1024)
/* Directory data blocks read in one readdir (4 GiB of entries at 4 KiB). */
#define AWP_MAX_XFS_DIR_BLOCKS (1u * 1024 * 1024)
/* Longest symlink target XFS stores (XFS_SYMLINK_MAXLEN). */
#define AWP_MAX_XFS_SYMLINK 1024
/* AG count: real filesystems stay far below; caps per-AG arithmetic. */
#define AWP_MAX_XFS_AGCOUNT (1u << 24)

/* --- on-disk constants ---------------------------------------------------- */

#define XFS_SB_MAGIC 0x58465342u     /* "XFSB" */
#define XFS_DINODE_MAGIC 0x494eu     /* "IN" */
#define XFS_BMAP_MAGIC 0x424d4150u   /* "BMAP" (v4 bmbt block) */
#define XFS_BMAP3_MAGIC 0x424d4133u  /* "BMA3" (v5 bmbt block) */
#define XFS_DIR2_BLOCK_MAGIC 0x58443242u /* "XD2B" */
#define XFS_DIR2_DATA_MAGIC 0x58443244u  /* "XD2D" */
#define XFS_DIR3_BLOCK_MAGIC 0x58444233u /* "XDB3" */
#define XFS_DIR3_DATA_MAGIC 0x58444433u  /* "XDD3" */
#define XFS_SYMLINK_MAGIC 0x58534c4du    /* "XSLM" */

/* Data fork formats (di_format). */
enum { XFS_DINODE_FMT_DEV = 0, XFS_DINODE_FMT_LOCAL, XFS_DINODE_FMT_EXTENTS, XFS_DINODE_FMT_BTREE };

/* Directory data blocks live below this byte offset of the directory. */
#define XFS_DIR2_LEAF_OFFSET (32ull << 30)

/* --- context --------------------------------------------------------------- */

typedef struct xfs_ctx {
	awp_source *src;
	const char *name;        /* fs name for messages (owned by the front end) */
	uint64_t src_size;
	uint32_t blocksize, blocklog;
	uint32_t sectsize;
	uint32_t inodesize, inodelog, inopblog;
	uint32_t agblocks, agcount, agblklog;
	uint64_t dblocks;
	uint32_t dirblksize;     /* blocksize << dirblklog */
	int v5;                  /* crc-enabled (v5) superblock */
	int has_ftype;           /* directory entries carry a file type byte */
	int nrext64;             /* large extent counters may be in use */
	int ascii_ci;            /* names hash case-insensitively (lookup scans) */
	uint64_t rootino;
	char label[13];
	char uuid[37];
	/* One cached filesystem block of inodes (stat, readdir and open often
	 * touch the same inode in a row). */
	uint64_t icache_blk;     /* linear block number + 1, 0 when empty */
	unsigned char *icache;
} xfs_ctx;

/* One mapping: file blocks [off, off+len) at byte `phys` of the source. */
typedef struct xfs_extent {
	uint64_t off;            /* file offset in filesystem blocks */
	uint64_t phys;           /* byte offset on the source */
	uint32_t len;            /* blocks */
	uint32_t unwritten;
} xfs_extent;

typedef struct xfs_extmap {
	xfs_extent *v;
	size_t n, cap;
} xfs_extmap;

/* A parsed inode: core fields plus a copy of the data fork. */
typedef struct xfs_inode {
	uint64_t ino;
	uint16_t mode;
	uint8_t version, format;
	uint32_t uid, gid, nlink;
	uint64_t size, nblocks;
	uint64_t nextents;
	int64_t mtime;
	uint32_t mtime_nsec;
	uint16_t flags;
	uint64_t flags2;
	const unsigned char *fork; /* points into `buf` */
	size_t forksize;
	unsigned char buf[2048]; /* the raw inode (inodesize <= 2048) */
} xfs_inode;

/* xfs.c */
int xfs_inode_read(xfs_ctx *x, uint64_t ino, xfs_inode *ip);
int xfs_fsb_to_phys(const xfs_ctx *x, uint64_t fsb, uint64_t len, uint64_t *phys);

/* xfs_bmap.c */
int xfs_extmap_build(xfs_ctx *x, const xfs_inode *ip, xfs_extmap *map);
void xfs_extmap_free(xfs_extmap *map);
/* Read len bytes at byte offset off of a file mapped by `map`; holes and
 * unwritten extents read as zeros. The range must be inside the file. */
int xfs_extmap_read(xfs_ctx *x, const xfs_extmap *map, uint64_t ino, void *buf, size_t len, uint64_t off);
/* Parse one packed 128-bit bmbt record (exposed for unit tests). */
void xfs_bmbt_unpack(const unsigned char *rec, uint64_t *startoff, uint64_t *startblock, uint32_t *count,
		     int *unwritten);
int xfs_file_open(void *ctx, uint64_t ino, void **fh, uint64_t *size);
int xfs_file_read(void *fh, void *buf, size_t len, uint64_t off, size_t *nread);
void xfs_file_close(void *fh);

/* xfs_dir.c */
int xfs_readdir(void *ctx, uint64_t dir_ino, awp_dirent_cb cb, void *payload);
int xfs_lookup(void *ctx, uint64_t dir_ino, const char *name, uint64_t *ino);

#endif
