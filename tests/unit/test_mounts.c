/*
 * The mount-table filesystem (fs/mounts.c): three ext4 images built with
 * mkfs.ext4 -d - the root, /var and /var/log (nested) - assembled into one
 * tree that must equal a host directory holding all three trees in place;
 * symlinks that cross mounts; ".." out of a mounted filesystem; a mount
 * point that does not exist is left out; bad tables are refused.
 */
#include "harness.h"
#include "fscompare.h"

#include <awp/walk.h>

#include <stdlib.h>

static awp_fs *open_img(const char *dir, const char *name, awp_source **src)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s.img", dir, name);
	awp_fs *fs = NULL;
	CHECK_OK(awp_source_open(src, path));
	if (*src)
		CHECK_OK(awp_fs_open(&fs, *src, name));
	return fs;
}

static int count_cb(awp_fs *fs, const awp_walk_entry *e, void *payload)
{
	(void)fs, (void)e;
	(*(size_t *)payload)++;
	return 0;
}

void test_main(void)
{
	char *dir = test_tmpdir();
	CHECK(dir != NULL);
	if (test_sh("command -v mkfs.ext4 >/dev/null") != 0)
		test_skip("mkfs.ext4 not installed");
	CHECK(test_sh("cd %s && mkdir -p root/etc root/var root/usr/bin root/opt var/lib/dpkg var/log var/run-real log && "
		      "printf 'ID=debian\\n' > root/etc/os-release && printf 'bin' > root/usr/bin/tool && "
		      "ln -s /var/lib/dpkg/status root/etc/status-link && ln -s ../usr/bin/tool root/opt/rel && "
		      "printf 'Package: a\\n' > var/lib/dpkg/status && printf 'covered' > var/log/hidden && "
		      "ln -s ../../etc/os-release var/lib/up && ln -s /usr/bin/tool var/abs && "
		      "printf 'syslog line\\n' > log/syslog && "
		      "for t in root var log; do mkfs.ext4 -q -F -d $t $t.img 8M >/dev/null 2>&1 || exit 1; done && "
		      /* the expected tree: log replaces var/log, var replaces root/var */
		      "mkdir -p all && cp -a root/. all/ && cp -a var/. all/var/ && rm -rf all/var/log && "
		      "mkdir all/var/log && cp -a log/. all/var/log/ && rm -rf root var log",
		      dir) == 0);
	awp_source *s1 = NULL, *s2 = NULL, *s3 = NULL;
	awp_fs *root = open_img(dir, "root", &s1), *var = open_img(dir, "var", &s2), *log = open_img(dir, "log", &s3);
	if (!root || !var || !log)
		return;

	/* given in any order; /var/log lies on /var */
	awp_fs_mount m[] = {{"/var/log/", log}, {"/", root}, {"/var", var}, {"/srv/none", var}};
	int placed[4] = {0};
	awp_fs *fs = NULL;
	CHECK_OK(awp_fs_open_mounts(&fs, m, 4, "machine", placed));
	if (!fs)
		return;
	CHECK_EQ_INT(placed[0], 1);
	CHECK_EQ_INT(placed[1], 1);
	CHECK_EQ_INT(placed[2], 1);
	CHECK_EQ_INT(placed[3], 0); /* /srv does not exist on the root */
	CHECK_EQ_STR(awp_fs_info_get(fs)->type, "ext4");

	char all[512];
	snprintf(all, sizeof all, "%s/all", dir);
	awp_fs *host = NULL;
	CHECK_OK(awp_fs_open_dir(&host, all));
	fscompare_result r;
	/* lost+found of each filesystem is not in the host tree */
	const char *const ignore[] = {"/lost+found", "/var/lost+found", "/var/log/lost+found", NULL};
	CHECK_OK(fscompare(host, fs, 0, ignore, &r));
	CHECK_EQ_INT(r.mismatches, 0);
	CHECK_EQ_INT(r.files, 4);
	CHECK_EQ_INT(r.symlinks, 4);

	awp_stat st;
	char *data = NULL;
	size_t len = 0;
	CHECK_OK(awp_fs_read_file(fs, "/etc/status-link", 100, &data, &len)); /* root -> /var */
	CHECK_EQ_STR(data, "Package: a\n");
	free(data);
	data = NULL;
	CHECK_OK(awp_fs_read_file(fs, "/var/abs", 100, &data, &len)); /* /var -> root, absolute */
	CHECK_EQ_STR(data, "bin");
	free(data);
	data = NULL;
	CHECK_OK(awp_fs_read_file(fs, "/var/lib/up", 100, &data, &len)); /* ".." out of /var */
	CHECK_EQ_STR(data, "ID=debian\n");
	free(data);
	data = NULL;
	CHECK_OK(awp_fs_read_file(fs, "/var/log/../log/syslog", 100, &data, &len));
	CHECK_EQ_STR(data, "syslog line\n");
	free(data);
	/* the directory under the mount is hidden, as on Linux */
	CHECK_EQ_INT(awp_fs_lookup(fs, "/var/log/hidden", 1, &st), AWP_ENOTFOUND);
	CHECK_OK(awp_fs_lookup(fs, "/var/log", 1, &st));
	CHECK_EQ_INT(st.type, AWP_FT_DIR);
	size_t n = 0;
	CHECK_OK(awp_fs_walk(fs, NULL, count_cb, &n));
	CHECK(n >= r.entries);
	CHECK_EQ_INT(awp_fs_walk_errors(fs), 0);

	/* refused tables */
	awp_fs *bad = NULL;
	awp_fs_mount noroot[] = {{"/var", var}};
	CHECK_EQ_INT(awp_fs_open_mounts(&bad, noroot, 1, "x", NULL), AWP_EINVAL);
	awp_fs_mount rel[] = {{"/", root}, {"var", var}};
	CHECK_EQ_INT(awp_fs_open_mounts(&bad, rel, 2, "x", NULL), AWP_EINVAL);
	awp_fs_mount dots[] = {{"/", root}, {"/var/../etc", var}};
	CHECK_EQ_INT(awp_fs_open_mounts(&bad, dots, 2, "x", NULL), AWP_EINVAL);
	awp_fs_mount two[] = {{"/", root}, {"//", var}};
	CHECK_EQ_INT(awp_fs_open_mounts(&bad, two, 2, "x", NULL), AWP_EINVAL);

	awp_fs_free(fs);
	awp_fs_free(host);
	awp_fs_free(root);
	awp_fs_free(var);
	awp_fs_free(log);
	awp_source_free(s1);
	awp_source_free(s2);
	awp_source_free(s3);
	test_rmtree(dir);
	free(dir);
}
