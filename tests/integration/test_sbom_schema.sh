#!/bin/bash
# awp sbom output validated against the official JSON schemas with ajv:
# CycloneDX 1.5 (schema files from the npm package @cyclonedx/cyclonedx-library)
# and SPDX 2.3 (tests/schema/spdx-2.3.schema.json, when present). Runs on the
# fixture trees ($AWP_FIXTURES_DIR/work/*-tree) and on a small hand-made tree.
# Skips (77) when node/npm are missing or the npm install cannot run.
set -u
src=${AWP_SOURCE_DIR:?}
bin=${AWP_BIN:?}
command -v node >/dev/null && command -v npm >/dev/null || { echo "SKIP: node/npm not installed"; exit 77; }
schema=$src/tests/schema
if [ ! -d "$schema/node_modules/ajv" ] || [ "$schema/package-lock.json" -nt "$schema/node_modules/.package-lock.json" ]; then
	(cd "$schema" && npm ci --ignore-scripts --no-audit --no-fund >/dev/null 2>&1) || { echo "SKIP: npm ci failed"; exit 77; }
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0

# a small tree with every OS package kind and a dependency-free inventory
mkdir -p "$tmp/t/etc" "$tmp/t/var/lib/dpkg" "$tmp/t/lib/apk/db"
printf 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian 12"\n' > "$tmp/t/etc/os-release"
printf 'Package: a\nStatus: install ok installed\nVersion: 1:1.0+b1\nArchitecture: amd64\nSource: a-src (1.0)\n\n' \
	> "$tmp/t/var/lib/dpkg/status"
printf 'P:b\nV:2.0-r0\nA:x86_64\nL:MIT AND (GPL-2.0 OR "weird")\no:b\n' > "$tmp/t/lib/apk/db/installed"
trees=("$tmp/t")
for t in debian12 small-synthetic small-alpine small-rpm; do
	d=${AWP_FIXTURES_DIR:-/nonexistent}/work/$t-tree
	[ -d "$d" ] && trees+=("$d")
done

for tree in "${trees[@]}"; do
	name=$(basename "$tree")
	for fmt in cyclonedx spdx json; do
		out=$tmp/$name.$fmt.json
		"$bin" sbom --format $fmt --output "$out" "$tree" 2>"$tmp/err"
		rc=$?
		if [ $rc -gt 1 ]; then
			echo "FAIL: awp sbom --format $fmt $tree exited $rc"; cat "$tmp/err"; fail=1; continue
		fi
		case $fmt in
		json)
			node -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1]));
				if (d.schema !== "awp-inventory/1" || !Array.isArray(d.packages)) process.exit(1)' "$out" \
				|| { echo "FAIL: $out is not awp-inventory/1"; fail=1; }
			;;
		spdx)
			if [ -f "$schema/spdx-2.3.schema.json" ]; then
				node "$schema/validate.js" spdx "$out" || fail=1
				n=$((n + 1))
			fi
			;;
		*)
			node "$schema/validate.js" $fmt "$out" || fail=1
			n=$((n + 1))
			;;
		esac
	done
done
[ -f "$schema/spdx-2.3.schema.json" ] || echo "note: tests/schema/spdx-2.3.schema.json absent: SPDX output not schema-checked"
echo "$n documents validated, ${#trees[@]} trees"
exit $fail
