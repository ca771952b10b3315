#!/usr/bin/python3
"""Swin V2 parameter counts from REAL timm (v1.0.28 source, Debian python3-torch 1.13): each registered swinv2 name
built by its timm entrypoint with its pretrained configuration's img_size and num_classes, as timm.create_model does
(so the ms_in22k models have 21841 classes). Run from the repository root:
  PYTHONPATH=/work/timm-src /usr/bin/python3 tests/FineTune.Vision.Tests/Fixtures/Models/timm_swinv2_param_counts.py
The printed rows are pasted into ParameterCountTests.cs."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import timm_shim  # noqa: E402,F401  (torchvision stub; see timm_shim.py)
import timm  # noqa: E402
import torch  # noqa: E402
from timm.models import swin_transformer_v2 as v2  # noqa: E402

torch.set_num_threads(1)
for full, cfg in v2.default_cfgs.items():
    for tag, pcfg in cfg.cfgs.items():
        arch = full
        model = timm.models.model_entrypoint(arch)(pretrained=False, img_size=pcfg.input_size[-1], num_classes=pcfg.num_classes)
        n = sum(p.numel() for p in model.parameters())
        print(f'        ["{arch}"] = {n:_},  // .{tag}: {pcfg.input_size[-1]} px, {pcfg.num_classes} classes, {n / 1e6:.2f}M')
        del model
