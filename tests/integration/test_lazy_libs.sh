#!/usr/bin/env bash
# Optional libraries are loaded on first use, not at start-up (util/*_dl.h):
# awp has none of libarchive, libqcow, libvmdk, libvhdi, libcrypto,
# libsqlite3 as NEEDED; an SBOM of a directory and of a raw image loads none
# of them (LD_DEBUG=libs); each command that needs one loads that one only
# and works: a qcow2 / VMDK / VHD image its libyal library, `ls --sha256`
# libcrypto, `db import` of JSON SQLite, of a zip libarchive too, a jar in
# an SBOM libarchive.
set -u
. "$(dirname "$0")/common.sh"
for t in readelf mkfs.ext4 qemu-img python3; do
	if ! command -v $t >/dev/null; then
		echo "SKIP: $t missing"
		exit 77
	fi
done

tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
LAZY="libarchive libqcow libvmdk libvhdi libcrypto libsqlite3"

# run NAME CMD...: run CMD with LD_DEBUG=libs; output in $tmp/NAME.out,
# the libraries it initialised (basenames) in $tmp/NAME.libs; its exit code.
run() {
	local name=$1
	shift
	LD_DEBUG=libs LD_DEBUG_OUTPUT="$tmp/$name.dbg" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	local rc=$?
	cat "$tmp/$name.dbg".* 2>/dev/null | sed -n 's|.*calling init: .*/\([^/]*\)$|\1|p' | sort -u >"$tmp/$name.libs"
	return $rc
}
# loaded NAME LIB: whether the run NAME initialised LIB (a soname prefix).
loaded() { grep -q "^$2\.so" "$tmp/$1.libs"; }
# only NAME LIB...: the run NAME loaded each LIB and no other lazy library.
only() {
	local name=$1 l
	shift
	for l in $LAZY; do
		if [[ " $* " == *" $l "* ]]; then
			loaded "$name" "$l" || { ko "$name: $l not loaded"; return; }
		else
			! loaded "$name" "$l" || { ko "$name: $l loaded"; return; }
		fi
	done
	ok
}

# 1. Not linked.
needed=$(readelf -d "$AWP_BIN" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
[ -n "$needed" ] && ok || ko "readelf: no NEEDED entries"
for l in $LAZY; do
	grep -q "^$l\.so" <<<"$needed" && ko "$l is NEEDED" || ok
done

# A small root: an OS, a dpkg package, an npm package.
root=$tmp/root
mkdir -p "$root/etc" "$root/var/lib/dpkg" "$root/app/node_modules/lodash"
printf 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' >"$root/etc/os-release"
printf 'Package: libfoo2\nStatus: install ok installed\nVersion: 2.0-1\nArchitecture: amd64\n\n' >"$root/var/lib/dpkg/status"
printf '{"name":"lodash","version":"4.17.15"}\n' >"$root/app/node_modules/lodash/package.json"
img=$tmp/root.raw
mkfs.ext4 -q -F -d "$root" "$img" 8M >/dev/null 2>&1 || { echo "SKIP: mkfs.ext4 -d failed"; exit 77; }

# 2. Start-up and the common paths load none of them.
run dir_sbom "$AWP_BIN" sbom --format json "$root" && grep -q libfoo2 "$tmp/dir_sbom.out" && ok || ko "sbom of a directory"
only dir_sbom
run raw_sbom "$AWP_BIN" sbom --format cyclonedx "$img" && grep -q lodash "$tmp/raw_sbom.out" && ok || ko "sbom of a raw image"
only raw_sbom
run raw_ls "$AWP_BIN" ls -l "$img" /etc && grep -q os-release "$tmp/raw_ls.out" && ok || ko "ls of a raw image"
only raw_ls
run version "$AWP_BIN" --version && ok || ko "--version"
only version
# the run helper does see libraries loaded at start-up
loaded version libc && ok || ko "LD_DEBUG: libc not seen"

# 3. Each image format loads its own library, and reads.
for f in qcow2:libqcow vmdk:libvmdk vpc:libvhdi; do
	fmt=${f%%:*} lib=${f#*:}
	qemu-img convert -q -f raw -O "$fmt" "$img" "$tmp/root.$fmt" || { ko "qemu-img $fmt"; continue; }
	run "img_$fmt" "$AWP_BIN" ls "$tmp/root.$fmt" /etc && grep -q os-release "$tmp/img_$fmt.out" && ok ||
		ko "ls of a $fmt image: $(cat "$tmp/img_$fmt.err")"
	only "img_$fmt" "$lib"
done

# 4. Hashing loads libcrypto.
want=$(sha256sum "$root/etc/os-release" | cut -d' ' -f1)
run sha "$AWP_BIN" ls --sha256 "$img" /etc && grep -q "$want" "$tmp/sha.out" && ok || ko "ls --sha256: $(cat "$tmp/sha.out")"
only sha libcrypto

# 5. The advisory database: SQLite; from a zip, libarchive too.
mkdir -p "$tmp/osv"
cat >"$tmp/osv/npm.json" <<'OSV'
{"id":"GHSA-test-test-test","modified":"2024-01-01T00:00:00Z","summary":"lodash issue",
 "affected":[{"package":{"ecosystem":"npm","name":"lodash"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"4.17.21"}]}]}]}
OSV
run import_json "$AWP_BIN" db import --db "$tmp/a.db" "$tmp/osv" && ok || ko "db import (json): $(cat "$tmp/import_json.err")"
only import_json libsqlite3
python3 -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z: z.write(sys.argv[2], "GHSA-test-test-test.json")' "$tmp/npm.zip" "$tmp/osv/npm.json"
run import_zip "$AWP_BIN" db import --db "$tmp/b.db" "$tmp/npm.zip" && ok || ko "db import (zip): $(cat "$tmp/import_zip.err")"
only import_zip libsqlite3 libarchive
run info "$AWP_BIN" db info --db "$tmp/b.db" && grep -q . "$tmp/info.out" && ok || ko "db info"

# 6. A jar in an SBOM: libarchive, and the Maven package is listed.
mkdir -p "$root/opt/app"
python3 -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n\r\n")
    z.writestr("META-INF/maven/org.example/lazydemo/pom.properties", "groupId=org.example\nartifactId=lazydemo\nversion=1.2.3\n")' \
	"$root/opt/app/lazydemo-1.2.3.jar"
run jar_sbom "$AWP_BIN" sbom --format json "$root" && grep -q '"name": ".*lazydemo' "$tmp/jar_sbom.out" && ok ||
	ko "sbom with a jar: $(cat "$tmp/jar_sbom.err")"
only jar_sbom libarchive

# 7. A missing library fails cleanly, naming the package to install: each
# is hidden in turn (an empty file bound over it in a private mount
# namespace; skipped where unprivileged namespaces are not allowed).
hide() { # hide SONAME CMD...: run CMD with SONAME's file hidden
	local so=$1 path
	shift
	path=$(ldconfig -p | awk -v so="$so" '$1 == so { print $NF; exit }')
	[ -n "$path" ] || { echo "no $so" >&2; return 99; }
	unshare -rm sh -c 'mount --bind /dev/null "$1" && shift && exec "$@"' sh "$path" "$@"
}
if command -v unshare >/dev/null && unshare -rm true 2>/dev/null; then
	# expect NAME WANT_RC PACKAGE: exit code and message of the hidden run NAME
	expect() {
		local rc
		rc=$(cat "$tmp/$1.rc")
		[ "$rc" = "$2" ] && grep -q "cannot load .*install $3)" "$tmp/$1.err" && ok ||
			ko "$1 without its library: exit $rc, $(cat "$tmp/$1.err")"
	}
	hide libqcow.so.1 "$AWP_BIN" ls "$tmp/root.qcow2" /etc >/dev/null 2>"$tmp/noqcow.err"; echo $? >"$tmp/noqcow.rc"
	expect noqcow 3 libqcow1
	hide libvmdk.so.1 "$AWP_BIN" ls "$tmp/root.vmdk" /etc >/dev/null 2>"$tmp/novmdk.err"; echo $? >"$tmp/novmdk.rc"
	expect novmdk 3 libvmdk1
	hide libvhdi.so.1 "$AWP_BIN" ls "$tmp/root.vpc" /etc >/dev/null 2>"$tmp/novhdi.err"; echo $? >"$tmp/novhdi.rc"
	expect novhdi 3 libvhdi1
	hide libcrypto.so.3 "$AWP_BIN" ls --sha256 "$img" /etc >/dev/null 2>"$tmp/nocrypto.err"; echo $? >"$tmp/nocrypto.rc"
	expect nocrypto 3 libssl3
	hide libsqlite3.so.0 "$AWP_BIN" db import --db "$tmp/c.db" "$tmp/osv" >/dev/null 2>"$tmp/nosqlite.err"; echo $? >"$tmp/nosqlite.rc"
	expect nosqlite 3 libsqlite3-0
	# without libarchive a jar is a warning and the rest of the SBOM is there
	hide libarchive.so.13 "$AWP_BIN" sbom --format json "$root" >"$tmp/noarchive.out" 2>"$tmp/noarchive.err"; echo $? >"$tmp/noarchive.rc"
	grep -q libfoo2 "$tmp/noarchive.out" && ! grep -q '"name": ".*lazydemo' "$tmp/noarchive.out" && ok || ko "sbom without libarchive lost packages"
	[ "$(cat "$tmp/noarchive.rc")" -lt 3 ] && grep -q "lazydemo-1.2.3.jar.*cannot load .*install libarchive13)" "$tmp/noarchive.err" && ok ||
		ko "sbom without libarchive: exit $(cat "$tmp/noarchive.rc"), $(cat "$tmp/noarchive.err")"
else
	echo "note: unshare -rm not allowed here: missing-library checks not run"
fi

summary
