#!/usr/bin/env bash
# awp threats as a user runs it: a directory with a dpkg database where one
# packaged file holds the EICAR string and its md5sums entry matches (a
# verified package file), and one unowned copy. By default the verified file
# is trusted (neither YARA-scanned nor hash-listed, docs/threats.md);
# --scan-verified scans it too. Exit codes, JSON output, a tampered copy.
set -u
. "$(dirname "$0")/common.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export AWP_CACHE_DIR=$tmp/cache

root=$tmp/root
mkdir -p "$root/etc" "$root/usr/share/demo" "$root/opt" "$root/var/lib/dpkg/info"
printf 'ID=debian\nVERSION_ID="12"\n' > "$root/etc/os-release"
eicar='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
printf '%s' "$eicar" > "$root/usr/share/demo/sample.txt"
printf '%s' "$eicar" > "$root/opt/loose.txt"
cat > "$root/var/lib/dpkg/status" <<'ST'
Package: demo
Status: install ok installed
Architecture: all
Version: 1.0

ST
printf '/.\n/usr\n/usr/share\n/usr/share/demo\n/usr/share/demo/sample.txt\n' > "$root/var/lib/dpkg/info/demo.list"
(cd "$root" && md5sum usr/share/demo/sample.txt) > "$root/var/lib/dpkg/info/demo.md5sums"

# default: only the unowned copy
"$AWP_BIN" threats --no-default-lists --format json "$root" > "$tmp/def.json" 2> "$tmp/def.err"
rc=$?
[ $rc -eq 1 ] && ok || ko "default scan: exit $rc (threats expected: 1)"
python3 - "$tmp/def.json" <<'PY' && ok || ko "default scan: expected EICAR only at /opt/loose.txt"
import json, sys
d = json.load(open(sys.argv[1]))
paths = sorted(t["path"] for t in d["threats"] if t["rule"] == "EICAR_Test_File")
sys.exit(0 if paths == ["/opt/loose.txt"] else 1)
PY

# --scan-verified: the packaged copy too
"$AWP_BIN" threats --no-default-lists --scan-verified --format json "$root" > "$tmp/all.json" 2>/dev/null
python3 - "$tmp/all.json" <<'PY' && ok || ko "--scan-verified: expected EICAR in both files"
import json, sys
d = json.load(open(sys.argv[1]))
paths = sorted(t["path"] for t in d["threats"] if t["rule"] == "EICAR_Test_File")
sys.exit(0 if paths == ["/opt/loose.txt", "/usr/share/demo/sample.txt"] else 1)
PY

# a packaged file changed after installation: tampered, and scanned again
printf ' ' >> "$root/usr/share/demo/sample.txt"
"$AWP_BIN" threats --no-default-lists --format json "$root" > "$tmp/tamper.json" 2>/dev/null
python3 - "$tmp/tamper.json" <<'PY' && ok || ko "tampered packaged file not reported"
import json, sys
d = json.load(open(sys.argv[1]))
kinds = {(t["kind"], t["path"]) for t in d["threats"]}
sys.exit(0 if ("tampering", "/usr/share/demo/sample.txt") in kinds else 1)
PY

# usage error
"$AWP_BIN" threats --no-such-option "$root" > /dev/null 2>&1
rc=$?
[ $rc -eq 2 ] && ok || ko "unknown option: exit $rc (usage: 2)"

summary
