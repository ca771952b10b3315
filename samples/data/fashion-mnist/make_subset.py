#!/usr/bin/python3
"""Make the balanced Fashion-MNIST subset shipped in this folder from Debian's dataset-fashion-mnist package.

Run with Debian's interpreter (numpy is not needed; only the standard library):
    /usr/bin/python3 samples/data/fashion-mnist/make_subset.py [SOURCE_DIR]
SOURCE_DIR defaults to /usr/share/datasets/fashion-mnist (the package's install location).

Selection is deterministic: for each split, keep the FIRST n images of each class in file order
(300 per class from the training file, 60 per class from the t10k file), preserving their original
relative order. The outputs are IDX files gzipped with mtime 0, so reruns give byte-identical files.
"""
import gzip
import os
import struct
import sys

SRC = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
DST = os.path.dirname(os.path.abspath(__file__))
SPLITS = [("train", 300), ("t10k", 60)]


def read_idx(path, expected_magic):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, count = struct.unpack(">II", data[:8])
    if magic != expected_magic:
        raise SystemExit(f"{path}: magic {magic:#x}, expected {expected_magic:#x}")
    ndims = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndims, data[4:4 + 4 * ndims])
    return dims, data[4 + 4 * ndims:]


def write_idx_gz(path, magic, dims, payload):
    header = struct.pack(">I", magic) + struct.pack(">" + "I" * len(dims), *dims)
    with open(path, "wb") as raw:
        # mtime=0 and no file name in the gzip header: byte-identical reruns.
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as f:
            f.write(header + payload)


def main():
    for split, per_class in SPLITS:
        (n, rows, cols), pixels = read_idx(os.path.join(SRC, f"{split}-images-idx3-ubyte.gz"), 0x00000803)
        (n_labels,), labels = read_idx(os.path.join(SRC, f"{split}-labels-idx1-ubyte.gz"), 0x00000801)
        assert n == n_labels == len(labels) and len(pixels) == n * rows * cols
        taken = [0] * 10
        keep = []
        for i, label in enumerate(labels):
            if taken[label] < per_class:
                taken[label] += 1
                keep.append(i)
        assert taken == [per_class] * 10, taken
        size = rows * cols
        out_pixels = b"".join(pixels[i * size:(i + 1) * size] for i in keep)
        out_labels = bytes(labels[i] for i in keep)
        write_idx_gz(os.path.join(DST, f"{split}-images-idx3-ubyte.gz"), 0x00000803, (len(keep), rows, cols), out_pixels)
        write_idx_gz(os.path.join(DST, f"{split}-labels-idx1-ubyte.gz"), 0x00000801, (len(keep),), out_labels)
        print(f"{split}: {len(keep)} images ({per_class} per class), source indices {keep[0]}..{keep[-1]}")


if __name__ == "__main__":
    main()
