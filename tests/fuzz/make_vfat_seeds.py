#!/usr/bin/env python3
"""Regenerate the fuzz_vfat seed corpus: tiny FAT12/16/32 volumes made with
mkfs.vfat and mtools, truncated after their last used cluster (the reader
accepts a volume shorter than its BPB says) so each seed is a few KiB.

FAT16 needs >= 4085 clusters (an 8 KiB FAT) and FAT32 >= 65525 for mtools to
write it (a 256 KiB FAT): those seeds keep only the FAT's first sector and
say so in the BPB (the reader clamps the cluster count to what the FAT can
hold, as Linux does), with root and data moved up accordingly.

Usage: tests/fuzz/make_vfat_seeds.py [OUTDIR]  (default: the corpus dir)
"""
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus", "fuzz_vfat")
ENV = dict(os.environ, LC_ALL="C.UTF-8", TZ="UTC", MTOOLS_SKIP_CHECK="1")


def sh(*args):
    subprocess.run(args, check=True, env=ENV, stdout=subprocess.DEVNULL)


def tree(d):
    os.makedirs(os.path.join(d, "EFI", "BOOT"))
    os.makedirs(os.path.join(d, "Sub Dir"))
    open(os.path.join(d, "readme.txt"), "w").write("hello\n")
    open(os.path.join(d, "empty"), "w").close()
    open(os.path.join(d, "A long name, café.txt"), "w").write("x" * 1300)  # 3 clusters
    open(os.path.join(d, "EFI", "BOOT", "BOOTX64.EFI"), "wb").write(b"MZ" + bytes(30))
    open(os.path.join(d, "Sub Dir", "日本.txt"), "w").write("nihon\n")


def layout(img):
    bs = img[:512]
    bps, spc, rsvd, nfats, root_ent, tot16, _media, fatsz16 = struct.unpack_from("<HBHBHHBH", bs, 11)
    fatsz = fatsz16 or struct.unpack_from("<I", bs, 36)[0]
    root_off = (rsvd + nfats * fatsz) * bps
    data_off = root_off + root_ent * 32
    return bps, spc, rsvd, nfats, fatsz, root_off, data_off


def last_used(img):
    """Offset just past the last nonzero byte, rounded up to 512."""
    end = len(img.rstrip(b"\0"))
    return (end + 511) // 512 * 512


def shrink_fat(img, bits):
    """Keep the first FAT sector only (one FAT), truncate after the data."""
    bps, _spc, rsvd, nfats, fatsz, root_off, _data = layout(img)
    assert nfats == 1
    fat_off = rsvd * bps
    cut = img[: fat_off + bps] + img[root_off:]
    if bits == 16:
        struct.pack_into("<H", cut, 22, 1)
    else:
        struct.pack_into("<I", cut, 36, 1)
    return cut[:last_used(cut)]


def fat12_get(img, fat, n):
    v = struct.unpack_from("<H", img, fat + n + n // 2)[0]
    return v >> 4 if n & 1 else v & 0xFFF


def fat12_set(img, fat, n, val):
    off = fat + n + n // 2
    v = struct.unpack_from("<H", img, off)[0]
    v = (v & 0x000F) | (val << 4) if n & 1 else (v & 0xF000) | val
    struct.pack_into("<H", img, off, v)


def make(name, mkfs_args, size_kb, work):
    img_path = os.path.join(work, name)
    sh("mkfs.vfat", *mkfs_args, "-C", img_path, str(size_kb))
    src = os.path.join(work, "tree")
    sh("mcopy", "-s", "-i", img_path, *[os.path.join(src, x) for x in sorted(os.listdir(src))], "::/")
    return bytearray(open(img_path, "rb").read())


def main():
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        tree(os.path.join(work, "tree"))
        seeds = {}
        img = make("fat12", ["-F", "12", "-s", "1", "-f", "1", "-r", "32", "-n", "SEED12", "-i", "12345678"], 64, work)
        seeds["fat12.img"] = img[:last_used(img)]

        img = make("fat32", ["-F", "32", "-s", "1", "-f", "1", "-R", "2", "-b", "0", "-n", "SEED32", "-i", "CAFEF00D"], 33 * 1024, work)
        seeds["fat32.img"] = shrink_fat(img, 32)

        img = make("fat16", ["-F", "16", "-s", "1", "-f", "1", "-r", "32", "-n", "SEED16", "-i", "0BADF00D"], 2100, work)
        seeds["fat16.img"] = shrink_fat(img, 16)

        # FAT12 with the two-cluster file's chain looping back on itself.
        loop = bytearray(seeds["fat12.img"])
        bps, _spc, rsvd, nfats, fatsz, _r, _d = layout(loop)
        fat = rsvd * bps
        for n in range(2, 64):
            if fat12_get(loop, fat, n) == n + 1:
                fat12_set(loop, fat, n + 1, n)
                break
        seeds["fat12-loop.img"] = loop

        for name, data in seeds.items():
            open(os.path.join(OUT, name), "wb").write(data)
            print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
