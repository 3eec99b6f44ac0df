#!/bin/bash
# Every test, from a fresh Debian machine: install dependencies, build the
# fixture images, then build and run the whole suite twice (gcc, and clang
# with AddressSanitizer + UndefinedBehaviorSanitizer), then a short run of
# every fuzz target. Each stage ends with ctest's or a "N passed, N failed"
# summary; the script exits nonzero if any stage fails.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
export AWP_FIXTURES_DIR=${AWP_FIXTURES_DIR:-$repo/build/fixtures}
export AWP_SHARED_DIR=${AWP_SHARED_DIR:-$repo/../shared}
start=$(date +%s)
stage() { echo; echo "=== $* ($(($(date +%s) - start)) s)"; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# ctest with its output kept for the closing summary.
run_ctest() { ctest --test-dir "$1" --output-on-failure -j2 2>&1 | tee -a "$log"; return "${PIPESTATUS[0]}"; }

stage "dependencies"
bash "$repo/scripts/deps.sh"
stage "fixture images"
bash "$repo/scripts/fixtures.sh"

stage "gcc build and tests"
CC=gcc bash "$repo/scripts/build.sh" "$repo/build-gcc"
run_ctest "$repo/build-gcc"

stage "clang + ASan/UBSan build and tests"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
CC=clang bash "$repo/scripts/build.sh" "$repo/build-asan" -DAWP_SANITIZE=ON
run_ctest "$repo/build-asan"

if [ -f "$repo/scripts/fuzz.sh" ]; then
	stage "fuzz targets (short run)"
	FUZZ_SECONDS=${FUZZ_SECONDS:-15} bash "$repo/scripts/fuzz.sh" | tee -a "$log"
	fuzzed=$(grep -cE '^fuzz_[a-z0-9_]+ +[0-9]+ +ok$' "$log" || true)
fi
stage "all stages passed"
# One closing line over every stage: ctest entries (both builds) and fuzz targets.
total=$(grep -oE 'tests failed out of [0-9]+' "$log" | awk '{s += $NF} END {print s + 0}')
skipped=$(grep -cE '\*\*\*Skipped|\(Skipped\)$' "$log" || true)
echo "total: $((total + ${fuzzed:-0} - skipped)) passed, 0 failed, $skipped skipped"
