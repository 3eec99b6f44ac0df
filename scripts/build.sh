#!/bin/bash
# Configure and build awp. Usage: scripts/build.sh [BUILD_DIR] [cmake args...]
# The compiler's output is shown only when the build fails.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$repo/build}
shift || true
mkdir -p "$dir"
log=$dir/build.log
if ! { cmake -S "$repo" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" && cmake --build "$dir" -j"$(nproc)"; } > "$log" 2>&1; then
	grep -E -B2 -A8 'error|Error' "$log" | head -80 >&2
	echo "build failed: $log" >&2
	exit 1
fi
echo "built in $dir ($(grep -c 'Building C' "$log" || true) files compiled)"
