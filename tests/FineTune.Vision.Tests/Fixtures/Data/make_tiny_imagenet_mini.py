#!/usr/bin/python3
"""Build tiny-imagenet-mini/: a 3-class folder in the exact Tiny ImageNet 200 layout, from scikit-image photos.

Run with Debian's interpreter (python3-pil and python3-skimage installed):
    /usr/bin/python3 tests/FineTune.Vision.Tests/Fixtures/Data/make_tiny_imagenet_mini.py

Layout (as in tiny-imagenet-200.zip):
    wnids.txt                       one wnid per line (3 here)
    words.txt                       "wnid<TAB>names" (5 lines: the 3 wnids plus 2 unused, as the real file has extras)
    train/<wnid>/images/<wnid>_<k>.JPEG   4 per class, 64x64
    train/<wnid>/<wnid>_boxes.txt   "file<TAB>x0<TAB>y0<TAB>x1<TAB>y1" (whole image)
    val/images/val_<k>.JPEG         6 images, 2 per class, interleaved
    val/val_annotations.txt         "file<TAB>wnid<TAB>x0<TAB>y0<TAB>x1<TAB>y1"
Deterministic: fixed crops, flips and JPEG quality; no randomness.
"""
import os
from PIL import Image, ImageOps

SKIMAGE = "/usr/lib/python3/dist-packages/skimage/data"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tiny-imagenet-mini")
# (wnid, words, photo): ImageNet wnids whose meaning fits the photo.
CLASSES = [
    ("n02123045", "tabby, tabby cat", "chelsea.png"),     # CC0, Stefan van der Walt
    ("n07920052", "espresso", "coffee.png"),              # CC0, Rachel Michetti
    ("n04266014", "space shuttle", "rocket.jpg"),         # public domain, SpaceX
]
EXTRA_WORDS = [("n00001740", "entity"), ("n01443537", "goldfish, Carassius auratus")]
# (left, top) fractions of the free margin, size fraction of the short side, mirror?
TRAIN_VIEWS = [(0.5, 0.5, 1.0, False), (0.0, 0.0, 0.7, False), (1.0, 1.0, 0.7, True), (0.5, 0.3, 0.5, True)]
VAL_VIEWS = [(0.2, 0.8, 0.8, False), (0.8, 0.2, 0.6, True)]


def view(photo, fx, fy, fsize, mirror):
    side = int(min(photo.size) * fsize)
    x = int((photo.width - side) * fx)
    y = int((photo.height - side) * fy)
    tile = photo.crop((x, y, x + side, y + side)).resize((64, 64), Image.BICUBIC, reducing_gap=None)
    return ImageOps.mirror(tile) if mirror else tile


def save(image, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    image.save(path, "JPEG", quality=85)


def main():
    photos = {wnid: Image.open(os.path.join(SKIMAGE, name)).convert("RGB") for wnid, _, name in CLASSES}
    with open(os.path.join(OUT, "wnids.txt"), "w") as f:
        f.writelines(f"{wnid}\n" for wnid, _, _ in CLASSES)
    with open(os.path.join(OUT, "words.txt"), "w") as f:
        rows = sorted([(w, n) for w, n, _ in CLASSES] + EXTRA_WORDS)
        f.writelines(f"{w}\t{n}\n" for w, n in rows)
    for wnid, _, _ in CLASSES:
        boxes = []
        for k, v in enumerate(TRAIN_VIEWS):
            name = f"{wnid}_{k}.JPEG"
            save(view(photos[wnid], *v), os.path.join(OUT, "train", wnid, "images", name))
            boxes.append(f"{name}\t0\t0\t63\t63\n")
        with open(os.path.join(OUT, "train", wnid, f"{wnid}_boxes.txt"), "w") as f:
            f.writelines(boxes)
    lines = []
    for k in range(len(VAL_VIEWS) * len(CLASSES)):
        wnid = CLASSES[k % len(CLASSES)][0]
        name = f"val_{k}.JPEG"
        save(view(photos[wnid], *VAL_VIEWS[k // len(CLASSES)]), os.path.join(OUT, "val", "images", name))
        lines.append(f"{name}\t{wnid}\t0\t0\t63\t63\n")
    with open(os.path.join(OUT, "val", "val_annotations.txt"), "w") as f:
        f.writelines(lines)


if __name__ == "__main__":
    main()
