#!/usr/bin/python3
"""Makes the Transforms test fixtures with Debian's torchvision 0.14 + Pillow: /usr/bin/python3 make_fixtures.py

Input: ../Imaging/resize/chelsea.png (96x64, CC0, see ../Imaging/README.md). Outputs: PNGs of deterministic
torchvision transforms on it, and eval_normalized.txt (the first values of the normalised CHW tensor).
"""
import math
import os
from PIL import Image
import torch
import torchvision.transforms as T
import torchvision.transforms.functional as TF
from torchvision.transforms import InterpolationMode as IM

HERE = os.path.dirname(os.path.abspath(__file__))
src = Image.open(os.path.join(HERE, "..", "Imaging", "resize", "chelsea.png")).convert("RGB")

# timm's eval rule: shorter side to floor(size / crop_pct), centre crop size.
size, crop_pct = 56, 0.875
evaluation = T.Compose([T.Resize(math.floor(size / crop_pct), interpolation=IM.BICUBIC), T.CenterCrop(size)])
evaluated = evaluation(src)
evaluated.save(os.path.join(HERE, "chelsea.eval56.png"))
tensor = T.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))(T.ToTensor()(evaluated))
with open(os.path.join(HERE, "eval_normalized.txt"), "w") as f:
    for c in range(3):
        f.write(" ".join(f"{v:.9g}" for v in tensor[c].flatten()[:16].tolist()) + "\n")

TF.resized_crop(src, top=5, left=11, height=40, width=50, size=[72, 72], interpolation=IM.BICUBIC).save(
    os.path.join(HERE, "chelsea.resized_crop.png"))
T.CenterCrop(41)(src).save(os.path.join(HERE, "chelsea.center41.png"))
T.CenterCrop((80, 100))(src).save(os.path.join(HERE, "chelsea.center80x100.png"))
