#!/bin/bash
# Issue 5's promise: the full value of a secret never appears in any output.
# Scan the Debian fixture image with every report format and command that
# shows secrets, keep stdout and stderr (the logs), and look for each planted
# secret's value (read from the source tree at the manifest's path and line).
set -uo pipefail
fx=${AWP_FIXTURES_DIR:-}
awp=${AWP_BIN:?}
img=$fx/debian12-ext4-gpt.raw
man=$img.expected.json
tree=$fx/work/debian12-tree
if [ -z "$fx" ] || [ ! -f "$img" ] || [ ! -f "$man" ] || [ ! -d "$tree" ]; then
	echo "SKIP: fixture image, manifest or source tree not in \$AWP_FIXTURES_DIR"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/vuln.db
vd=${AWP_SHARED_DIR:-}/vulndata
if ls "$vd"/npm.zip > /dev/null 2>&1; then
	"$awp" db import --db "$db" "$vd"/npm.zip > /dev/null 2>&1
else
	"$awp" db import --db "$db" /dev/null > /dev/null 2>&1
fi

# The secret values: the longest token (16+ chars) of each planted line; for
# a PEM key, the first line of its body (the line after BEGIN).
python3 - "$man" "$tree" > "$tmp/values" <<'PY'
import json, re, sys
m = json.load(open(sys.argv[1]))
for s in m["secrets"]:
    lines = open(sys.argv[2] + s["path"], errors="replace").read().split("\n")
    line = lines[s["line"] - 1]
    if "BEGIN" in line and "PRIVATE KEY" in line:
        line = lines[s["line"]]
    toks = sorted(re.findall(r"[A-Za-z0-9+/=_\-]{16,}", line), key=len, reverse=True)
    if toks:
        print(toks[0])
PY
n=$(wc -l < "$tmp/values")
pass=0 fail=0
[ "$n" -ge 5 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: only $n secret values extracted"; }

for fmt in table json sarif cyclonedx html; do
	"$awp" scan --db "$db" --no-progress --format "$fmt" "$img" > "$tmp/scan.$fmt" 2> "$tmp/scan.$fmt.err"
done
"$awp" scan --db "$db" --no-progress --format json --output "$tmp/scan.file.json" "$img" > /dev/null 2>&1
"$awp" secrets "$img" > "$tmp/secrets.table" 2> "$tmp/secrets.err"
"$awp" secrets --format json --show-suppressed "$img" > "$tmp/secrets.json" 2>> "$tmp/secrets.err"
outs=$(ls "$tmp"/scan.* "$tmp"/secrets.*)
# The secrets must have been found at all, or the check below proves nothing.
if grep -q "aws-access-key-pair" "$tmp/scan.json" && grep -q "github-pat-classic" "$tmp/secrets.json"; then
	pass=$((pass + 1))
else
	fail=$((fail + 1)); echo "FAIL: planted secrets not reported"
fi
while read -r v; do
	if grep -lF -- "$v" $outs > "$tmp/hits"; then
		fail=$((fail + 1)); echo "FAIL: a secret value (${v:0:4}...) appears in: $(tr '\n' ' ' < "$tmp/hits")"
	else
		pass=$((pass + 1))
	fi
done < "$tmp/values"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
