#!/bin/bash
# The main job, from a fresh Debian machine: install dependencies, build awp,
# build a real Debian 12 disk image (GPT, ext4 root, EFI partition), then show
# what is on it — read straight from the image, nothing mounted.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
export AWP_FIXTURES_DIR=${AWP_FIXTURES_DIR:-$repo/build/fixtures}
bash "$repo/scripts/deps.sh"
bash "$repo/scripts/build.sh" "$repo/build"
bash "$repo/scripts/fixtures.sh"
img=$AWP_FIXTURES_DIR/debian12-ext4-gpt.qcow2
awp=$repo/build/awp
echo
echo "\$ awp inspect $img"
"$awp" inspect "$img"
echo
echo "\$ awp ls -l $img /"
"$awp" ls -l "$img" /
echo
echo "\$ awp cat $img /etc/os-release"
"$awp" cat "$img" /etc/os-release
echo
echo "\$ awp ls -R $img /opt/app/node_modules   (first 20 lines)"
"$awp" ls -R "$img" /opt/app/node_modules | head -20 || true   # head closes the pipe early
echo
echo "\$ awp sbom --format json $img   (first 30 lines)"
"$awp" sbom --format json "$img" | head -30 || true
# Advisories: the OSV exports shipped beside the project (../shared/vulndata),
# else whatever database already exists (awp db update fetches osv.dev's).
vulndata=${AWP_SHARED_DIR:-$repo/../shared}/vulndata
db=$repo/build/vuln.db
if ls "$vulndata"/*.zip > /dev/null 2>&1; then
	echo
	echo "\$ awp db import --db $db $vulndata/*.zip"
	"$awp" db import --db "$db" "$vulndata"/*.zip
fi
if [ -f "$db" ]; then
	echo
	echo "\$ awp scan --db $db $img"
	"$awp" scan --db "$db" --no-progress "$img" || true   # exit 1 means: findings remain
	"$awp" scan --db "$db" --format html --output "$repo/build/report.html" --no-progress "$img" > /dev/null 2>&1 || true
	echo
	echo "HTML report (opens offline): $repo/build/report.html"
fi
