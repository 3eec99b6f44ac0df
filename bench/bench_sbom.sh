#!/bin/bash
# Inventory speed (issue 3): `awp sbom` on the Debian fixture image must read
# only what it needs: at most 10% of the time of `cat IMAGE > /dev/null`,
# measured in the same run on a warm cache; peak memory under 128 MiB.
# Usage: bench/bench_sbom.sh [AWP_BINARY] [IMAGE...]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
awp=${1:-$repo/build/awp}
shift || true
fx=${AWP_FIXTURES_DIR:-$repo/build/fixtures}
images=("$@")
[ ${#images[@]} -gt 0 ] || images=("$fx/debian12-ext4-gpt.raw" "$fx/debian12-xfs-gpt.raw" "$fx/debian12-ext4-gpt.qcow2")

# Best wall time of 11 runs of a command, in seconds. Bash's EPOCHREALTIME
# is read without starting a process: a `date` before and after would add
# its own start-up (~1 ms) to every figure, a tenth of what awp sbom takes.
best() {
	local best=999999 s e t
	for _ in 1 2 3 4 5 6 7 8 9 10 11; do
		s=$EPOCHREALTIME
		"$@" > /dev/null 2>&1
		e=$EPOCHREALTIME
		t=$(echo "${e/,/.} - ${s/,/.}" | bc -l)
		best=$(echo "if ($t < $best) $t else $best" | bc -l)
	done
	printf '%.4f' "$best"
}

for img in "${images[@]}"; do
	[ -f "$img" ] || { echo "skip $img: not built"; continue; }
	cat "$img" > /dev/null
	cat_s=$(best cat "$img")
	sbom_s=$(best "$awp" sbom --format cyclonedx "$img")
	/usr/bin/time -f '%M' -o /tmp/awp-bench-rss.$$ "$awp" sbom --format cyclonedx "$img" > /dev/null 2>&1
	rss=$(tail -1 /tmp/awp-bench-rss.$$); rm -f /tmp/awp-bench-rss.$$
	pkgs=$("$awp" sbom --format json "$img" 2>/dev/null | grep -c '"purl"' || true)
	echo "--- $(basename "$img")"
	echo "cat IMAGE:        ${cat_s} s"
	echo "awp sbom:         ${sbom_s} s  ($pkgs packages)"
	echo "ratio sbom/cat:   $(echo "scale=3; $sbom_s / $cat_s" | bc -l)   (target <= 0.10)"
	echo "peak memory:      $((rss / 1024)) MiB  (target < 128 MiB)"
done
