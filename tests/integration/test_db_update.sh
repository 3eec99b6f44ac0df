#!/usr/bin/env bash
# awp db update against a local HTTP server (osv_http_server.py, 127.0.0.1
# only) and directory sources: first download, 304 on the second run,
# retries after 503s, truncated and corrupt downloads (the old database keeps
# its data), offline directories in both layouts, and kill -9 mid-download.
# Needs $AWP_BIN (set by ctest) and python3; prints "N passed, N failed" last.
set -u
. "$(dirname "$0")/common.sh"
if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: python3 is needed for the test HTTP server"
	exit 77
fi
here=$(cd "$(dirname "$0")" && pwd)
check() { # check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then ok; else ko "$what"; fi
}

work=$(mktemp -d)
srv_pid=
cleanup() {
	[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null
	[ -n "$srv_pid" ] && wait "$srv_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

export AWP_RETRY_BASE_MS=20 # keep the backoff short; the schedule is unit-tested
unset AWP_OSV_SOURCE
db=$work/db/vuln.db
srv=$work/srv
ctl=$work/ctl
log=$work/requests.log
mkdir -p "$srv" "$ctl" "$work/json"
: >"$log"

# osv NAME ECOSYSTEM PACKAGE FIXED -> $work/json/NAME.json
osv() {
	cat >"$work/json/$1.json" <<EOF
{"id": "$1", "modified": "2024-01-01T00:00:00Z", "summary": "test advisory $1",
 "affected": [{"package": {"ecosystem": "$2", "name": "$3"},
   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "$4"}]}]}]}
EOF
}
# mkzip ECOSYSTEM ID... -> $srv/ECOSYSTEM/all.zip (a fresh mtime each time)
mkzip() {
	local eco=$1
	shift
	mkdir -p "$srv/$eco"
	python3 - "$srv/$eco/all.zip" "$@" <<EOF
import sys, zipfile
out = sys.argv[1]
with zipfile.ZipFile(out + ".new", "w", zipfile.ZIP_DEFLATED) as z:
    for i in sys.argv[2:]:
        z.write("$work/json/" + i + ".json", i + ".json")
import os
os.replace(out + ".new", out)
EOF
	touch -d "@$(($(date +%s) + ${bump:-0}))" "$srv/$eco/all.zip"
}
count() { # count ECOSYSTEM -> advisories stored for it
	"$AWP_BIN" db info --db "$db" 2>/dev/null | awk -v e="$1" '$1 == e && NF == 2 { print $2 }'
}
update() { # update ARGS... -> $out, $rc
	out=$("$AWP_BIN" db update --db "$db" "$@" 2>&1)
	rc=$?
}
expect_rc() { # expect_rc WANT WHAT
	if [ "$rc" -eq "$1" ]; then ok; else ko "$2: exit $rc, want $1; output:
$out"; fi
}
leftovers() { ls "$work/db" | grep -c '\.dl\.\|\.tmp\.'; }

osv DSA-1-1 Debian:11 openssl 1.1.1n-0+deb11u1
osv DSA-2-1 Debian:11 curl 7.74.0-1.3+deb11u7
osv GHSA-aaaa-bbbb-cccc npm lodash 4.17.21
osv GHSA-dddd-eeee-ffff npm minimist 1.2.6
osv PYSEC-2024-1 PyPI requests 2.31.0
osv PYSEC-2024-2 PyPI urllib3 1.26.18
mkzip Debian DSA-1-1
mkzip npm GHSA-aaaa-bbbb-cccc
mkzip PyPI PYSEC-2024-1

python3 "$here/osv_http_server.py" --root "$srv" --port-file "$work/port" --control "$ctl" \
	--log "$log" --lifetime 300 &
srv_pid=$!
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.1; done
if [ ! -s "$work/port" ]; then
	echo "SKIP: the test HTTP server did not start"
	exit 77
fi
url=http://127.0.0.1:$(cat "$work/port")
ecos=Debian,npm,PyPI

# 1. First download imports everything, unconditionally.
update --source "$url" --ecosystems "$ecos"
expect_rc 0 "first update"
check "first update: Debian imported" [ "$(count Debian)" = 1 ]
check "first update: npm imported" [ "$(count npm)" = 1 ]
check "first update: PyPI imported" [ "$(count PyPI)" = 1 ]
check "first update: no conditional headers" [ "$(grep -c 'inm=- ims=- 200$' "$log")" = 3 ]
info=$("$AWP_BIN" db info --db "$db")
check "db info shows the source URL" grep -q "url: *$url/Debian/all.zip" <<<"$info"
check "db info shows the ETag" grep -q 'etag: *"[0-9a-f]\{32\}"' <<<"$info"
check "db info shows the fetched time" grep -q 'fetched: *20[0-9][0-9]-' <<<"$info"
check "no temporary files left" [ "$(leftovers)" = 0 ]

# 2. Second run: conditional requests, 304, nothing changes.
: >"$log"
update --source "$url" --ecosystems "$ecos"
expect_rc 0 "second update"
check "second update: all unchanged" [ "$(grep -c ' unchanged ' <<<"$out")" = 3 ]
check "second update: server answered 304 three times" [ "$(grep -c ' 304$' "$log")" = 3 ]
check "second update: If-None-Match sent" [ "$(grep -c 'inm="[0-9a-f]\{32\}"' "$log")" = 3 ]
check "second update: If-Modified-Since sent" [ "$(grep -c 'ims=[A-Z][a-z][a-z], ' "$log")" = 3 ]
check "second update: data unchanged" [ "$(count Debian)/$(count npm)/$(count PyPI)" = 1/1/1 ]

# 3. 503 twice, then success: retried, and the new data is in.
mkzip Debian DSA-1-1 DSA-2-1
echo "fail503 2" >"$ctl/Debian"
: >"$log"
update --source "$url" --ecosystems "$ecos"
expect_rc 0 "update after two 503s"
check "503 retries: three requests for Debian" [ "$(grep -c '^GET /Debian/all.zip' "$log")" = 3 ]
check "503 retries: two 503 answers" [ "$(grep -c 'Debian.* 503$' "$log")" = 2 ]
check "503 retries: reported as 3 requests" grep -q 'Debian .*updated.*3 requests' <<<"$out"
check "503 retries: new Debian advisory imported" [ "$(count Debian)" = 2 ]

# 4. A truncated body fails npm only; the old npm data stays.
bump=2 mkzip npm GHSA-aaaa-bbbb-cccc GHSA-dddd-eeee-ffff
echo truncate >"$ctl/npm"
update --source "$url" --ecosystems "$ecos"
[ -n "${VERBOSE:-}" ] && echo "$out"
expect_rc 1 "truncated npm download"
check "truncated: npm reported FAILED" grep -q '^npm .*FAILED' <<<"$out"
check "truncated: the old database opens, npm data kept" [ "$(count npm)" = 1 ]
check "truncated: others intact" [ "$(count Debian)/$(count PyPI)" = 2/1 ]
check "truncated: no temporary files left" [ "$(leftovers)" = 0 ]

# 5. A body that does not match the server's MD5.
echo corrupt >"$ctl/npm"
update --source "$url" --ecosystems "$ecos"
expect_rc 1 "corrupt npm download"
check "corrupt: MD5 mismatch reported" grep -q 'MD5' <<<"$out"
check "corrupt: npm data kept" [ "$(count npm)" = 1 ]

# 6. A bad zip upstream (MD5 matches the bad bytes): verification stops it.
echo corruptzip >"$ctl/npm"
update --source "$url" --ecosystems npm
expect_rc 3 "corrupt zip, only npm asked"
check "corrupt zip: reported as a zip problem" grep -qi 'zip' <<<"$out"
check "corrupt zip: npm data kept" [ "$(count npm)" = 1 ]
check "corrupt zip: database still has everything" [ "$(count Debian)/$(count PyPI)" = 2/1 ]
rm -f "$ctl/npm"

# 7. Recovery: the good npm export now comes in.
update --source "$url" --ecosystems "$ecos"
expect_rc 0 "update after the faults are gone"
check "recovery: npm has both advisories" [ "$(count npm)" = 2 ]

# 8. An ecosystem the server does not have, named explicitly -> partial.
update --source "$url" --ecosystems Debian,NuGet
expect_rc 1 "a missing ecosystem named explicitly"
check "missing: NuGet FAILED with 404" grep -q 'NuGet .*FAILED.*404' <<<"$out"

# 9. kill -9 in the middle of a download leaves the database usable.
bump=4 mkzip PyPI PYSEC-2024-1 PYSEC-2024-2
echo "slow 30" >"$ctl/PyPI"
: >"$log"
"$AWP_BIN" db update --db "$db" --source "$url" --ecosystems "$ecos" >/dev/null 2>&1 &
upd=$!
for _ in $(seq 1 100); do grep -q 'PyPI.*200-slow' "$log" && break; sleep 0.1; done
check "kill -9: the download was in progress" grep -q 'PyPI.*200-slow' "$log"
exec 3>&2 2>/dev/null # no "Killed" job notice
kill -9 "$upd"
wait "$upd"
exec 2>&3 3>&-
check "kill -9: a partial download was left behind" [ "$(leftovers)" -ge 1 ]
check "kill -9: the database still opens with its data" \
	[ "$(count Debian)/$(count npm)/$(count PyPI)" = 2/2/1 ]
rm -f "$ctl/PyPI"
update --source "$url" --ecosystems "$ecos"
expect_rc 0 "update after kill -9"
check "kill -9: the next update cleaned the leftovers" [ "$(leftovers)" = 0 ]
check "kill -9: the next update brought the new data" [ "$(count PyPI)" = 2 ]

# 10. $AWP_OSV_SOURCE is the default source.
: >"$log"
out=$(AWP_OSV_SOURCE=$url "$AWP_BIN" db update --db "$db" --ecosystems npm 2>&1)
rc=$?
expect_rc 0 "AWP_OSV_SOURCE"
check "AWP_OSV_SOURCE: the server was asked" grep -q '^GET /npm/all.zip' "$log"

# 11. Directory sources, offline: <Eco>/all.zip and <Eco>.zip, and file://.
kill "$srv_pid" 2>/dev/null
wait "$srv_pid" 2>/dev/null
srv_pid=
db=$work/db2/vuln.db
update --source "$srv" --ecosystems "$ecos"
expect_rc 0 "directory source (<Eco>/all.zip)"
check "directory: data imported" [ "$(count Debian)/$(count npm)/$(count PyPI)" = 2/2/2 ]
update --source "$srv" --ecosystems "$ecos"
check "directory: second run unchanged" [ "$(grep -c ' unchanged ' <<<"$out")" = 3 ]
flat=$work/flat
mkdir -p "$flat"
cp "$srv/npm/all.zip" "$flat/npm.zip"
cp "$srv/Debian/all.zip" "$flat/Debian.zip"
db=$work/db3/vuln.db
update --source "file://$flat" --ecosystems Debian,npm
expect_rc 0 "directory source (<Eco>.zip, file://)"
check "flat directory: data imported" [ "$(count Debian)/$(count npm)" = 2/2 ]
printf 'PK\003\004 this is not a zip' >"$flat/npm.zip"
update --source "$flat" --ecosystems Debian,npm
expect_rc 1 "directory with a corrupt zip"
check "directory: corrupt zip kept the old data" [ "$(count npm)" = 2 ]
# Default list against a directory: absent ecosystems are skipped, not errors.
update --source "$srv"
expect_rc 0 "directory source, default ecosystems"
check "default list: absent ones reported missing" grep -q '^Ubuntu .*missing' <<<"$out"
update --source "$work/nonexistent"
expect_rc 3 "a source that does not exist"
update --source "$url" --ecosystems "../etc"
expect_rc 2 "an ecosystem name with a slash"

summary
