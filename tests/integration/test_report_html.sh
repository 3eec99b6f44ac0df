#!/bin/bash
# The HTML report rendered in headless Chromium (Debian's `chromium`, driven
# by playwright-core from tests/schema, no browser download): every section
# present, visible and titled, the risk score shown, no request other than the
# file itself (works offline), no console error. Reports: the fixture image
# scan (when present) and the synthetic one of test_report_formats.
# Skips (77) without chromium ($CHROMIUM or /usr/bin/chromium) or node/npm.
set -u
src=${AWP_SOURCE_DIR:?}
bin=${AWP_BIN:?}
chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "SKIP: $chromium not installed (Debian package chromium)"; exit 77; }
command -v node >/dev/null && command -v npm >/dev/null || { echo "SKIP: node/npm not installed"; exit 77; }
schema=$src/tests/schema
if [ ! -d "$schema/node_modules/playwright-core" ] || [ "$schema/package-lock.json" -nt "$schema/node_modules/.package-lock.json" ]; then
	(cd "$schema" && npm ci --ignore-scripts --no-audit --no-fund >/dev/null 2>&1) || { echo "SKIP: npm ci failed"; exit 77; }
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export CHROMIUM=$chromium
fail=0
n=0
formats=$(dirname "$bin")/tests/test_report_formats
if [ -x "$formats" ]; then
	mkdir -p "$tmp/synthetic"
	AWP_REPORT_DUMP_DIR=$tmp/synthetic "$formats" >/dev/null || fail=1
	node "$schema/render.js" "$tmp/synthetic/synthetic.html" > "$tmp/out" || fail=1
	cat "$tmp/out"
	# one row per finding plus the header row
	grep -q '"rows":{"vulnerabilities":4,"secrets":2,"threats":2}' "$tmp/out" || { echo "FAIL: rows"; fail=1; }
	n=$((n + 1))
fi
img=${AWP_FIXTURES_DIR:-/nonexistent}/debian12-ext4-gpt.raw
if [ -f "$img" ] && ls "${AWP_SHARED_DIR:-/nonexistent}"/vulndata/*.zip >/dev/null 2>&1; then
	. "$src/tests/integration/report_lib.sh"
	report_need_fixture
	"$bin" scan --db "$db" --format html --output "$tmp/img.html" --no-progress "$img" 2>/dev/null
	node "$schema/render.js" "$tmp/img.html" || fail=1
	n=$((n + 1))
fi
[ $n -gt 0 ] || { echo "SKIP: no report to render"; exit 77; }
exit $fail
