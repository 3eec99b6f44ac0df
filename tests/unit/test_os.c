/*
 * OS detection: os-release and each legacy fallback, on real trees.
 */
#include "harness.h"
#include "fscompare.h"

#include <awp/inventory.h>

#include <stdlib.h>

static void check_tree(const char *setup, const char *id, const char *ver, const char *code, int known)
{
	char *dir = test_tmpdir();
	CHECK(test_sh("cd %s && mkdir -p etc usr/lib && %s", dir, setup) == 0);
	awp_fs *fs = NULL;
	awp_inventory *inv = NULL;
	CHECK_OK(awp_fs_open_dir(&fs, dir));
	awp_inventory_options o = AWP_INVENTORY_OPTIONS_INIT;
	o.lang_packages = 0;
	CHECK_OK(awp_inventory_collect(&inv, fs, &o));
	if (inv) {
		const awp_os_info *os = awp_inventory_os(inv);
		CHECK_EQ_INT(os->known, known);
		CHECK_EQ_STR(os->id, id);
		CHECK_EQ_STR(os->version_id, ver);
		CHECK_EQ_STR(os->codename, code);
	}
	awp_inventory_free(inv);
	awp_fs_free(fs);
	test_rmtree(dir);
	free(dir);
}

void test_main(void)
{
	check_tree("printf 'PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\\nID=debian\\nVERSION_ID=\"12\"\\n"
		   "VERSION_CODENAME=bookworm\\n' > etc/os-release", "debian", "12", "bookworm", 1);
	/* /etc/os-release as a relative symlink to /usr/lib/os-release (RHEL family). */
	check_tree("printf 'ID=\"almalinux\"\\nVERSION_ID=\"9.2\"\\nID_LIKE=\"rhel centos fedora\"\\n' > usr/lib/os-release"
		   " && ln -s ../usr/lib/os-release etc/os-release", "almalinux", "9.2", "", 1);
	/* Only /usr/lib/os-release. */
	check_tree("printf \"ID='ubuntu'\\nVERSION_ID='22.04'\\nUBUNTU_CODENAME=jammy # comment\\n\" > usr/lib/os-release",
		   "ubuntu", "22.04", "jammy", 1);
	check_tree("printf 'DISTRIB_ID=Ubuntu\\nDISTRIB_RELEASE=14.04\\nDISTRIB_CODENAME=trusty\\n' > etc/lsb-release",
		   "ubuntu", "14.04", "trusty", 1);
	check_tree("echo 3.18.4 > etc/alpine-release", "alpine", "3.18.4", "", 1);
	check_tree("echo 'Amazon Linux release 2 (Karoo)' > etc/system-release", "amzn", "2", "Karoo", 1);
	check_tree("echo 'CentOS Linux release 7.9.2009 (Core)' > etc/redhat-release", "centos", "7.9.2009", "Core", 1);
	check_tree("echo 10.13 > etc/debian_version", "debian", "10", "", 1);
	check_tree("true", "unknown", "", "", 0);
}
