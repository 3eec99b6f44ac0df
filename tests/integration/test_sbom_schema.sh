#!/bin/bash
# awp sbom output validated with ajv: CycloneDX 1.5 against its official schema
# (schema files from the npm package @cyclonedx/cyclonedx-library); SPDX 2.3
# with our conformance check tests/schema/spdx23.js (written from the SPDX 2.3
# specification: no package ships the official schema), and also against
# tests/schema/spdx-2.3.schema.json when that file is present. Runs on every
# fixture image ($AWP_FIXTURES_DIR/*.raw, *.qcow2, *.vmdk), the fixture trees
# ($AWP_FIXTURES_DIR/work/*-tree) and a small hand-made tree; then checks that
# spdx23.js rejects mutated documents. Skips (77) when node/npm are missing or
# the npm install cannot run.
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
# a machine-readable copyright file: mapped ids, an exception, LicenseRef- names
mkdir -p "$tmp/t/usr/share/doc/a"
printf 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: GPL-2+\n\n%b\n\n%b\n\n%b\n\nLicense: public-domain\n text\n' \
	'Files: a/*\nLicense: GPL-1+ or Artistic, and Expat' 'Files: b/*\nLicense: GPL-3+ with Bison exception' \
	'Files: c/*\nLicense: BSD-3-clause and/or GPL-3+' > "$tmp/t/usr/share/doc/a/copyright"
trees=("$tmp/t")
for t in debian12 small-synthetic small-alpine small-rpm; do
	d=${AWP_FIXTURES_DIR:-/nonexistent}/work/$t-tree
	[ -d "$d" ] && trees+=("$d")
done

for img in "${AWP_FIXTURES_DIR:-/nonexistent}"/*.raw "${AWP_FIXTURES_DIR:-/nonexistent}"/*.qcow2 \
	"${AWP_FIXTURES_DIR:-/nonexistent}"/*.vmdk; do
	[ -f "$img" ] && trees+=("$img")
done

spdx_docs=()
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
			node "$schema/spdx23.js" "$out" || fail=1
			n=$((n + 1))
			spdx_docs+=("$out")
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
# the check must reject broken documents: mutate awp's first and last SPDX output
node "$schema/spdx23.js" --negative "${spdx_docs[0]}" >/dev/null || { echo "FAIL: spdx23.js accepted a mutated document"; node "$schema/spdx23.js" --negative "${spdx_docs[0]}" | tail -3; fail=1; }
node "$schema/spdx23.js" --negative "${spdx_docs[-1]}" | tail -1 || fail=1
# the hand-made tree's dpkg package "a": its licence as an SPDX expression with declared LicenseRefs
node -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1]));
	const a=d.packages.find((p)=>p.name==="a");
	const want="GPL-2.0-or-later AND (GPL-1.0-or-later OR Artistic-1.0-Perl) AND MIT AND GPL-3.0-or-later WITH Bison-exception-2.2 AND LicenseRef-BSD-3-clause-and-or-GPL-3plus";
	if (!a || a.licenseDeclared !== want) { console.error("FAIL: package a licenseDeclared", a && a.licenseDeclared, "want", want); process.exit(1); }
	const ids=(d.hasExtractedLicensingInfos||[]).map((x)=>x.licenseId).sort().join(" ");
	if (ids !== "LicenseRef-BSD-3-clause-and-or-GPL-3plus") { console.error("FAIL: hasExtractedLicensingInfos", ids); process.exit(1); }' \
	"${spdx_docs[0]}" || fail=1
[ -f "$schema/spdx-2.3.schema.json" ] || echo "note: tests/schema/spdx-2.3.schema.json absent: SPDX output checked by spdx23.js only"
echo "$n documents validated, ${#trees[@]} targets"
exit $fail
