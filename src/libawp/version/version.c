/*
 * version/version.c - ecosystem name -> ordering, and the public entry points.
 *
 * This is the only place that knows the list of orderings and which
 * ecosystem uses which. OSV names ("Debian:12", "Alpine:v3.19") carry a
 * release after ':' that does not change the ordering, so only the part
 * before the first ':' is matched, case-insensitively.
 */
#include "version_int.h"

#include <stdio.h>

struct scheme_info {
	const char *name;
	ver_cmp_fn cmp;
};

static const struct scheme_info schemes[AWP_VERSION_SCHEME_COUNT] = {
	[AWP_VERSION_NONE] = {"none", NULL},
	[AWP_VERSION_DPKG] = {"dpkg", ver_dpkg_cmp},
	[AWP_VERSION_RPM] = {"rpm", ver_rpm_cmp},
	[AWP_VERSION_APK] = {"apk", ver_apk_cmp},
	[AWP_VERSION_PEP440] = {"pep440", ver_pep440_cmp},
	[AWP_VERSION_SEMVER] = {"semver", ver_semver_cmp},
	[AWP_VERSION_GO] = {"go", ver_go_cmp},
	[AWP_VERSION_MAVEN] = {"maven", ver_maven_cmp},
	[AWP_VERSION_RUBYGEMS] = {"rubygems", ver_gem_cmp},
	[AWP_VERSION_NUGET] = {"nuget", ver_nuget_cmp},
	[AWP_VERSION_COMPOSER] = {"composer", ver_composer_cmp},
};

/* Names as lowercase; OSV ecosystem names first, then short CLI names. */
static const struct {
	const char *name;
	awp_version_scheme scheme;
} names[] = {
	{"debian", AWP_VERSION_DPKG},
	{"ubuntu", AWP_VERSION_DPKG},
	{"alpine", AWP_VERSION_APK},
	{"wolfi", AWP_VERSION_APK},
	{"chainguard", AWP_VERSION_APK},
	{"almalinux", AWP_VERSION_RPM},
	{"rocky linux", AWP_VERSION_RPM},
	{"red hat", AWP_VERSION_RPM},
	{"redhat", AWP_VERSION_RPM},
	{"rhel", AWP_VERSION_RPM},
	{"centos", AWP_VERSION_RPM},
	{"fedora", AWP_VERSION_RPM},
	{"suse", AWP_VERSION_RPM},
	{"opensuse", AWP_VERSION_RPM},
	{"mageia", AWP_VERSION_RPM},
	{"openeuler", AWP_VERSION_RPM},
	{"photon os", AWP_VERSION_RPM},
	{"azure linux", AWP_VERSION_RPM},
	{"mariner", AWP_VERSION_RPM},
	{"amazon linux", AWP_VERSION_RPM},
	{"oracle linux", AWP_VERSION_RPM},
	{"npm", AWP_VERSION_SEMVER},
	{"crates.io", AWP_VERSION_SEMVER},
	{"hex", AWP_VERSION_SEMVER},
	{"pub", AWP_VERSION_SEMVER},
	{"go", AWP_VERSION_GO},
	{"pypi", AWP_VERSION_PEP440},
	{"maven", AWP_VERSION_MAVEN},
	{"rubygems", AWP_VERSION_RUBYGEMS},
	{"nuget", AWP_VERSION_NUGET},
	{"packagist", AWP_VERSION_COMPOSER},
	/* short names */
	{"dpkg", AWP_VERSION_DPKG},
	{"deb", AWP_VERSION_DPKG},
	{"rpm", AWP_VERSION_RPM},
	{"apk", AWP_VERSION_APK},
	{"pep440", AWP_VERSION_PEP440},
	{"python", AWP_VERSION_PEP440},
	{"pip", AWP_VERSION_PEP440},
	{"semver", AWP_VERSION_SEMVER},
	{"cargo", AWP_VERSION_SEMVER},
	{"crates", AWP_VERSION_SEMVER},
	{"golang", AWP_VERSION_GO},
	{"gem", AWP_VERSION_RUBYGEMS},
	{"composer", AWP_VERSION_COMPOSER},
	{"php", AWP_VERSION_COMPOSER},
};

int ver_invalid(const char *scheme, const char *v, size_t len, const char *why)
{
	int shown = len > 200 ? 200 : (int)len;
	return awp_error_set(AWP_ECORRUPT, "%s version '%.*s%s': %s", scheme, shown, v,
			     len > 200 ? "..." : "", why);
}

int awp_version_scheme_lookup(awp_version_scheme *out, const char *ecosystem)
{
	if (out)
		*out = AWP_VERSION_NONE;
	if (!out || !ecosystem)
		return awp_error_set(AWP_EINVAL, "version: NULL ecosystem");
	size_t len = strcspn(ecosystem, ":");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (ver_ieq(ecosystem, len, names[i].name)) {
			*out = names[i].scheme;
			return 0;
		}
	}
	return awp_error_set(AWP_EINVAL, "version: unknown ecosystem '%.100s'", ecosystem);
}

const char *awp_version_scheme_name(awp_version_scheme scheme)
{
	if ((int)scheme <= AWP_VERSION_NONE || scheme >= AWP_VERSION_SCHEME_COUNT)
		return "none";
	return schemes[scheme].name;
}

static int check_len(awp_version_scheme scheme, const char *v, size_t *len)
{
	*len = strnlen(v, AWP_VERSION_MAX_LEN + 1);
	if (*len > AWP_VERSION_MAX_LEN)
		return awp_error_set(AWP_ELIMIT, "%s version '%.60s...': longer than %d bytes",
				     schemes[scheme].name, v, AWP_VERSION_MAX_LEN);
	return 0;
}

int awp_version_cmp(int *out, awp_version_scheme scheme, const char *a, const char *b, unsigned flags)
{
	size_t alen, blen;
	int err;
	if (!out || !a || !b)
		return awp_error_set(AWP_EINVAL, "version: NULL argument");
	*out = 0;
	if ((int)scheme <= AWP_VERSION_NONE || scheme >= AWP_VERSION_SCHEME_COUNT)
		return awp_error_set(AWP_EINVAL, "version: unknown scheme %d", (int)scheme);
	if ((err = check_len(scheme, a, &alen)) < 0 || (err = check_len(scheme, b, &blen)) < 0)
		return err;
	return schemes[scheme].cmp(out, a, alen, b, blen, flags);
}

int awp_version_compare(int *out, const char *ecosystem, const char *a, const char *b)
{
	awp_version_scheme scheme;
	int err;
	if (out)
		*out = 0;
	if ((err = awp_version_scheme_lookup(&scheme, ecosystem)) < 0)
		return err;
	return awp_version_cmp(out, scheme, a, b, 0);
}

int awp_version_check(awp_version_scheme scheme, const char *v)
{
	int cmp;
	return awp_version_cmp(&cmp, scheme, v, v, 0);
}
