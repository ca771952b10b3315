#!/usr/bin/python3
"""Swin V2 registry reference from REAL timm (v1.0.28 source, Debian python3-torch 1.13): for every pretrained tag in
timm's swin_transformer_v2.default_cfgs, the pretrained configuration (input size, crop pct, interpolation, mean, std,
classes, classifier, first conv) and the architecture its entrypoint builds (img_size, embed_dim, depths, num_heads,
window_size, pretrained_window_sizes per stage, read back from the built modules on the meta device). Run from the
repository root:
  PYTHONPATH=/work/timm-src /usr/bin/python3 tests/FineTune.Vision.Tests/Fixtures/Models/make_swinv2_registry.py
Writes swinv2_registry.json beside this script."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import timm_shim  # noqa: E402,F401  (torchvision stub; see timm_shim.py)
import timm  # noqa: E402
from timm.models import swin_transformer_v2 as v2  # noqa: E402

rows = []
for arch, cfg in v2.default_cfgs.items():
    for tag, p in cfg.cfgs.items():
        m = timm.models.model_entrypoint(arch)(pretrained=False, img_size=p.input_size[-1], num_classes=p.num_classes, device='meta')
        stages = list(m.layers)
        rows.append(dict(
            name=f'{arch}.{tag}', arch=arch, tag=tag, hf_hub_id=f'timm/{arch}.{tag}',
            input_size=list(p.input_size), crop_pct=p.crop_pct, interpolation=p.interpolation, mean=list(p.mean), std=list(p.std),
            num_classes=p.num_classes, classifier=p.classifier, first_conv=p.first_conv, fixed_input_size=p.fixed_input_size,
            img_size=m.patch_embed.img_size[0], patch_size=m.patch_embed.patch_size[0], embed_dim=m.embed_dim,
            depths=[len(s.blocks) for s in stages], num_heads=[s.blocks[0].attn.num_heads for s in stages],
            window_size=[s.blocks[0].window_size[0] for s in stages],
            pretrained_window_sizes=[s.blocks[0].attn.pretrained_window_size[0] for s in stages]))
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'swinv2_registry.json'), 'w') as f:
    json.dump(dict(timm=timm.__version__, models=rows), f, indent=1)
    f.write('\n')
print(len(rows), 'tags')
