#!/bin/bash
# Run the benchmarks on the fixture images; paste the output into
# docs/benchmarks.md. Usage: bench/run.sh [BUILD_DIR]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$repo/build}
fx=${AWP_FIXTURES_DIR:-$repo/build/fixtures}
cmake --build "$build" -j2 >/dev/null
for img in debian12-ext4-gpt.raw debian12-xfs-gpt.raw debian12-ext4-gpt.qcow2; do
	[ -f "$fx/$img" ] || { echo "skip $img: not built (scripts/fixtures.sh)"; continue; }
	echo "--- $img"
	taskset -c 0 "$build/bench/bench_fs" "$fx/$img"
done
# Threats: not pinned (the scan uses every core); the tree is for `yara -r`.
img=$fx/debian12-ext4-gpt.raw
if [ -f "$img" ]; then
	echo "--- threats: debian12-ext4-gpt.raw"
	tree=$fx/work/debian12-tree
	[ -d "$tree" ] || tree=
	"$build/bench/bench_threats" "$img" $tree
fi
