#!/usr/bin/env bash
# awp scan: a directory target with an OS and planted packages against a
# small advisory database plus a hand-made CISA KEV catalog and EPSS file in
# their real formats; exit codes, --exit-code, filters, the ignore file, JSON
# report shape (schema awp.report/1), table, missing database.
# Findings depend on which package analyzers are built in: with none for
# dpkg/npm the scan finds nothing (exit 0); with them, the planted packages
# must report the planted advisories (exit 1).
set -u
. "$(dirname "$0")/common.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root/etc" "$root/var/lib/dpkg" "$root/app/node_modules/lodash" "$tmp/osv"
printf 'ID=debian\nVERSION_ID="11"\nPRETTY_NAME="Debian GNU/Linux 11 (bullseye)"\n' > "$root/etc/os-release"
cat > "$root/var/lib/dpkg/status" <<'DPKG'
Package: libfoo2
Status: install ok installed
Version: 1:2.0-2+b1
Source: srcpkg (1:2.0-2)
Architecture: amd64

DPKG
printf '{"name":"lodash","version":"4.17.15"}\n' > "$root/app/node_modules/lodash/package.json"
cat > "$tmp/osv/dsa.json" <<'OSV'
{"id":"DSA-9999-1","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2099-0002","CVE-2099-0003"],"summary":"srcpkg - security update",
 "affected":[{"package":{"ecosystem":"Debian:11","name":"srcpkg"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1:2.0-3"}]}]}]}
OSV
cat > "$tmp/osv/npm.json" <<'OSV'
{"id":"GHSA-test-test-test","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2099-0009"],"summary":"lodash issue",
 "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H"}],
 "affected":[{"package":{"ecosystem":"npm","name":"lodash"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"4.17.21"}]}]}]}
OSV
cat > "$tmp/kev.json" <<'KEV'
{"title": "CISA Catalog of Known Exploited Vulnerabilities", "catalogVersion": "2099.01.02",
 "dateReleased": "2099-01-02T15:00:00.000Z", "count": 2,
 "vulnerabilities": [
  {"cveID": "CVE-2099-0009", "vendorProject": "lodash", "product": "lodash", "vulnerabilityName": "test",
   "dateAdded": "2099-01-01", "shortDescription": "x", "requiredAction": "Apply updates", "dueDate": "2099-01-22",
   "knownRansomwareCampaignUse": "Unknown", "notes": "", "cwes": ["CWE-77"]},
  {"cveID": "not-a-cve", "dateAdded": "2099-01-01"}
 ]}
KEV
printf '#model_version:v2023.03.01,score_date:2099-01-02T00:00:00+0000\ncve,epss,percentile\nCVE-2099-0002,0.91000,0.99000\nCVE-2099-0009,0.00100,0.20000\nCVE-bad,2,3\n' > "$tmp/epss.csv"
gzip -c "$tmp/epss.csv" > "$tmp/epss.csv.gz"
db=$tmp/vuln.db
"$AWP_BIN" db import --db "$db" "$tmp/osv" >/dev/null 2>&1 && ok || ko "db import"
# exploitation data: warnings (one bad KEV entry, one bad EPSS row) -> exit 1
"$AWP_BIN" db import --db "$db" "$tmp/kev.json" "$tmp/epss.csv.gz" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "1 KEV entries, 2 EPSS scores" "$tmp/err" && ok || ko "kev/epss import: $(cat "$tmp/err")"
"$AWP_BIN" db info --db "$db" > "$tmp/info"
grep -q "KEV catalog: 1 CVEs (version 2099.01.02)" "$tmp/info" && grep -q "EPSS scores: 2 CVEs (model v2023.03.01" "$tmp/info" \
	&& ok || ko "db info: $(cat "$tmp/info")"

# JSON
"$AWP_BIN" scan --db "$db" --format json --output "$tmp/out.json" "$root" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; then ok; else ko "scan exit $rc: $(cat "$tmp/err")"; fi
if python3 - "$tmp/out.json" "$rc" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rc = int(sys.argv[2])
assert d["schema"] == "awp.report/1"
os_ = d["scan"]["os"]
assert os_["id"] == "debian" and os_["version_id"] == "11"
assert d["scan"]["database"]["stale"] is False
assert d["scan"]["database"]["kev"] == {"count": 1, "catalog_version": "2099.01.02"}
v = d["findings"]["vulnerabilities"]
n = d["summary"]["counts"]["vulnerabilities"]["total"]
assert n == len(v)
total = sum(c["total"] for c in d["summary"]["counts"].values())
assert (total > 0) == (rc == 1)
names = {s["name"]: s for s in d["scan"]["scanners"]}
assert names["vuln"]["ran"]
for k in ("secret", "threat"):  # built in, or listed with the reason
    assert names[k]["ran"] or names[k]["reason"], names[k]
for f in v:
    p = f["package_info"]
    if p["name"] == "libfoo2":
        assert f["id"] == "DSA-9999-1" and f["fixed_version"] == "1:2.0-3" and f["installed_version"] == "1:2.0-2"
        assert f["exploit"]["epss"] == 0.91 and f["exploit"]["kev"] is False
    if p["name"] == "lodash":
        assert f["id"] == "CVE-2099-0009" and f["fixed_version"] == "4.17.21" and f["score"] == 7.2
        assert f["severity"] == "high"
        assert f["exploit"]["kev"] is True and f["exploit"]["kev_date_added"] == "2099-01-01"
if n:
    risk = d["summary"]["risk"]
    assert risk["score"] >= 70 and risk["level"] in ("high", "critical"), risk
    assert any(x["id"] == "floor.kev" for x in risk["factors"]), risk
    acts = {a["package"]: a for a in d["remediation"]}
    assert acts["lodash"]["command"] == "cd /app && npm install lodash@4.17.21", acts
    assert acts["srcpkg"]["command"] == "apt-get install --only-upgrade libfoo2", acts
PY
then ok; else ko "json content"; fi

# table (plain when piped: no escape sequences)
out=$("$AWP_BIN" scan --db "$db" "$root" 2>/dev/null)
case "$out" in *"findings"*"RISK "*"/100"*"REMEDIATION"*) ok ;; *) ko "table: $out" ;; esac
case "$out" in *$'\033'*) ko "colour when piped" ;; *) ok ;; esac
out=$("$AWP_BIN" scan --db "$db" --color always "$root" 2>/dev/null)
case "$out" in *$'\033['*) ok ;; *) ko "--color always" ;; esac

if [ "$rc" -eq 1 ]; then
	# gates: --exit-code, --severity, --ignore-unfixed, ignore file (with an expired entry)
	"$AWP_BIN" scan --db "$db" --exit-code 7 "$root" >/dev/null 2>&1; [ $? -eq 7 ] && ok || ko "--exit-code 7"
	"$AWP_BIN" scan --db "$db" --severity critical "$root" >/dev/null 2>&1; [ $? -eq 0 ] && ok || ko "--severity critical"
	printf 'CVE-2099-0009 exp:2999-01-01 # accepted\nsrcpkg@1:2.0-2\nCVE-2099-0002 exp:2000-01-01 # expired\n' > "$tmp/ign"
	"$AWP_BIN" scan --db "$db" --ignore-file "$tmp/ign" --format json "$root" > "$tmp/ign.json" 2>"$tmp/err"
	r2=$?
	[ $r2 -eq 0 ] && grep -q "expired on 2000-01-01" "$tmp/err" && ok || ko "ignore file: exit $r2 $(cat "$tmp/err")"
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["summary"]["ignored"] == 2 and d["summary"]["counts"]["vulnerabilities"]["total"] == 0' "$tmp/ign.json" && ok || ko "ignored count"
	# the default ignore file is ./.awpignore
	(cd "$tmp" && cp ign .awpignore && "$AWP_BIN" scan --db "$db" "$root" >/dev/null 2>&1); [ $? -eq 0 ] && ok || ko ".awpignore default"
	(cd "$tmp" && "$AWP_BIN" scan --db "$db" --ignore-file '' "$root" >/dev/null 2>&1); [ $? -eq 1 ] && ok || ko "--ignore-file ''"
	printf 'CVE-1 junk\n' > "$tmp/badign"
	"$AWP_BIN" scan --db "$db" --ignore-file "$tmp/badign" "$root" >/dev/null 2>&1; [ $? -eq 3 ] && ok || ko "bad ignore file"
fi
# a scanner list without vuln needs no database; when none of the requested
# scanners can run (not built in), that is a failure, not "no findings"
"$AWP_BIN" scan --db "$tmp/none.db" --scanners secret,threat "$root" >/dev/null 2>"$tmp/err"
r3=$?
if grep -q "scanner secret not run" "$tmp/err"; then
	[ $r3 -eq 3 ] && grep -q "none of the requested scanners could run" "$tmp/err" && ok || ko "no scanner ran: exit $r3"
else
	[ $r3 -le 1 ] && ok || ko "--scanners secret,threat: exit $r3"
fi
"$AWP_BIN" scan --scanners bogus "$root" >/dev/null 2>&1; [ $? -eq 2 ] && ok || ko "--scanners bogus"

# missing database: exit 3, tells what to run
"$AWP_BIN" scan --db "$tmp/none.db" "$root" >/dev/null 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 3 ] && grep -q "awp db import" "$tmp/err"; then ok; else ko "missing db: exit $rc, $(cat "$tmp/err")"; fi

# usage errors
"$AWP_BIN" scan --format xml "$root" >/dev/null 2>&1; [ $? -eq 2 ] && ok || ko "bad format exit"
"$AWP_BIN" scan >/dev/null 2>&1; [ $? -eq 2 ] && ok || ko "no target exit"
# unreadable target
"$AWP_BIN" scan --db "$db" "$tmp/nonexistent" >/dev/null 2>&1; [ $? -eq 3 ] && ok || ko "bad target exit"

# stale database warning
python3 - "$db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute("UPDATE meta SET value='1000' WHERE key='built_at'"); c.commit()
PY
"$AWP_BIN" scan --db "$db" "$root" >/dev/null 2>"$tmp/err"
grep -q "24 h" "$tmp/err" && ok || ko "no stale warning: $(cat "$tmp/err")"

summary
