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

stage "dependencies"
bash "$repo/scripts/deps.sh"
stage "fixture images"
bash "$repo/scripts/fixtures.sh"

stage "gcc build and tests"
CC=gcc bash "$repo/scripts/build.sh" "$repo/build-gcc"
ctest --test-dir "$repo/build-gcc" --output-on-failure -j2

stage "clang + ASan/UBSan build and tests"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
CC=clang bash "$repo/scripts/build.sh" "$repo/build-asan" -DAWP_SANITIZE=ON
ctest --test-dir "$repo/build-asan" --output-on-failure -j2

if [ -f "$repo/scripts/fuzz.sh" ]; then
	stage "fuzz targets (short run)"
	FUZZ_SECONDS=${FUZZ_SECONDS:-15} bash "$repo/scripts/fuzz.sh"
fi
stage "all stages passed"
