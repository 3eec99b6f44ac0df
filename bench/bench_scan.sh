#!/bin/bash
# Scan speed (issue 7): a full `awp scan` (all available scanners) of the
# Debian fixture image must take at most 2x `cat IMAGE > /dev/null`, measured
# in the same run on a warm cache, and writing the report under 5% of the scan
# time. Also measures the content pipeline the secrets/threats scanners will
# use (bench_scan: a stand-in scanner reading every file), inline vs with the
# content thread, to show whether the second core pays off.
# Usage: bench/bench_scan.sh [BUILD_DIR] [IMAGE]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$repo/build}
img=${2:-${AWP_FIXTURES_DIR:-$repo/build/fixtures}/debian12-ext4-gpt.raw}
awp=$build/awp
[ -f "$img" ] || { echo "skip: $img not built (scripts/fixtures.sh)"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
vulndata=${AWP_SHARED_DIR:-$repo/../shared}/vulndata
db=$tmp/vuln.db
if ls "$vulndata"/*.zip >/dev/null 2>&1; then
	"$awp" db import --db "$db" "$vulndata"/*.zip >/dev/null 2>&1 || true
else
	db=${AWP_DB:-$HOME/.cache/awp/vuln.db}
fi

best() { # best wall time of 5 runs of a command, in seconds
	local best=999999 t
	for _ in 1 2 3 4 5; do
		local s=$(date +%s.%N)
		"$@" > /dev/null 2>&1 || true
		t=$(echo "$(date +%s.%N) - $s" | bc -l)
		best=$(echo "if ($t < $best) $t else $best" | bc -l)
	done
	printf '%.4f' "$best"
}

echo "image: $img ($(du -h --apparent-size "$img" | cut -f1) apparent, $(du -h "$img" | cut -f1) allocated)"
cat "$img" > /dev/null
cat_s=$(best cat "$img")
echo "cat IMAGE > /dev/null:          ${cat_s} s"
for fmt in table json sarif cyclonedx html; do
	scan_s=$(best "$awp" scan --db "$db" --no-progress --format $fmt "$img")
	"$awp" scan --db "$db" --no-progress --timings --format $fmt "$img" 2>"$tmp/t" >/dev/null || true
	printf 'awp scan --format %-10s %s s  ratio %.2fx cat   %s\n' "$fmt:" "$scan_s" \
		"$(echo "$scan_s / $cat_s" | bc -l)" "$(grep -o 'report [0-9.]* s ([0-9.]*% of the scan)' "$tmp/t")"
done
if [ -x "$build/bench/bench_scan" ]; then
	cat_s=$(best cat "$img")
	echo "content pipeline with a stand-in scanner (every file <= 64 MiB read once; cat ${cat_s} s):"
	"$build/bench/bench_scan" "$img" 1 2 | while read -r line; do
		t=$(echo "$line" | sed -n 's/.*: \([0-9.]*\) s,.*/\1/p')
		printf '  %s  ratio %.2fx cat\n' "$line" "$(echo "$t / $cat_s" | bc -l)"
	done
fi
