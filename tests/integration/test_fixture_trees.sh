#!/bin/bash
# Acceptance for the disk-reading layer: for each Debian fixture image, in
# raw, qcow2 and vmdk form (ext4) and raw (XFS), the list of files, their
# types, modes, owners, sizes, symlink targets and the SHA-256 of every
# regular file read by awp from the image equal those of the source tree the
# image was built from (read by the kernel, through awp's host-directory
# backend, which involves none of the image, partition or filesystem code).
set -uo pipefail
fx=${AWP_FIXTURES_DIR:-}
awp=${AWP_BIN:?}
tree=$fx/work/debian12-tree
if [ -z "$fx" ] || [ ! -f "$fx/debian12-ext4-gpt.raw" ] || [ ! -d "$tree" ]; then
	echo "SKIP: fixture images or their source tree (FX_KEEP_WORK=1) not in \$AWP_FIXTURES_DIR"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { # name, command...
	local name=$1; shift
	if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $name"; fi
}

# Columns kept from `ls -l`: mode, uid, gid, size, path, symlink target
# (link count and mtime differ by design on XFS protofile images; see below).
# Directory sizes depend on the filesystem's directory format, not on
# content: blank them. Holes are kept or not depending on how each
# filesystem was written: the "(sparse)" mark is not compared.
long_cols() { sed 's/  (sparse)$//' | awk '{ $2=""; if ($1 ~ /^d/) $5=""; $6=""; $7=""; print }' ; }

"$awp" ls -R --sha256 "$tree" / > "$tmp/tree.sha" 2>"$tmp/tree.err"
"$awp" ls -R -l "$tree" / | long_cols > "$tmp/tree.long"
echo "reference tree: $(wc -l < "$tmp/tree.sha") entries"

for img in ${AWP_FIXTURE_IMAGES:-debian12-ext4-gpt.raw debian12-ext4-gpt.qcow2 debian12-ext4-gpt.vmdk debian12-xfs-gpt.raw}; do
	[ -f "$fx/$img" ] || { echo "missing $img"; fail=$((fail + 1)); continue; }
	"$awp" ls -R --sha256 "$fx/$img" / > "$tmp/$img.sha" 2>"$tmp/$img.err"
	"$awp" ls -R -l "$fx/$img" / | long_cols > "$tmp/$img.long"
	# /etc/fstab is rewritten per image (the kept tree has the last one
	# built, the XFS one). mkfs.xfs -p cannot express what the manifest
	# lists under protofile_limitations: names with whitespace or a leading
	# ':', hard links (become copies: same content, only nlink differs,
	# which is not compared), the sticky bit on /tmp, /var/tmp, /run/lock.
	# mke2fs adds /lost+found, which the tree does not have.
	omit=' /etc/fstab$| /lost\+found$'
	sticky=cat
	case $img in
	*xfs*) omit="$omit|/var/lib/ucf/cache/:etc:ssh:sshd_config"; sticky="sed -E s/^drwxrwxrwt/drwxrwxrwx/" ;;
	esac
	grep -vE "$omit" "$tmp/tree.sha" > "$tmp/ref.sha"
	grep -vE "$omit" "$tmp/tree.long" | $sticky > "$tmp/ref.long"
	grep -vE "$omit" "$tmp/$img.sha" > "$tmp/got.sha"; mv "$tmp/got.sha" "$tmp/$img.sha"
	grep -vE "$omit" "$tmp/$img.long" > "$tmp/got.long"; mv "$tmp/got.long" "$tmp/$img.long"
	ref_sha=$tmp/ref.sha ref_long=$tmp/ref.long
	check "$img: paths and SHA-256 of every file" diff -u "$ref_sha" "$tmp/$img.sha"
	check "$img: modes, owners, sizes, symlink targets" diff -u "$ref_long" "$tmp/$img.long"
	check "$img: no read errors" test ! -s "$tmp/$img.err"
	[ -s "$tmp/$img.err" ] && head -5 "$tmp/$img.err"
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
