#!/bin/bash
# Install everything awp needs to build and test on Debian 12 (run as root,
# or with sudo available). Idempotent: only missing packages are installed.
set -euo pipefail

packages=(
	# build
	build-essential cmake pkg-config clang libclang-rt-14-dev
	# libraries libawp links dynamically (see docs/dependencies.md)
	libext2fs-dev comerr-dev libqcow-dev libvmdk-dev libvhdi-dev libssl-dev zlib1g-dev libsqlite3-dev libcjson-dev libarchive-dev libcurl4-openssl-dev libyara-dev yara libhyperscan-dev libpcre2-dev ripgrep
	# tools the tests use to build real images (no mounting)
	e2fsprogs xfsprogs dosfstools mtools qemu-utils fdisk gdisk lvm2 jq
	# headless browser for the HTML report test (driven by playwright-core from npm)
	chromium
	# fixture builder (shared/fixtures/build-images.sh), rpm/BDB test databases
	debootstrap rpm zip openssh-client openssl python3 sqlite3 perl
)
# Node.js runs the JSON-schema validator of the SBOM tests; keep whatever
# Node the machine already has (its own packaging may differ from Debian's).
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#packages[@]} packages present"
	exit 0
fi
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
