#!/usr/bin/env bash
# scripts/fuzz.sh - build every libFuzzer target with clang and run each one
# for a bounded time on a copy of its seed corpus (CI never writes into the
# repository). Prints one line per target and exits nonzero when any target
# found a crash, leak, timeout or out-of-memory (the reproducer's path is in
# the output).
#
#   scripts/fuzz.sh                 # all targets, FUZZ_SECONDS each
#   scripts/fuzz.sh fuzz_vfat       # only the named targets
#
# Environment:
#   FUZZ_SECONDS    time per target (default 20)
#   FUZZ_BUILD_DIR  build directory (default build-fuzz)
#   FUZZ_OUT        where logs and reproducers go (default $FUZZ_BUILD_DIR/fuzz-out)
#   FUZZ_NO_BUILD=1 skip configuring/building (use existing binaries)
#   FUZZ_ARGS       extra libFuzzer flags (e.g. "-max_len=65536")
#   FUZZ_SEED       libFuzzer's random seed (default 1, so that a CI run is
#                   repeatable; "random" for a new seed each run, which is
#                   what a long local fuzzing session wants)
#   FUZZ_JOBS       build parallelism (default 2)
set -u -o pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=${FUZZ_SECONDS:-20}
build=${FUZZ_BUILD_DIR:-build-fuzz}
out=${FUZZ_OUT:-$build/fuzz-out}
jobs=${FUZZ_JOBS:-2}

case $seconds in '' | *[!0-9]*) echo "fuzz.sh: FUZZ_SECONDS must be a number of seconds" >&2; exit 2 ;; esac

if [ "${FUZZ_NO_BUILD:-0}" != 1 ]; then
	echo "fuzz.sh: building fuzz targets in $build (clang)"
	if ! cmake -S . -B "$build" -DAWP_FUZZ=ON -DCMAKE_C_COMPILER=clang >"$build.configure.log" 2>&1; then
		cat "$build.configure.log" >&2
		echo "fuzz.sh: configure failed" >&2
		exit 2
	fi
	rm -f "$build.configure.log"
	if ! cmake --build "$build" -j"$jobs" >/dev/null; then
		cmake --build "$build" -j1 2>&1 | tail -40 >&2
		echo "fuzz.sh: build failed" >&2
		exit 2
	fi
fi

# Targets: one per tests/fuzz/fuzz_*.c (so a stale binary of a removed
# target is not run), optionally filtered by the names given as arguments.
# CMake puts the executables in $build/tests/fuzz/.
bins=()
missing=0
for src in tests/fuzz/fuzz_*.c; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	if [ $# -gt 0 ]; then
		case " $* " in *" $name "*) ;; *) continue ;; esac
	fi
	bin=$(find "$build" -type f -name "$name" -perm -u+x | head -1)
	if [ -z "$bin" ]; then
		echo "fuzz.sh: $name: no binary in $build (build failed?)" >&2
		missing=1
		continue
	fi
	bins+=("$bin")
done
if [ ${#bins[@]} -eq 0 ]; then
	echo "fuzz.sh: no fuzz targets found (tests/fuzz/fuzz_*.c, built in $build)" >&2
	exit 2
fi

mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/awp-fuzz.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

failed=$missing
printf '%-24s %10s  %s\n' target runs result
for bin in "${bins[@]}"; do
	name=$(basename "$bin")
	corpus="$tmp/$name"
	mkdir -p "$corpus"
	seeds="tests/fuzz/corpus/$name"
	[ -d "$seeds" ] && cp -R "$seeds/." "$corpus/"
	art="$out/$name"
	rm -rf "$art"
	mkdir -p "$art"
	log="$art/fuzz.log"
	seed=${FUZZ_SEED:-1}
	[ "$seed" = random ] && seed=0 # libFuzzer: 0 picks a seed
	# shellcheck disable=SC2086
	timeout --kill-after=10 $((seconds + 120)) "$bin" -max_total_time="$seconds" -rss_limit_mb=512 -timeout=10 \
		-seed="$seed" -print_final_stats=1 -artifact_prefix="$art/" ${FUZZ_ARGS:-} "$corpus" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -1)
	[ -n "$runs" ] || runs=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$log" | tail -1)
	[ -n "$runs" ] || runs=0
	repro=$(find "$art" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | head -1)
	if [ $rc -eq 0 ] && [ -z "$repro" ]; then
		result=ok
	else
		failed=1
		if [ -n "$repro" ]; then
			kind=$(basename "$repro")
			result="FAILED (${kind%%-*}) $repro"
		elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
			result="FAILED (hung: killed after $((seconds + 120)) s) log: $log"
		else
			result="FAILED (exit $rc) log: $log"
		fi
	fi
	printf '%-24s %10s  %s\n' "$name" "$runs" "$result"
	if [ $failed -ne 0 ] && [ "$result" != ok ]; then
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -5 | sed 's/^/    /'
	fi
done

if [ $failed -ne 0 ]; then
	echo "fuzz.sh: findings above; reproduce with: <build>/tests/fuzz/<target> <reproducer file> (see tests/fuzz/README.md)"
	exit 1
fi
exit 0
