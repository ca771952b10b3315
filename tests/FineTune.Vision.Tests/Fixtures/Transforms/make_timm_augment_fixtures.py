#!/usr/bin/python3
"""Reference outputs of REAL timm's AutoAugment policies and AugMixAugment (timm v1.0.28 source, Debian's Pillow).

Run from the repository root (timm's source unpacked outside the repository, e.g. at /work/timm-src):
  PYTHONPATH=/work/timm-src /usr/bin/python3 tests/FineTune.Vision.Tests/Fixtures/Transforms/make_timm_augment_fixtures.py
Input: color_ops/photo.rgb (48x32 RGB8, see make_color_ops_fixtures.py), cropped to its central 32x32 square (timm's
basic AugMix only works on square images). Output in timm_augment/:
  autoaugment.bin / autoaugment.txt: sub-policies of timm's policies with every random draw pinned: the geometric
  filter fixed to bilinear, no magnitude noise, and Python's random.random() replaced by a constant r, so every step
  with probability >= r applies (r = 0: all) and signed ops are negated exactly when r > 0.5. One line per case:
  policy index r offset (32x32x3 bytes at offset in the .bin). Repeated sub-policies, and those an "r" policy
  shares with its base policy, are left out.
  augmix.json / augmix.bin: AugMixAugment (m3, bilinear, translate_pct 0.3) with NumPy's and Python's draws replayed
  from a plan drawn here: Dirichlet weights, Beta blend, per chain the op indices, magnitudes and signs.
"""
import json
import os
import random
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..'))
import timm_shim  # noqa: E402,F401  (torchvision stub; see timm_shim.py)
from PIL import Image  # noqa: E402
from timm.data import auto_augment as aa  # noqa: E402

OUT = os.path.join(HERE, "timm_augment")
HP = dict(translate_const=100, img_mean=(128, 128, 128), interpolation=Image.BILINEAR)


def load():
    with open(os.path.join(HERE, "color_ops", "photo.rgb"), "rb") as f:
        photo = Image.frombytes("RGB", (48, 32), f.read())
    return photo.crop((8, 0, 40, 32))


def autoaugment(img):
    blob, lines = bytearray(), ["# policy index r offset; Pillow " + Image.__version__]
    signed = {"Rotate", "ShearX", "ShearY", "TranslateXRel", "TranslateYRel"}
    for name in ("original", "originalr", "v0", "v0r"):
        policy = aa.auto_augment_policy(name, dict(HP))
        seen = set()
        for i, sub in enumerate(policy):
            key = tuple((op.name, op.prob, op.magnitude) for op in sub)
            if key in seen or (name.endswith("r") and not any(op.name == "PosterizeIncreasing" for op in sub)):
                continue  # a repeated sub-policy, or one the "r" variant shares with its base policy
            seen.add(key)
            for r in (0.0, 0.55):
                if r > 0 and not any(op.name in signed for op in sub):
                    continue
                random.random = lambda r=r: r
                out = img
                for op in sub:
                    out = op(out)
                lines.append("%s %d %s %d" % (name, i, r, len(blob)))
                blob += out.tobytes()
    with open(os.path.join(OUT, "autoaugment.bin"), "wb") as f:
        f.write(bytes(blob))
    with open(os.path.join(OUT, "autoaugment.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


def augmix(img):
    rs = np.random.RandomState(1234)
    cases, blob = [], bytearray()
    for k, (blended, alpha, width) in enumerate([(False, 1.0, 3)] * 5 + [(False, 0.5, 4), (True, 1.0, 3), (True, 1.0, 2)]):
        hp = dict(HP, translate_pct=0.3, magnitude_std=float("inf"))
        ops = aa.augmix_ops(magnitude=3, hparams=hp)
        weights = [float(np.float32(w)) for w in rs.dirichlet([alpha] * width)]
        m = float(np.float32(rs.beta(alpha, alpha)))
        chains = []
        for _ in range(width):
            depth = int(rs.randint(1, 4))
            chains.append([[int(rs.randint(len(ops))), float(rs.uniform(0, 3)), bool(rs.rand() > 0.5)] for _ in range(depth)])
        depths = iter([len(c) for c in chains])
        picks = iter([[ops[s[0]] for s in c] for c in chains])
        mags = iter([s[1] for c in chains for s in c])
        negs = iter([0.9 if s[2] else 0.1 for c in chains for s in c if aa.LEVEL_TO_ARG[ops[s[0]].name] in (
            aa._rotate_level_to_arg, aa._shear_level_to_arg, aa._translate_rel_level_to_arg, aa._enhance_increasing_level_to_arg)])
        np.random.dirichlet = lambda a, w=weights: np.array(w, dtype=np.float64)
        np.random.beta = lambda a, b, m=m: m
        np.random.randint = lambda lo, hi: next(depths)
        np.random.choice = lambda o, n, replace=True: next(picks)
        random.uniform = lambda lo, hi: next(mags)
        random.random = lambda: next(negs)
        t = aa.AugMixAugment(ops, alpha=alpha, width=width, depth=-1, blended=blended)
        out = t(img)
        cases.append(dict(blended=blended, alpha=alpha, weights=weights, m=m, chains=chains, offset=len(blob),
                          ops=[o.name for o in ops]))
        blob += out.tobytes()
    with open(os.path.join(OUT, "augmix.bin"), "wb") as f:
        f.write(bytes(blob))
    with open(os.path.join(OUT, "augmix.json"), "w") as f:
        json.dump(dict(size=[32, 32], cases=cases), f, indent=1)


def main():
    os.makedirs(OUT, exist_ok=True)
    img = load()
    with open(os.path.join(OUT, "input.rgb"), "wb") as f:
        f.write(img.tobytes())
    autoaugment(img)
    augmix(img)


if __name__ == "__main__":
    main()
