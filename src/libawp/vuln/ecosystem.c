/*
 * vuln/ecosystem.c - which OSV ecosystem a package's advisories live in.
 *
 * OS packages depend on the release: OSV names them "Debian:11",
 * "Ubuntu:22.04:LTS" (LTS releases; "Ubuntu:Pro:22.04:LTS" for Ubuntu Pro /
 * ESM), "Ubuntu:23.10", "Alpine:v3.18", "AlmaLinux:9", "Rocky Linux:9",
 * "SUSE:Linux Enterprise Server 15 SP5", "openSUSE:Leap 15.5". Language
 * packages have one ecosystem each ("npm", "PyPI", ...).
 */
#include "vuln/vuln_int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

int vuln_is_os_type(const char *type)
{
	return strcmp(type, "dpkg") == 0 || strcmp(type, "rpm") == 0 || strcmp(type, "apk") == 0;
}

static const struct {
	const char *type, *ecosystem;
} lang[] = {
	{"npm", "npm"}, {"python", "PyPI"}, {"maven", "Maven"}, {"go", "Go"}, {"cargo", "crates.io"},
	{"gem", "RubyGems"}, {"composer", "Packagist"}, {"nuget", "NuGet"}, {"pub", "Pub"}, {"hex", "Hex"},
	{"cran", "CRAN"}, {"swift", "SwiftURL"},
};

/* Leading "N" or "N.M" of a VERSION_ID; 0 if it does not start with digits. */
static int split_version(const char *v, int *major, int *minor)
{
	int ma = 0, mi = -1;
	const char *p = v;
	if (!isdigit((unsigned char)*p))
		return 0;
	while (isdigit((unsigned char)*p) && ma < 100000)
		ma = ma * 10 + (*p++ - '0');
	if (*p == '.' && isdigit((unsigned char)p[1])) {
		p++;
		mi = 0;
		while (isdigit((unsigned char)*p) && mi < 100000)
			mi = mi * 10 + (*p++ - '0');
	}
	*major = ma;
	*minor = mi;
	return 1;
}

int vuln_ecosystems(const awp_os_info *os, const char *type, char eco[2][80], const char **why)
{
	*why = "";
	if (!vuln_is_os_type(type)) {
		for (size_t i = 0; i < sizeof lang / sizeof lang[0]; i++)
			if (strcmp(type, lang[i].type) == 0) {
				snprintf(eco[0], 80, "%s", lang[i].ecosystem);
				return 1;
			}
		*why = "no OSV ecosystem for this package type";
		return 0;
	}
	if (!os || !os->known) {
		*why = "unknown operating system: OS packages are not matched";
		return 0;
	}
	const char *id = os->id;
	int major = 0, minor = -1;
	int hasver = split_version(os->version_id, &major, &minor);
	if (!hasver) {
		*why = "the OS has no numeric VERSION_ID (testing/rolling release?): OS packages are not matched";
		if (strcmp(id, "opensuse-tumbleweed") == 0 && strcmp(type, "rpm") == 0) {
			snprintf(eco[0], 80, "openSUSE:Tumbleweed");
			return 1;
		}
		if ((strcmp(id, "wolfi") == 0 || strcmp(id, "chainguard") == 0) && strcmp(type, "apk") == 0) {
			snprintf(eco[0], 80, "%s", id[0] == 'w' ? "Wolfi" : "Chainguard");
			return 1;
		}
		return 0;
	}
	if (strcmp(type, "dpkg") == 0) {
		if (strcmp(id, "debian") == 0) {
			/* Releases before 7 are written with ".0" in OSV ("Debian:6.0"). */
			if (major <= 6)
				snprintf(eco[0], 80, "Debian:%d.0", major);
			else
				snprintf(eco[0], 80, "Debian:%d", major);
			return 1;
		}
		if (strcmp(id, "ubuntu") == 0 && minor >= 0) {
			int lts = minor == 4 && major % 2 == 0;
			if (lts) {
				snprintf(eco[0], 80, "Ubuntu:%d.%02d:LTS", major, minor);
				snprintf(eco[1], 80, "Ubuntu:Pro:%d.%02d:LTS", major, minor);
				return 2;
			}
			snprintf(eco[0], 80, "Ubuntu:%d.%02d", major, minor);
			return 1;
		}
		*why = "no OSV ecosystem for this dpkg-based OS";
		return 0;
	}
	if (strcmp(type, "apk") == 0) {
		if (strcmp(id, "alpine") == 0 && minor >= 0) {
			snprintf(eco[0], 80, "Alpine:v%d.%d", major, minor);
			return 1;
		}
		*why = "no OSV ecosystem for this apk-based OS";
		return 0;
	}
	/* rpm */
	if (strcmp(id, "almalinux") == 0) {
		snprintf(eco[0], 80, "AlmaLinux:%d", major);
		return 1;
	}
	if (strcmp(id, "rocky") == 0) {
		snprintf(eco[0], 80, "Rocky Linux:%d", major);
		return 1;
	}
	if (strcmp(id, "sles") == 0 || strcmp(id, "sled") == 0 || strcmp(id, "sles_sap") == 0) {
		if (minor > 0)
			snprintf(eco[0], 80, "SUSE:Linux Enterprise Server %d SP%d", major, minor);
		else
			snprintf(eco[0], 80, "SUSE:Linux Enterprise Server %d", major);
		return 1;
	}
	if (strcmp(id, "opensuse-leap") == 0 && minor >= 0) {
		snprintf(eco[0], 80, "openSUSE:Leap %d.%d", major, minor);
		return 1;
	}
	if (strcmp(id, "rhel") == 0 || strcmp(id, "centos") == 0)
		*why = "OSV has no Red Hat Enterprise Linux / CentOS data awp can match (Red Hat's OSV records are keyed by CPE "
		       "product streams): OS packages are not matched";
	else if (strcmp(id, "amzn") == 0)
		*why = "OSV has no Amazon Linux data: OS packages are not matched";
	else if (strcmp(id, "fedora") == 0)
		*why = "OSV has no Fedora data: OS packages are not matched";
	else if (strcmp(id, "ol") == 0)
		*why = "OSV has no Oracle Linux data: OS packages are not matched";
	else
		*why = "no OSV ecosystem for this rpm-based OS";
	return 0;
}
