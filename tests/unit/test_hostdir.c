/*
 * Host-directory backend and the generic layer: lookup, symlink confinement,
 * walker (order, hard links), reads.
 */
#include "harness.h"
#include "fscompare.h"

#include <awp/walk.h>

#include <stdlib.h>

static int count_cb(awp_fs *fs, const awp_walk_entry *e, void *payload)
{
	(void)fs;
	size_t *n = payload;
	n[0]++;
	if (e->hardlink_repeat)
		n[1]++;
	return 0;
}

void test_main(void)
{
	char *dir = test_tmpdir();
	CHECK(dir != NULL);
	CHECK(test_sh("cd %s && mkdir -p a/b etc && printf 'hello\\n' > a/b/f.txt && ln a/b/f.txt a/hard "
		      "&& ln -s /a/b/f.txt abs && ln -s ../../../../etc/passwd a/escape && ln -s loop1 loop2 "
		      "&& ln -s loop2 loop1 && printf 'ID=test\\n' > etc/os-release", dir) == 0);
	awp_fs *fs = NULL;
	CHECK_OK(awp_fs_open_dir(&fs, dir));
	awp_stat st;
	CHECK_OK(awp_fs_lookup(fs, "/a/b/f.txt", 1, &st));
	CHECK_EQ_INT(st.size, 6);
	CHECK_EQ_INT(st.type, AWP_FT_REG);
	/* An absolute symlink resolves inside the directory, not on the host. */
	CHECK_OK(awp_fs_lookup(fs, "/abs", 1, &st));
	CHECK_EQ_INT(st.size, 6);
	CHECK_OK(awp_fs_lookup(fs, "/abs", 0, &st));
	CHECK_EQ_INT(st.type, AWP_FT_SYMLINK);
	/* ".." never climbs above the root: escape resolves to <dir>/etc/passwd, absent. */
	CHECK_EQ_INT(awp_fs_lookup(fs, "/a/escape", 1, &st), AWP_ENOTFOUND);
	CHECK_EQ_INT(awp_fs_lookup(fs, "/loop1", 1, &st), AWP_ELIMIT);
	char *data = NULL;
	size_t len = 0;
	CHECK_OK(awp_fs_read_file(fs, "/a/../a/./b/f.txt", 100, &data, &len));
	CHECK_EQ_STR(data, "hello\n");
	free(data);
	CHECK_EQ_INT(awp_fs_read_file(fs, "/a/b/f.txt", 3, &data, &len), AWP_ELIMIT);

	size_t n[2] = {0, 0};
	CHECK_OK(awp_fs_walk(fs, NULL, count_cb, n));
	CHECK_EQ_INT(n[0], 11); /* / a a/b f.txt hard abs escape loop1 loop2 etc os-release */
	CHECK_EQ_INT(n[1], 1);  /* the hard link's second name */

	fscompare_result r;
	awp_fs *fs2 = NULL;
	CHECK_OK(awp_fs_open_dir(&fs2, dir));
	CHECK_OK(fscompare(fs, fs2, FSCMP_MODE | FSCMP_OWNER | FSCMP_MTIME, NULL, &r));
	CHECK_EQ_INT(r.mismatches, 0);
	CHECK_EQ_INT(r.files, 3);
	awp_fs_free(fs2);
	awp_fs_free(fs);
	test_rmtree(dir);
	free(dir);
}
