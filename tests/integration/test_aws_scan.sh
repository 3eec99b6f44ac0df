#!/bin/bash
# `awp aws scan` against moto on loopback (tests/integration/aws_moto.py):
#  - Linux and Windows instances, running and stopped, with and without the
#    skip tag: the right ones are snapshotted, skipped, excluded;
#  - the fixture image uploaded through the EBS direct APIs is the content of
#    a one-volume instance: its report equals `awp scan` of the image file;
#  - a two-volume instance whose /var is on the second volume (fstab UUID=):
#    the packages under /var are found in the assembled tree;
#  - a two-volume instance whose root is an LV with extents on both volumes;
#  - no awp snapshot is left after a run, after kill -TERM mid-scan, and
#    after kill -9 followed by another run (the sweeper);
#  - saas mode: AssumeRole with an external id into another account, the
#    snapshot shared with the scanner account (DescribeSnapshotAttribute),
#    read with the scanner's own credentials;
#  - throttling and 5xx injected on loopback are retried.
set -uo pipefail
awp=${AWP_BIN:?}
here=$(cd "$(dirname "$0")" && pwd)
fx=${AWP_FIXTURES_DIR:-}
python3 -c 'import moto, boto3' 2>/dev/null || { echo "SKIP: python moto/boto3 not installed"; exit 77; }
img=$fx/small-synthetic-ext4.raw
[ -n "$fx" ] && [ -f "$img" ] || { echo "SKIP: $img absent (fixtures)"; exit 77; }
command -v mkfs.ext4 >/dev/null || { echo "SKIP: mkfs.ext4 absent"; exit 77; }

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
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_REGION

pass=0 fail=0
check() { local name=$1; shift; if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $name"; fi; }
ctl() { python3 "$here/aws_moto.py" control --endpoint "$ep" "$1"; }
upload() { python3 "$here/aws_moto.py" upload --endpoint "$ep" "$1" 2>/dev/null; }
stat_of() { python3 "$here/aws_moto.py" stats --endpoint "$ep" | python3 -c "import json,sys; print(json.load(sys.stdin).get('$1', 0))"; }
# py ACCOUNT-ROLE CODE: boto3 as the default account, or as an assumed role
py() {
	local role=$1; shift
	AWP_EP=$ep AWP_ROLE=$role python3 - "$@" <<EOF
import boto3, json, os, sys
ep = os.environ['AWP_EP']
kw = dict(endpoint_url=ep, region_name='us-east-1', aws_access_key_id='AKIDTESTAWP', aws_secret_access_key='awp/secret+TEST/key')
if os.environ['AWP_ROLE']:
    c = boto3.client('sts', **kw).assume_role(RoleArn=os.environ['AWP_ROLE'], RoleSessionName='test', ExternalId='ext-123')['Credentials']
    kw.update(aws_access_key_id=c['AccessKeyId'], aws_secret_access_key=c['SecretAccessKey'], aws_session_token=c['SessionToken'])
ec2 = boto3.client('ec2', **kw)
def awp_snaps():
    return [s['SnapshotId'] for s in ec2.describe_snapshots(OwnerIds=['self'], Filters=[{'Name': 'tag:awp:managed', 'Values': ['true']}])['Snapshots']]
$(cat)
EOF
}

# ---- fixtures: a tiny advisory database, the two-volume machine --------------
mkdir -p "$tmp/osv"
cat > "$tmp/osv/var.json" <<'OSV'
{"id":"DSA-9999-1","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2099-0002"],"summary":"varpkg - security update",
 "affected":[{"package":{"ecosystem":"Debian:12","name":"varpkg"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.0-2"}]}]}]}
OSV
db=$tmp/vuln.db
"$awp" db import --db "$db" "$tmp/osv" >/dev/null 2>&1 || { echo "FAIL: db import"; exit 1; }
export AWP_DB=$db

varuuid=4f3c6a9e-1d2b-4c5d-8e7f-a1b2c3d4e5f6
mkdir -p "$tmp/root/etc" "$tmp/root/var" "$tmp/var/lib/dpkg" "$tmp/var/www"
printf 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' > "$tmp/root/etc/os-release"
printf '# <fs> <mp> <type> <opts>\nLABEL=cloudroot / ext4 defaults 0 1\nUUID=%s /var ext4 defaults,nofail 0 2\n/dev/xvdg1 /data ext4 defaults,nofail 0 2\n' "$varuuid" > "$tmp/root/etc/fstab"
printf 'Package: varpkg\nStatus: install ok installed\nVersion: 1.0-1\nArchitecture: amd64\n\n' > "$tmp/var/lib/dpkg/status"
printf 'hello from /var\n' > "$tmp/var/www/index.html"
mkfs.ext4 -q -F -L cloudroot -d "$tmp/root" "$tmp/root.img" 16M >/dev/null 2>&1 &&
	mkfs.ext4 -q -F -U "$varuuid" -d "$tmp/var" "$tmp/var.img" 16M >/dev/null 2>&1 || { echo "FAIL: mkfs"; exit 1; }

snap_a=$(upload "$img") && snap_root=$(upload "$tmp/root.img") && snap_var=$(upload "$tmp/var.img") ||
	{ echo "FAIL: upload"; exit 1; }

# ---- the fleet ----------------------------------------------------------------
py "" > "$tmp/fleet.json" <<'PY'
img = ec2.describe_images(Owners=['amazon'])['Images']
lin = [i['ImageId'] for i in img if i.get('Platform') != 'windows'][0]
win = [i['ImageId'] for i in img if i.get('Platform') == 'windows'][0]
def run(image, tags, bdm=None):
    kw = dict(ImageId=image, MinCount=1, MaxCount=1)
    if tags:
        kw['TagSpecifications'] = [{'ResourceType': 'instance', 'Tags': [{'Key': k, 'Value': v} for k, v in tags.items()]}]
    if bdm:
        kw['BlockDeviceMappings'] = bdm
    i = ec2.run_instances(**kw)['Instances'][0]
    return i['InstanceId']
out = {}
out['one'] = run(lin, {'Name': 'one-volume'})
out['two'] = run(lin, {'Name': 'two-volumes'}, [{'DeviceName': '/dev/xvda', 'Ebs': {'VolumeSize': 1}},
                                              {'DeviceName': '/dev/sdf', 'Ebs': {'VolumeSize': 1}}])
out['skip'] = run(lin, {'Name': 'skip-me', 'CG_AWP_SKIP_SCAN': ''})
out['stopped'] = run(lin, {'Name': 'stopped'})
ec2.stop_instances(InstanceIds=[out['stopped']])
out['win'] = run(win, {'Name': 'windows'})
vols = {}
for r in ec2.describe_instances()['Reservations']:
    for i in r['Instances']:
        vols[i['InstanceId']] = {m['DeviceName']: m['Ebs']['VolumeId'] for m in i['BlockDeviceMappings']}
out['vols'] = vols
print(json.dumps(out))
PY
[ -s "$tmp/fleet.json" ] || { echo "FAIL: fleet"; exit 1; }
id() { python3 -c "import json,sys; print(json.load(open('$tmp/fleet.json'))['$1'])"; }
vol() { python3 -c "import json,sys; d=json.load(open('$tmp/fleet.json')); print(d['vols'][d['$1']]['$2'])"; }
one=$(id one) two=$(id two) skip=$(id skip) stopped=$(id stopped) win=$(id win)
one_root=$(python3 -c "import json; d=json.load(open('$tmp/fleet.json')); print(list(d['vols'][d['one']].values())[0])")
ctl "{\"volume_data\": {\"$one_root\": \"$snap_a\", \"$(vol two /dev/xvda)\": \"$snap_root\", \"$(vol two /dev/sdf)\": \"$snap_var\"}}"
echo "instances: one=$one two=$two skip=$skip stopped=$stopped win=$win"

field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
no_awp_snapshots() { local n; n=$(py "" <<<'print(len(awp_snaps()))'); [ "$n" = 0 ] || { echo "  $n awp snapshot(s) left"; return 1; }; }

# ---- 1. in-account scan of the fleet ---------------------------------------------
ctl '{"reset_stats": true}'
"$awp" aws scan --output-dir "$tmp/out1" --format table > "$tmp/run1.out" 2> "$tmp/run1.err"
rc=$?
cat "$tmp/run1.out"
[ $rc -le 1 ] && ! grep -q Sanitizer "$tmp/run1.err" || head -c 3000 "$tmp/run1.err"
check "run exits 0 or 1 (rc=$rc: $(head -c 300 "$tmp/run1.err"))" test $rc -le 1
st() { field "$tmp/$1/$2.json" "d['status'] + '/' + d['reason_code']"; }
check "one-volume instance scanned ($(st out1 "$one"))" test "$(st out1 "$one")" = "scanned/"
check "two-volume instance scanned ($(st out1 "$two"))" test "$(st out1 "$two")" = "scanned/"
check "skip tag -> skipped ($(st out1 "$skip"))" test "$(st out1 "$skip")" = "skipped/skip_tag"
check "stopped -> excluded ($(st out1 "$stopped"))" test "$(st out1 "$stopped")" = "excluded/not_running"
check "windows -> excluded ($(st out1 "$win"))" test "$(st out1 "$win")" = "excluded/not_linux"
check "snapshots only for the scanned ones" test "$(stat_of CreateSnapshots)" = 2
check "skipped/excluded have no snapshot" test "$(field "$tmp/out1/$skip.json" "len(d['snapshots']['created'])")$(field "$tmp/out1/$win.json" "len(d['snapshots']['created'])")" = 00
check "two snapshots for the two-volume instance" test "$(field "$tmp/out1/$two.json" "len(d['snapshots']['created'])")" = 2
check "no awp snapshot left after the run" no_awp_snapshots

# the snapshot's report equals `awp scan` of the image file
"$awp" scan --format json --output "$tmp/ref.json" "$img" 2>/dev/null
norm='import json,sys
d = json.load(open(sys.argv[1]))
d = d.get("report", d)
# What differs by design between an image file and the same disk read as an
# assembled instance: the target, times, the image-level volume list (the
# instance lists its volumes in its own record) and volume names.
sc = d.get("scan", {})
for k in ("target", "target_format", "started_at", "duration_seconds", "coverage"):
    sc.pop(k, None)
db = sc.get("database", {})
for k in list(db):
    if k in ("age_hours", "path", "stale") or k.endswith("_at"):
        db.pop(k)
def strip(x):
    if isinstance(x, dict):
        return {k: strip(v) for k, v in x.items() if k not in ("volume", "seconds")}
    if isinstance(x, list):
        return [strip(v) for v in x]
    return x
d = strip(d)
print(json.dumps(d, sort_keys=True, indent=1))'
python3 -c "$norm" "$tmp/ref.json" > "$tmp/ref.norm"
python3 -c "$norm" "$tmp/out1/$one.json" > "$tmp/one.norm"
check "report of the snapshot equals awp scan of the image ($(wc -l < "$tmp/ref.norm") lines)" diff -u "$tmp/ref.norm" "$tmp/one.norm"
check "the report is not empty" grep -q '"vulnerabilities"' "$tmp/ref.norm"
fetched=$(field "$tmp/out1/$one.json" "d['ebs']['blocks_fetched']")
listed=$(field "$tmp/out1/$one.json" "d['ebs']['blocks_listed']")
echo "one-volume instance: blocks fetched $fetched of $listed listed"

# /var on the second volume, placed by fstab UUID=
check "/var volume read at /var" test "$(field "$tmp/out1/$two.json" "[v['mountpoint'] for v in d['volumes'] if v['read']]")" = "['/', '/var']"
check "package under /var found (varpkg)" test "$(field "$tmp/out1/$two.json" "[f['package'] for f in d['report']['findings']['vulnerabilities']]")" = "['varpkg']"

# ---- 2. kill -TERM mid-scan: cleanup runs -----------------------------------------
ctl '{"snapshot_pending_s": 30, "reset_stats": true}'
"$awp" aws scan --instance "$one" --output-dir "$tmp/out2" > "$tmp/run2.out" 2> "$tmp/run2.err" &
pid=$!
for _ in $(seq 100); do [ "$(stat_of CreateSnapshots)" -ge 1 ] && break; sleep 0.1; done
sleep 0.5
n=$(py "" <<<'print(len(awp_snaps()))')
check "a snapshot exists mid-scan ($n)" test "$n" -ge 1
kill -TERM $pid
wait $pid
rc=$?
check "SIGTERM: exit 143 (rc=$rc)" test $rc = 143
check "SIGTERM: no awp snapshot left" no_awp_snapshots
check "SIGTERM: result says canceled" test "$(st out2 "$one")" = "failed/canceled"

# ---- 3. kill -9 mid-scan leaks; the next run sweeps --------------------------------
ctl '{"reset_stats": true}'
"$awp" aws scan --instance "$one" --output-dir "$tmp/out3" > /dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do [ "$(stat_of CreateSnapshots)" -ge 1 ] && break; sleep 0.1; done
sleep 0.5
kill -9 $pid
wait $pid 2>/dev/null
n=$(py "" <<<'print(len(awp_snaps()))')
check "kill -9 leaves the snapshot ($n)" test "$n" -ge 1
ctl '{"snapshot_pending_s": 0}'
# the killed run was on this host and its process is gone: the next run
# sweeps its snapshot whatever its age
"$awp" aws scan --instance "$stopped" --output-dir "$tmp/out4" > /dev/null 2>&1
check "after kill -9 and another run (default sweep age): none left" no_awp_snapshots
# a young snapshot of another scanner host is kept by the 6h sweep age...
py "" <<<'v = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
ec2.create_snapshot(VolumeId=v, TagSpecifications=[{"ResourceType": "snapshot", "Tags": [
    {"Key": "awp:managed", "Value": "true"}, {"Key": "awp:scan-id", "Value": "awp-1-4242"},
    {"Key": "awp:host", "Value": "another-scanner-host"}]}])'
"$awp" aws scan --instance "$stopped" --output-dir "$tmp/out4b" > /dev/null 2>&1
n=$(py "" <<<'print(len(awp_snaps()))')
check "another host's young snapshot kept by the 6h sweep age ($n)" test "$n" -ge 1
# ...and swept with a short one
"$awp" aws scan --instance "$one" --sweep-age 0 --format json --output-dir "$tmp/out5" > "$tmp/run5.json" 2>"$tmp/run5.err"
check "sweeper reports what it deleted" test "$(field "$tmp/run5.json" "d['swept']")" -ge 1
check "with --sweep-age 0: none left" no_awp_snapshots
check "the next run scanned" test "$(st out5 "$one")" = "scanned/"

# ---- 4. retries: throttling and 5xx on EC2 and EBS -----------------------------------
ctl '{"reset_stats": true, "faults": [{"match": "DescribeInstances", "status": 503, "count": 2}, {"match": "CreateSnapshots", "status": 400, "code": "RequestLimitExceeded", "count": 1}, {"match": "DescribeSnapshots", "status": 500, "count": 1}, {"match": "GetSnapshotBlock", "status": 503, "count": 2}, {"match": "ListSnapshotBlocks", "status": 429, "code": "TooManyRequestsException", "count": 1}]}'
"$awp" aws scan --instance "$one" --output-dir "$tmp/out6" > /dev/null 2>"$tmp/run6.err"
check "scanned through injected faults ($(st out6 "$one"))" test "$(st out6 "$one")" = "scanned/"
check "faults were injected" test "$(stat_of fault:DescribeInstances)$(stat_of fault:CreateSnapshots)$(stat_of fault:GetSnapshotBlock)" = 212
python3 -c "$norm" "$tmp/out6/$one.json" > "$tmp/six.norm"
check "same report through faults" diff -q "$tmp/ref.norm" "$tmp/six.norm"
ctl '{}'

# ---- 5. saas: the customer's role, shared with the scanner account ---------------------
role=arn:aws:iam::111122223333:role/awp-scan
py "$role" > "$tmp/cust.json" <<'PY'
img = ec2.describe_images(Owners=['amazon'])['Images']
lin = [i['ImageId'] for i in img if i.get('Platform') != 'windows'][0]
i = ec2.run_instances(ImageId=lin, MinCount=1, MaxCount=1)['Instances'][0]
print(json.dumps({'id': i['InstanceId'], 'vol': i['BlockDeviceMappings'][0]['Ebs']['VolumeId'], 'owner': ec2.describe_instances()['Reservations'][0]['OwnerId']}))
PY
cust=$(field "$tmp/cust.json" "d['id']")
check "customer instance in account 111122223333" test "$(field "$tmp/cust.json" "d['owner']")" = 111122223333
ctl "{\"volume_data\": {\"$(field "$tmp/cust.json" "d['vol']")\": \"$snap_a\"}}"
# DeleteSnapshot refused (after the instance, and both cleanups at the end):
# the shared snapshot survives, so its attribute can be read
ctl '{"reset_stats": true, "faults": [{"match": "DeleteSnapshot", "status": 400, "code": "UnauthorizedOperation", "count": 3}]}'
"$awp" aws scan --mode saas --role-arn "$role" --external-id ext-123 --output-dir "$tmp/out7" > "$tmp/run7.out" 2>"$tmp/run7.err"
cat "$tmp/run7.out"
check "saas: customer instance scanned ($(st out7 "$cust"))" test "$(st out7 "$cust")" = "scanned/"
check "saas: only the customer's instance seen" test "$(ls "$tmp/out7" | wc -l)" = 1
check "saas: undeleted snapshot reported" test "$(field "$tmp/out7/$cust.json" "d['snapshots']['not_deleted']")" = 1
check "saas: undeleted snapshot said on stderr" grep -q "could not be deleted; the next run's sweeper" "$tmp/run7.err"
left=$(field "$tmp/out7/$cust.json" "d['snapshots']['created'][0]")
perm=$(py "$role" <<PY
print(ec2.describe_snapshot_attribute(SnapshotId='$left', Attribute='createVolumePermission')['CreateVolumePermissions'])
PY
)
check "saas: shared with the scanner account ($perm)" test "$perm" = "[{'UserId': '123456789012'}]"
python3 -c "$norm" "$tmp/out7/$cust.json" > "$tmp/seven.norm"
check "saas: same report" diff -q "$tmp/ref.norm" "$tmp/seven.norm"
# without the share, the scanner account cannot read it
n=$(py "" <<PY
import botocore
ebs = boto3.client('ebs', **kw)
try:
    ebs.list_snapshot_blocks(SnapshotId='$left'); print('readable')
except botocore.exceptions.ClientError as e:
    print(e.response['Error']['Code'])
PY
)
check "saas: the scanner reads the shared snapshot ($n)" test "$n" = readable
"$awp" aws scan --mode saas --role-arn "$role" --external-id ext-123 --sweep-age 0 --output-dir "$tmp/out8" > /dev/null 2>&1
n=$(py "$role" <<<'print(len(awp_snaps()))')
check "saas: the sweeper removes it in the customer account ($n left)" test "$n" = 0
"$awp" aws scan --mode saas --role-arn "$role" > /dev/null 2>&1
check "saas without --external-id is a usage error" test $? = 2

# ---- 6. a volume group spanning two volumes: the root LV has extents on both -----
# PV images in LVM2's on-disk format (label in sector 1, one metadata area at
# 4 KiB, data from 1 MiB, 1 MiB extents); vg0/root = pv0 extents 0-9 then pv1 0-9.
mkdir -p "$tmp/lvroot/etc" "$tmp/lvroot/var/lib/dpkg"
cp "$tmp/root/etc/os-release" "$tmp/lvroot/etc/"
printf '/dev/mapper/vg0-root / ext4 defaults 0 1\n' > "$tmp/lvroot/etc/fstab"
cp "$tmp/var/lib/dpkg/status" "$tmp/lvroot/var/lib/dpkg/status"
head -c 12000000 /dev/urandom > "$tmp/lvroot/var/filler"
mkfs.ext4 -q -F -d "$tmp/lvroot" "$tmp/lvroot.img" 20M >/dev/null 2>&1 || { echo "FAIL: mkfs lvroot"; exit 1; }
python3 - "$tmp" <<'PY' || { echo "FAIL: PV images"; exit 1; }
import struct, sys, zlib
tmp = sys.argv[1]
MiB, EXT = 1 << 20, 10
def crc(b):  # LVM's crc32: seeded 0xf597a6cf, no final inversion
    return ~zlib.crc32(b, ~0xf597a6cf & 0xffffffff) & 0xffffffff
uu = ["SpanPVaaUvfYDEqAkf7gsKohFKSFyYm0", "SpanPVbbUvfYDEqAkf7gsKohFKSFyYm1"]
dash = lambda u: "-".join([u[:6], u[6:10], u[10:14], u[14:18], u[18:22], u[22:26], u[26:]])
size = MiB + 16 * MiB
pvs = "".join('pv%d {\nid = "%s"\ndevice = "/dev/xvd%s"\nstatus = ["ALLOCATABLE"]\nflags = []\ndev_size = %d\n'
              'pe_start = 2048\npe_count = 16\n}\n' % (i, dash(u), "af"[i], size // 512) for i, u in enumerate(uu))
seg = lambda n, start, pv: ('segment%d {\nstart_extent = %d\nextent_count = %d\ntype = "striped"\nstripe_count = 1\n'
                            'stripes = [\n"%s", 0\n]\n}\n' % (n, start, EXT, pv))
text = ('vg0 {\nid = "TiQEsX-oRfW-TTcp-oola-4v0e-D081-AS2HBe"\nseqno = 2\nformat = "lvm2"\n'
        'status = ["RESIZEABLE", "READ", "WRITE"]\nflags = []\nextent_size = 2048\nmax_lv = 0\nmax_pv = 0\n'
        'metadata_copies = 0\nphysical_volumes {\n' + pvs + '}\nlogical_volumes {\nroot {\n'
        'id = "R00tLV-oOgj-9o4j-3wS9-Ap7V-mA8W-FVEqJM"\nstatus = ["READ", "WRITE", "VISIBLE"]\nflags = []\n'
        'segment_count = 2\n' + seg(1, 0, "pv0") + seg(2, EXT, "pv1") + '}\n}\n}\n'
        'contents = "Text Format Volume Group"\nversion = 1\n').encode()
fs = open(tmp + "/lvroot.img", "rb").read()
for i, u in enumerate(uu):
    img = bytearray(size)
    label = bytearray(512)
    label[0:8] = b"LABELONE"
    struct.pack_into("<QI", label, 8, 1, 0)
    struct.pack_into("<I", label, 20, 32)
    label[24:32] = b"LVM2 001"
    label[32:64] = u.encode()
    struct.pack_into("<QQQQQQQQQII", label, 64, size, MiB, 0, 0, 0, 4096, MiB - 4096, 0, 0, 2, 1)
    struct.pack_into("<I", label, 16, crc(bytes(label[20:])))
    img[512:1024] = label
    mda = bytearray(512)
    mda[4:20] = b" LVM2 x[5A%r0N*>"
    struct.pack_into("<IQQQQI", mda, 20, 1, 4096, MiB - 4096, 512, len(text), crc(text))
    struct.pack_into("<I", mda, 0, crc(bytes(mda[4:])))
    img[4096:4608] = mda
    img[4096 + 512:4096 + 512 + len(text)] = text
    part = fs[i * EXT * MiB:(i + 1) * EXT * MiB]
    img[MiB:MiB + len(part)] = part
    open("%s/pv%d.img" % (tmp, i), "wb").write(img)
PY
snap_pv0=$(upload "$tmp/pv0.img") && snap_pv1=$(upload "$tmp/pv1.img") || { echo "FAIL: upload PVs"; exit 1; }
py "" > "$tmp/lvm.json" <<'PY'
lin = [i['ImageId'] for i in ec2.describe_images(Owners=['amazon'])['Images'] if i.get('Platform') != 'windows'][0]
i = ec2.run_instances(ImageId=lin, MinCount=1, MaxCount=1, BlockDeviceMappings=[
    {'DeviceName': '/dev/xvda', 'Ebs': {'VolumeSize': 1}}, {'DeviceName': '/dev/sdf', 'Ebs': {'VolumeSize': 1}}])['Instances'][0]
print(json.dumps({'id': i['InstanceId'], 'vols': {m['DeviceName']: m['Ebs']['VolumeId'] for m in i['BlockDeviceMappings']}}))
PY
lvm=$(field "$tmp/lvm.json" "d['id']")
ctl "{\"faults\": [], \"volume_data\": {\"$(field "$tmp/lvm.json" "d['vols']['/dev/xvda']")\": \"$snap_pv0\", \"$(field "$tmp/lvm.json" "d['vols']['/dev/sdf']")\": \"$snap_pv1\"}}"
"$awp" aws scan --instance "$lvm" --output-dir "$tmp/out9" > /dev/null 2>"$tmp/run9.err"
check "VG across two volumes: scanned ($(st out9 "$lvm"): $(head -c 300 "$tmp/run9.err"))" test "$(st out9 "$lvm")" = "scanned/"
check "VG across two volumes: root LV read from both" test "$(field "$tmp/out9/$lvm.json" "[(v['volume_id'], v['name'], v['mountpoint']) for v in d['volumes'] if v['read']]")" = "[('lvm', 'vg0/root', '/')]"
check "VG across two volumes: per-volume LVs superseded" test "$(field "$tmp/out9/$lvm.json" "sorted(v['reason_code'] for v in d['volumes'] if v['name'] == 'vg0/root' and not v['read'])")" = "['lvm_spans_volumes', 'lvm_spans_volumes']"
check "VG across two volumes: package on the LV found (varpkg)" test "$(field "$tmp/out9/$lvm.json" "[f['package'] for f in d['report']['findings']['vulnerabilities']]")" = "['varpkg']"

check "no sanitizer report from awp" bash -c "! grep -l -e Sanitizer -e 'runtime error' $tmp/*.err"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
