#!/bin/sh
# Build real rpm databases for test_rpmdb.c in $1:
#   sqlite/rpmdb.sqlite  written by rpm itself (rpm -i --justdb) from two RPMs
#                        made here with rpmbuild;
#   Packages             a real Berkeley DB hash file (written by libdb through
#                        perl's DB_File) holding the same header blobs, keyed
#                        by header number as rpm does;
#   Packages.db          an ndb file laid out from rpm's documented format
#                        (no tool on Debian writes ndb).
# Exit 77 when a tool is missing.
set -eu
out=$1
for t in rpmbuild rpm sqlite3 perl python3; do
	command -v $t >/dev/null 2>&1 || { echo "missing $t"; exit 77; }
done
perl -MDB_File -e 1 2>/dev/null || { echo "missing perl DB_File"; exit 77; }
top=$out/rpmbuild
mkdir -p $top/SPECS $out/sqlite
cat > $top/SPECS/awptest.spec <<'SPEC'
Name: awptest
Epoch: 2
Version: 1.0
Release: 3.el9
Summary: awp test package
License: MIT and (BSD or GPLv2+)
Vendor: awp tests
BuildArch: noarch
%description
test
%install
mkdir -p %{buildroot}/usr/share/awptest %{buildroot}/etc
echo hello > %{buildroot}/usr/share/awptest/a.txt
echo conf > %{buildroot}/etc/awptest.conf
%files
/usr/share/awptest
/etc/awptest.conf
SPEC
cat > $top/SPECS/awplib.spec <<'SPEC'
Name: awplib
Version: 0.9
Release: 1
Summary: awp test library
License: Apache-2.0
BuildArch: noarch
%description
test
%package extra
Summary: extra
%description extra
extra
%install
mkdir -p %{buildroot}/usr/lib/awplib
for i in $(seq 1 300); do echo $i > %{buildroot}/usr/lib/awplib/f$i; done
%files
/usr/lib/awplib
%files extra
SPEC
for s in awptest awplib; do
	rpmbuild --quiet --define "_topdir $top" -bb $top/SPECS/$s.spec >/dev/null 2>&1
done
rpm --dbpath $out/sqlite --define '_db_backend sqlite' --initdb
rpm --dbpath $out/sqlite --define '_db_backend sqlite' -i --justdb --nodeps --noscripts --nosignature \
	$top/RPMS/noarch/*.rpm >/dev/null 2>&1
sqlite3 $out/sqlite/rpmdb.sqlite 'select hnum, hex(blob) from Packages order by hnum' > $out/blobs.txt
# Berkeley DB hash, 4 KiB pages: header blobs larger than a quarter page go to overflow pages.
perl -MDB_File -e '
	my %h; tie %h, "DB_File", $ARGV[0], O_RDWR|O_CREAT, 0644, $DB_HASH or die "$!";
	open(my $f, "<", $ARGV[1]) or die; while (<$f>) { chomp; my ($n, $hex) = split /\|/;
		$h{pack("L", $n)} = pack("H*", $hex); } untie %h;' $out/Packages $out/blobs.txt
python3 - "$out/blobs.txt" "$out/Packages.db" <<'PY'
import struct, sys, zlib
blobs = [(int(n), bytes.fromhex(h)) for n, h in (l.strip().split("|") for l in open(sys.argv[1]) if l.strip())]
PAGE, BLK = 4096, 16
slots = bytearray(PAGE)
struct.pack_into("<4sIIII", slots, 0, b"RpmP", 0, 1, 1, max(n for n, _ in blobs) + 1)
for i in range(2, PAGE // 16):
    struct.pack_into("<4sIII", slots, i * 16, b"Slot", 0, 0, 0)
data = bytearray()
blk = PAGE // BLK
for i, (n, b) in enumerate(blobs):
    cnt = (16 + len(b) + 12 + BLK - 1) // BLK
    struct.pack_into("<4sIII", slots, (2 + i) * 16, b"Slot", n, blk, cnt)
    rec = bytearray(cnt * BLK)
    struct.pack_into("<4sIII", rec, 0, b"BlbS", n, 0, len(b))
    rec[16:16 + len(b)] = b
    struct.pack_into("<II4s", rec, len(rec) - 12, zlib.adler32(bytes(rec[:16 + len(b)])), len(b), b"BlbE")
    data += rec
    blk += cnt
open(sys.argv[2], "wb").write(bytes(slots) + bytes(data))
PY
