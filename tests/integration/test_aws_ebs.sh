#!/bin/bash
# EBS direct acceptance on loopback: a fixture image is uploaded to moto
# through StartSnapshot/PutSnapshotBlock/CompleteSnapshot, then
# `awp inspect ebs:snap-…` and `awp ls -R --sha256 ebs:snap-… /` must equal
# the same commands on the raw image. Every awp request's SigV4 signature is
# checked by botocore's signer in the server. Also: injected 503/throttling
# on block reads are retried; a wrong secret fails with an auth error that
# does not contain the secret.
set -uo pipefail
awp=${AWP_BIN:?}
here=$(cd "$(dirname "$0")" && pwd)
fx=${AWP_FIXTURES_DIR:-}
python3 -c 'import moto, boto3' 2>/dev/null || { echo "SKIP: python moto/boto3 not installed"; exit 77; }
img=$fx/small-synthetic-ext4.raw
[ -n "$fx" ] && [ -f "$img" ] || { echo "SKIP: $img absent (fixtures)"; exit 77; }

tmp=$(mktemp -d)
srv=
cleanup() { [ -n "$srv" ] && kill "$srv" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
python3 "$here/aws_moto.py" serve --port-file "$tmp/port" --verify-sigv4 2>"$tmp/server.log" &
srv=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || { echo "FAIL: server did not start"; cat "$tmp/server.log"; exit 1; }
ep=http://127.0.0.1:$(cat "$tmp/port")
export AWS_ENDPOINT_URL=$ep AWS_ACCESS_KEY_ID=AKIDTESTAWP AWS_SECRET_ACCESS_KEY='awp/secret+TEST/key'
export AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true AWS_SHARED_CREDENTIALS_FILE=/nonexistent AWS_CONFIG_FILE=/nonexistent
unset AWS_PROFILE AWS_SESSION_TOKEN

pass=0 fail=0
check() { local name=$1; shift; if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $name"; fi; }
ctl() { python3 "$here/aws_moto.py" control --endpoint "$ep" "$1"; }

compare_image() { # image
	local img=$1 name snap
	name=$(basename "$img")
	snap=$(python3 "$here/aws_moto.py" upload --endpoint "$ep" "$img" 2>"$tmp/upload.log") || { cat "$tmp/upload.log"; return 1; }
	echo "$name -> $snap ($(cat "$tmp/upload.log"))"
	# An EBS volume is a whole number of GiB: compare with the image padded
	# to that size (sparse), as the volume it was copied from would be.
	local gib=$(( ($(stat -c %s "$img") + (1 << 30) - 1) >> 30 ))
	cp --sparse=always "$img" "$tmp/padded.raw" && truncate -s "${gib}G" "$tmp/padded.raw"
	"$awp" inspect "$tmp/padded.raw" | sed "s|$tmp/padded.raw|TARGET|; s|format:    raw|format:    X|" > "$tmp/ref.inspect"
	"$awp" inspect "ebs:$snap" 2>"$tmp/ebs.err" | sed "s|ebs:$snap|TARGET|; s|format:    ebs|format:    X|" > "$tmp/ebs.inspect"
	check "$name: inspect equal" diff -u "$tmp/ref.inspect" "$tmp/ebs.inspect"
	"$awp" ls -R --sha256 "$img" / > "$tmp/ref.ls" 2>&1
	python3 "$here/aws_moto.py" control --endpoint "$ep" '{"reset_stats": true}'
	"$awp" ls -R --sha256 "ebs:$snap" / > "$tmp/ebs.ls" 2>&1
	check "$name: ls -R --sha256 equal ($(wc -l < "$tmp/ref.ls") entries)" diff -u "$tmp/ref.ls" "$tmp/ebs.ls"
	check "$name: no errors" test ! -s "$tmp/ebs.err"
	echo "$name: requests for ls -R --sha256: $(python3 "$here/aws_moto.py" stats --endpoint "$ep")"
	SNAP=$snap
}

# Small ListSnapshotBlocks pages: the listing is followed across NextToken.
ctl '{"ebs_page_cap": 2}'
compare_image "$img"
ctl '{}'
[ -f "$fx/debian12-ext4-gpt.raw" ] && [ "${AWP_AWS_BIG:-0}" = 1 ] && compare_image "$fx/debian12-ext4-gpt.raw"

# Retries: the first block reads fail with 503 and throttling, then succeed.
ctl '{"faults": [{"match": "GetSnapshotBlock", "status": 503, "count": 2}, {"match": "GetSnapshotBlock", "status": 400, "code": "ThrottlingException", "count": 1}, {"match": "ListSnapshotBlocks", "status": 429, "code": "TooManyRequestsException", "count": 1}]}'
"$awp" ls -R --sha256 "ebs:$SNAP" / > "$tmp/retry.ls" 2>"$tmp/retry.err"
check "reads succeed through injected 503/429/throttling" diff -u "$tmp/ref.ls" "$tmp/retry.ls"
stats=$(python3 "$here/aws_moto.py" stats --endpoint "$ep")
check "faults were injected ($stats)" grep -q '"fault:GetSnapshotBlock": 3' <<<"$stats"
ctl '{}'

# A wrong secret: SignatureDoesNotMatch -> auth error; the secret is not in it.
AWS_SECRET_ACCESS_KEY='wrong/SECRET+value' "$awp" inspect "ebs:$SNAP" > /dev/null 2>"$tmp/auth.err"
rc=$?
check "wrong secret fails (rc=$rc)" test $rc -ne 0
check "auth error names the cause" grep -q SignatureDoesNotMatch "$tmp/auth.err"
check "secret not in the error" bash -c "! grep -q 'wrong/SECRET' '$tmp/auth.err' && ! grep -q 'awp/secret' '$tmp/auth.err'"
cat "$tmp/auth.err"
# Not a snapshot id / a missing snapshot.
"$awp" inspect "ebs:snap-0000000000000000f" > /dev/null 2>"$tmp/missing.err"
check "missing snapshot fails" test $? -ne 0
"$awp" inspect "ebs:../etc" > /dev/null 2>&1
check "bad snapshot id refused" test $? -ne 0
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
