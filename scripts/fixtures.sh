#!/bin/bash
# Build the shared fixture disk images (real Debian rootfs in GPT+ext4 and
# XFS, qcow2, vmdk, small dpkg/rpm/apk images) with their ground-truth
# manifests into $AWP_FIXTURES_DIR (default: build/fixtures). The source
# trees are kept (FX_KEEP_WORK=1) so tests can compare what awp reads with
# what was written. Needs root (debootstrap) and the Debian archive.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=${AWP_FIXTURES_DIR:-$repo/build/fixtures}
shared=${AWP_SHARED_DIR:-$repo/../shared}
builder=$shared/fixtures/build-images.sh
if [ ! -f "$builder" ]; then
	echo "fixtures: $builder not found; fixture-based tests will be skipped" >&2
	exit 0
fi
mkdir -p "$out"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "fixtures: building into $out (first run downloads Debian packages: a few minutes)"
if ! FX_KEEP_WORK=1 ${SUDO:+$SUDO -E} bash "$builder" "$out" > "$out/build.log" 2>&1; then
	tail -30 "$out/build.log" >&2
	echo "fixtures: build failed (log: $out/build.log)" >&2
	exit 1
fi
tail -1 "$out/build.log"
