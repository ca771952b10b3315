#!/usr/bin/python3
"""Peer for the input-pipeline benchmark: the recipe-1 training pipeline in torchvision 0.14 + Pillow (Debian's
python3-torchvision and python3-pil), timed on one thread over the same JPEG files as the C# side.

    /usr/bin/python3 benchmarks/peers/torchvision_pipeline.py --images DIR --count 400 [--warmup 40]

Pipeline per image: decode (PIL, convert RGB) -> Resize(384, bicubic) -> RandomHorizontalFlip ->
RandAugment(num_ops=2, magnitude=9) -> ToTensor -> Normalize(ImageNet) -> RandomErasing(p=0.25).
Prints one JSON line: {"images": N, "seconds": S, "images_per_second": R, "torch": ..., "torchvision": ..., "pil": ...}.
"""
import argparse
import glob
import json
import os
import time

import PIL
import torch
import torchvision
from PIL import Image
from torchvision import transforms as T


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", required=True, help="folder searched recursively for *.JPEG/*.jpg")
    parser.add_argument("--count", type=int, default=400)
    parser.add_argument("--warmup", type=int, default=40)
    args = parser.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(0)
    files = sorted(glob.glob(os.path.join(args.images, "**", "*.JPEG"), recursive=True) +
                   glob.glob(os.path.join(args.images, "**", "*.jpg"), recursive=True))
    if not files:
        raise SystemExit(f"no JPEG files under {args.images}")
    pipeline = T.Compose([
        T.Resize(384, interpolation=T.InterpolationMode.BICUBIC),
        T.RandomHorizontalFlip(),
        T.RandAugment(num_ops=2, magnitude=9),
        T.ToTensor(),
        T.Normalize(mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225)),
        T.RandomErasing(p=0.25),
    ])

    def one(i):
        with Image.open(files[i % len(files)]) as im:
            return pipeline(im.convert("RGB"))

    for i in range(args.warmup):
        one(i)
    start = time.perf_counter()
    for i in range(args.count):
        out = one(i)
    seconds = time.perf_counter() - start
    assert tuple(out.shape) == (3, 384, 384), out.shape
    print(json.dumps(dict(images=args.count, seconds=seconds, images_per_second=args.count / seconds,
                          torch=torch.__version__, torchvision=torchvision.__version__, pil=PIL.__version__)))


if __name__ == "__main__":
    main()
