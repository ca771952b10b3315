#!/usr/bin/python3
"""Layer-decay parameter groups from REAL timm (timm.optim._param_groups.param_groups_layer_decay, timm v1.0.28 source,
Debian python3-torch 1.13) for the tiny configurations the tests use (the five families and Swin V2) (tests/…/Models/TinyModels.cs).

Run from the repository root:
  PYTHONPATH=/work/timm-src /usr/bin/python3 tests/FineTune.Vision.Tests/Fixtures/Adaptation/make_timm_layer_decay.py
Writes timm_layer_decay.json: per family, for each parameter (model order) its layer id, lr_scale and weight_decay,
as timm's create_optimizer_v2 calls it (no_weight_decay_list = model.no_weight_decay(), weight_decay 0.05, layer_decay 0.75).
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import timm_shim  # noqa: E402,F401  (torchvision stub; see timm_shim.py)
import timm  # noqa: E402
import torch  # noqa: E402
from timm.models import group_parameters  # noqa: E402
from timm.optim._param_groups import param_groups_layer_decay  # noqa: E402

WD, LD = 0.05, 0.75
FAMILIES = {
    'vit': ('vit_base_patch16_224', dict(img_size=32, patch_size=8, embed_dim=32, depth=2, num_heads=2, num_classes=5)),
    'deit': ('deit_base_distilled_patch16_224', dict(img_size=32, patch_size=8, embed_dim=32, depth=2, num_heads=2, num_classes=5)),
    'beit': ('beit_base_patch16_224', dict(img_size=32, patch_size=8, embed_dim=32, depth=2, num_heads=2, num_classes=5)),
    'swin': ('swin_tiny_patch4_window7_224', dict(img_size=32, patch_size=2, embed_dim=16, depths=(2, 2), num_heads=(2, 4), window_size=4, num_classes=5)),
    'swinv2': ('swinv2_tiny_window8_256', dict(img_size=32, patch_size=2, embed_dim=16, depths=(2, 2), num_heads=(2, 4), window_size=4, num_classes=5)),
    'cait': ('cait_xxs24_224', dict(img_size=32, patch_size=8, embed_dim=32, depth=2, num_heads=4, num_classes=5, init_values=0.1, depth_token_only=1)),
}


def main():
    out = {}
    for family, (arch, kwargs) in FAMILIES.items():
        torch.manual_seed(0)
        model = timm.create_model(arch, pretrained=False, **kwargs)
        groups = param_groups_layer_decay(model, weight_decay=WD, no_weight_decay_list=model.no_weight_decay(), layer_decay=LD)
        by_param = {}
        for g in groups:
            for p in g['params']:
                by_param[id(p)] = g
        # the layer ids param_groups_layer_decay computes internally (same call, same fallback to the last layer)
        layer_map = group_parameters(model, model.group_matcher(coarse=False), reverse=True)
        layer_max = max(layer_map.values())
        rows = []
        for name, p in model.named_parameters():
            g = by_param[id(p)]
            rows.append(dict(name=name, layer_id=layer_map.get(name, layer_max), lr_scale=g['lr_scale'], weight_decay=g['weight_decay']))
        out[family] = dict(arch=arch, kwargs={k: (list(v) if isinstance(v, tuple) else v) for k, v in kwargs.items()},
                           num_groups=len(groups), params=rows)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'timm_layer_decay.json')
    with open(path, 'w') as f:
        json.dump(dict(timm=timm.__version__, weight_decay=WD, layer_decay=LD, families=out), f, indent=0)


if __name__ == '__main__':
    main()
