#!/bin/bash
# Reports validated with a real JSON-schema validator (ajv, tests/schema):
# SARIF 2.1.0 against the OASIS schema, CycloneDX 1.5 against the official
# schema, awp JSON against docs/report.schema.json. Two sources: awp scan of
# the Debian fixture image with the shared advisory data (when present), and
# the reports test_report_formats writes for a scan with vulnerabilities
# (KEV/EPSS), synthetic secrets and threats and hostile strings.
# Skips (77) when node/npm are missing or the npm install cannot run.
set -u
src=${AWP_SOURCE_DIR:?}
bin=${AWP_BIN:?}
command -v node >/dev/null && command -v npm >/dev/null || { echo "SKIP: node/npm not installed"; exit 77; }
schema=$src/tests/schema
if [ ! -d "$schema/node_modules/ajv-draft-04" ] || [ "$schema/package-lock.json" -nt "$schema/node_modules/.package-lock.json" ]; then
	(cd "$schema" && npm ci --ignore-scripts --no-audit --no-fund >/dev/null 2>&1) || { echo "SKIP: npm ci failed"; exit 77; }
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0
check() { # kind file
	node "$schema/validate.js" "$1" "$2" || fail=1
	n=$((n + 1))
}
# synthetic findings of every kind
formats=$(dirname "$bin")/tests/test_report_formats
if [ -x "$formats" ]; then
	mkdir -p "$tmp/synthetic"
	AWP_REPORT_DUMP_DIR=$tmp/synthetic "$formats" >/dev/null || { echo "FAIL: test_report_formats"; fail=1; }
	check awp-report "$tmp/synthetic/synthetic.json"
	check sarif "$tmp/synthetic/synthetic.sarif"
	check cyclonedx "$tmp/synthetic/synthetic.cdx.json"
else
	echo "note: $formats not built: synthetic reports not validated"
fi
# the fixture image
img=${AWP_FIXTURES_DIR:-/nonexistent}/debian12-ext4-gpt.raw
if [ -f "$img" ] && ls "${AWP_SHARED_DIR:-/nonexistent}"/vulndata/*.zip >/dev/null 2>&1; then
	. "$src/tests/integration/report_lib.sh"
	report_need_fixture
	for fmt in json sarif cyclonedx; do
		"$bin" scan --db "$db" --format $fmt --output "$tmp/img.$fmt" --no-progress "$img" 2>/dev/null
		case $fmt in json) check awp-report "$tmp/img.$fmt" ;; *) check $fmt "$tmp/img.$fmt" ;; esac
	done
	# filtered findings stay in SARIF as suppressions and in JSON with their reason
	"$bin" scan --db "$db" --severity critical --format sarif --output "$tmp/sup.sarif" --no-progress "$img" 2>/dev/null
	check sarif "$tmp/sup.sarif"
	grep -q '"suppressions"' "$tmp/sup.sarif" || { echo "FAIL: no suppressions in filtered SARIF"; fail=1; }
else
	echo "note: fixture image or shared advisory data absent: only synthetic reports validated"
fi
[ $n -gt 0 ] || { echo "SKIP: nothing to validate"; exit 77; }
echo "$n documents validated"
exit $fail
