#!/bin/sh
# Regenerate tests/fuzz/corpus/fuzz_ext/ from small mke2fs images, in the
# sparse record format fuzz_ext.c reads (le32 offset, le16 length, bytes).
set -e
out=$(cd "$(dirname "$0")" && pwd)/corpus/fuzz_ext
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
mkdir -p t/d
echo hello > t/a
printf 'x%.0s' $(seq 200) > t/d/b
head -c 1500 /dev/zero | tr '\000' 'y' > t/d/c
ln -s a t/l
ln -s /very/long/target/that/is/longer/than/sixty/bytes/for/a/slow/symlink t/d/ll
ln t/a t/hard
mkfifo t/p
mknod t/chr c 1 3 2>/dev/null || true
common="-b 1024 -N 32 -O ^resize_inode,^dir_index -E root_owner=0:0 -U 00112233-4455-6677-8899-aabbccddeeff -L seed"
mk() {
	mke2fs -q -F $2 $common -d t "$1.img" 128K > /dev/null
	python3 - "$1.img" "$out/$1" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
runs, i = [], 0
while i < len(d):
    if d[i] == 0:
        i += 1
        continue
    j = i
    while j < len(d) and d[j:j + 16].strip(b'\0'):  # merge runs split by < 16 zeros
        j += 1
    runs.append((i, d[i:j]))
    i = j
with open(sys.argv[2], 'wb') as f:
    for off, b in runs:
        for k in range(0, len(b), 65535):
            f.write(struct.pack('<IH', off + k, len(b[k:k + 65535])) + b[k:k + 65535])
PY
}
mk ext2 "-t ext2 -I 128"
mk ext2-extents "-t ext2 -I 128 -O extents"
mk ext4 "-t ext4 -I 256 -O ^has_journal,^flex_bg,metadata_csum"
mk inline "-t ext4 -I 256 -O ^has_journal,^flex_bg,inline_data"
ls -l "$out"
