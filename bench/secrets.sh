#!/bin/bash
# Secret-scanning benchmarks (docs/benchmarks.md): engine and end-to-end
# throughput against ripgrep with the same patterns, and whole-image scan
# time against reading all file content. Usage: bench/secrets.sh [BUILD_DIR]
# (BUILD_DIR should be a Release build: cmake -DCMAKE_BUILD_TYPE=Release).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$repo/build-rel}
export AWP_FIXTURES_DIR=${AWP_FIXTURES_DIR:-$repo/build/fixtures}
export AWP_RULES_DIR=${AWP_RULES_DIR:-$repo/rules}
cmake --build "$build" -j2 --target bench_secrets >/dev/null
command -v rg >/dev/null || echo "rg not installed: the ripgrep baseline is skipped"
if [ -d "$AWP_FIXTURES_DIR/work/debian12-tree" ]; then
	taskset -c 0 "$build/bench/bench_secrets" -n 3
else
	echo "skip corpus: $AWP_FIXTURES_DIR/work/debian12-tree missing (FX_KEEP_WORK=1 when building fixtures)"
fi
img=$AWP_FIXTURES_DIR/debian12-ext4-gpt.raw
[ -f "$img" ] && taskset -c 0 "$build/bench/bench_secrets" -i "$img" -n 5 || echo "skip image: $img missing"
