#!/usr/bin/python3
"""JsdCrossEntropy references from REAL timm (v1.0.28 source, timm/loss/jsd.py) on Debian's python3-torch 1.13.

Run from the repository root (timm's source unpacked outside the repository, e.g. at /work/timm-src):
  PYTHONPATH=/work/timm-src /usr/bin/python3 tests/FineTune.Vision.Tests/Fixtures/Training/make_jsd_fixtures.py
Writes jsd_fixtures.json beside this script: per case, timm's arguments, logits [splits * 4, 5] (float32, split-wise
as timm's loader batches them), labels repeated per split, and the loss with its gradient with respect to the logits.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import timm_shim  # noqa: E402,F401  (torchvision stub; see timm_shim.py)
import torch  # noqa: E402
from timm.loss import JsdCrossEntropy  # noqa: E402

N, C = 4, 5
CASES = [
    ("timm_default", dict(num_splits=3, alpha=12, smoothing=0.1), 1.5),
    ("no_smoothing", dict(num_splits=3, alpha=12, smoothing=0.0), 1.5),
    ("two_splits", dict(num_splits=2, alpha=5, smoothing=0.2), 3.0),
    ("peaked_logits_clamp", dict(num_splits=3, alpha=12, smoothing=0.1), 12.0),
]


def main():
    g = torch.Generator().manual_seed(2020)
    out = []
    for name, kwargs, scale in CASES:
        s = kwargs["num_splits"]
        logits = (torch.randn(s * N, C, generator=g) * scale).requires_grad_(True)
        labels = torch.randint(0, C, (N,), generator=g).repeat(s)
        loss = JsdCrossEntropy(**kwargs)(logits, labels)
        loss.backward()
        out.append(dict(name=name, **kwargs, logits=logits.detach().flatten().tolist(), labels=labels.tolist(),
                        loss=loss.item(), grad=logits.grad.flatten().tolist(), rows=s * N, classes=C))
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "jsd_fixtures.json"), "w") as f:
        json.dump(dict(torch=torch.__version__, cases=out), f, indent=1)


if __name__ == "__main__":
    main()
