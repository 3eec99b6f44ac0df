#!/usr/bin/env bash
# awp vercmp: answers for a few ecosystems, exit codes, and the stdin mode.
# Needs $AWP_BIN (set by ctest); prints "N passed, N failed" last.
set -u
. "$(dirname "$0")/common.sh"

# expect ANSWER ECOSYSTEM A B
expect() {
	local want=$1
	shift
	local got rc
	got=$("$AWP_BIN" vercmp "$@" 2>/dev/null)
	rc=$?
	if [ "$rc" -eq 0 ] && [ "$got" = "$want" ]; then ok; else ko "vercmp $* -> '$got' (exit $rc), want '$want'"; fi
}

# expect_exit CODE ARGS...
expect_exit() {
	local want=$1
	shift
	"$AWP_BIN" vercmp "$@" >/dev/null 2>&1 </dev/null
	local rc=$?
	if [ "$rc" -eq "$want" ]; then ok; else ko "vercmp $* exit $rc, want $want"; fi
}

expect '<' Debian:12 1.0~rc1 1.0
expect '>' deb 1:0.9 2.0
expect '=' Ubuntu:22.04:LTS 1.0 1.0-0
expect '<' 'Red Hat' 1.0~rc1 1.0
expect '>' rpm 1.0^git1 1.0
expect '<' Alpine:v3.19 1.2.3_rc1-r0 1.2.3-r0
expect '>' apk 1.2.3_p1 1.2.3
expect '=' PyPI 1.0-alpha.1 1.0a1
expect '>' python 1.0.post1 1.0
expect '<' pep440 1.0.dev1 1.0a1
expect '<' npm 1.0.0-alpha.1 1.0.0-alpha.beta
expect '=' crates.io 1.0.0+build1 1.0.0+build2
expect '<' Go v0.0.0-20191109021931-daa7c04131f5 v0.0.1
expect '=' go v2.0.0+incompatible 2.0.0
expect '<' Maven 1.0-alpha-1 1.0
expect '=' maven 1.0.0 1-ga
expect '<' RubyGems 1.0.a 1.0
expect '<' NuGet 1.0.0-RC.1 1.0.0
expect '=' nuget 1.0.0-Beta 1.0.0-beta
expect '<' Packagist 1.0.0-RC1 1.0.0
expect '<' composer v2.0.0 2.0.0-patch1

# --satisfies: node-semver satisfies(VERSION, RANGE)
expect true --satisfies npm '^1.2.3 || ~2.0' 1.9.0
expect false --satisfies npm '^1.2.3' 2.0.0
expect true --satisfies npm '1.2 - 2' 2.9.9
expect false --satisfies npm '*' 1.0.0-beta
expect true --satisfies --include-prerelease npm '*' 1.0.0-beta
expect true --satisfies --loose npm '~ 1.0.3alpha' 1.0.12
expect false --satisfies npm 'blerg' 1.0.0
expect_exit 2 --satisfies dpkg '>=1' 1.0
expect_exit 2 --satisfies npm '>=1'
expect_exit 2 --loose npm 1.0.0 1.0.0

expect_exit 2 nosuch 1 2
expect_exit 2 dpkg 1
expect_exit 2
expect_exit 3 pypi 1.0 not-a-version
expect_exit 3 npm 1.2 1.2.3
expect_exit 0 --help

# stdin mode: one answer per input line, an error line for a bad pair, exit 1.
out=$(printf '1.0 2.0\n2.0\t1.0\n1.0  1.0-0\nonly-one\n1:1.0 1.0\n' | "$AWP_BIN" vercmp dpkg - 2>/dev/null)
rc=$?
want=$'<\n>\n=\nerror: expected two versions separated by blanks\n>'
if [ "$out" = "$want" ]; then ok; else ko "stdin answers: got [$out]"; fi
if [ "$rc" -eq 1 ]; then ok; else ko "stdin mode with a bad line exit $rc, want 1"; fi

out=$(printf '1.0a1 1.0\nbad! 1.0\n1.0 1.0.0\n' | "$AWP_BIN" vercmp PyPI - 2>/dev/null)
rc=$?
lines=$(printf '%s\n' "$out" | wc -l)
if [ "$lines" -eq 3 ] && [ "$(printf '%s\n' "$out" | sed -n 1p)" = '<' ] &&
	printf '%s\n' "$out" | sed -n 2p | grep -q "^error: .*bad!" && [ "$(printf '%s\n' "$out" | sed -n 3p)" = '=' ]; then
	ok
else
	ko "pypi stdin: got [$out]"
fi
[ "$rc" -eq 1 ] && ok || ko "pypi stdin exit $rc, want 1"

out=$(printf '1.0 1.1\n' | "$AWP_BIN" vercmp rpm - 2>/dev/null)
rc=$?
[ "$out" = '<' ] && [ "$rc" -eq 0 ] && ok || ko "clean stdin run: [$out] exit $rc"

# --help names every ordering.
help=$("$AWP_BIN" vercmp --help)
for w in dpkg rpm apk pep440 semver go maven rubygems nuget composer; do
	if printf '%s' "$help" | grep -qw "$w"; then ok; else ko "--help does not mention $w"; fi
done

summary
