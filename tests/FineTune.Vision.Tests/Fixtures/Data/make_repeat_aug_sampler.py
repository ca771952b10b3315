#!/usr/bin/python3
"""Index lists from REAL timm's RepeatAugSampler (DeiT's RASampler; timm v1.0.28 source, Debian python3-torch 1.13).

Run from the repository root (timm's source unpacked outside the repository, e.g. at /work/timm-src):
  PYTHONPATH=/work/timm-src /usr/bin/python3 tests/FineTune.Vision.Tests/Fixtures/Data/make_repeat_aug_sampler.py
Writes repeat_aug_sampler.json beside this script. shuffle=False (torch.arange): the library draws its own permutation,
so the tests compare the unshuffled structure (repeats, padding, rank striding, selection) and then check that a
shuffled epoch is the same structure over the library's permutation.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import timm_shim  # noqa: E402,F401  (torchvision stub; see timm_shim.py)
from timm.data.distributed_sampler import RepeatAugSampler  # noqa: E402

CASES = []
for n, replicas, repeats, selected_round, selected_ratio in [
    (600, 1, 3, 256, 0), (600, 2, 3, 256, 0), (1000, 4, 3, 256, 0), (50, 1, 3, 0, 0), (50, 3, 3, 0, 0),
    (47, 2, 2, 0, 0), (100, 2, 2.5, 0, 0), (300, 2, 3, 0, 1.5), (513, 3, 4, 256, 0),
]:
    for rank in range(replicas):
        sampler = RepeatAugSampler(list(range(n)), num_replicas=replicas, rank=rank, shuffle=False, num_repeats=repeats,
                                   selected_round=selected_round, selected_ratio=selected_ratio)
        CASES.append(dict(count=n, replicas=replicas, rank=rank, repeats=repeats, selected_round=selected_round,
                          selected_ratio=selected_ratio, length=len(sampler), indices=list(iter(sampler))))

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'repeat_aug_sampler.json'), 'w') as f:
    json.dump(CASES, f, separators=(',', ':'))
print(f'{len(CASES)} cases')
