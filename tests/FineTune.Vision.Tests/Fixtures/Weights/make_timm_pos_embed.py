#!/usr/bin/python3
"""Position-embedding resampling and relative-position-bias table resizing by REAL timm (timm.layers.resample_abs_pos_embed,
timm.layers.pos_embed_rel.resize_rel_pos_bias_table as beit/swin checkpoint_filter_fn call it, and
resize_rel_pos_bias_table_simple; timm v1.0.28 source, Debian python3-torch 1.13, TIMM_USE_SCIPY_INTERP unset).

Run from the repository root:
  PYTHONPATH=/work/timm-src /usr/bin/python3 tests/FineTune.Vision.Tests/Fixtures/Weights/make_timm_pos_embed.py
Writes timm_pos_embed.json: small random inputs (shapes and float32 values) and timm's outputs.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import timm_shim  # noqa: E402,F401  (torchvision stub; see timm_shim.py)
import torch  # noqa: E402
from timm.layers import resample_abs_pos_embed  # noqa: E402
from timm.layers.pos_embed_rel import resize_rel_pos_bias_table, resize_rel_pos_bias_table_simple  # noqa: E402


def t(x):
    return dict(shape=list(x.shape), values=[float(v) for v in x.flatten().tolist()])


def main():
    g = torch.Generator().manual_seed(0)
    abs_cases = []
    for name, prefix, old, new in [('vit_4to6', 1, (4, 4), (6, 6)), ('deit_4to3x5', 2, (4, 4), (3, 5)),
                                   ('noprefix_3x4to5x2', 0, (3, 4), (5, 2)), ('vit_5to3', 1, (5, 5), (3, 3))]:
        x = torch.randn(1, prefix + old[0] * old[1], 6, generator=g)
        y = resample_abs_pos_embed(x, list(new), old_size=list(old), num_prefix_tokens=prefix)
        abs_cases.append(dict(name=name, prefix=prefix, old=list(old), new=list(new), input=t(x), output=t(y)))
    rel_cases = []
    for name, extra, old, new, heads in [('beit_4to6', 3, 4, 6, 2), ('swin_3to5', 0, 3, 5, 2), ('swin_4to7', 0, 4, 7, 1),
                                         ('beit_5to3', 3, 5, 3, 2)]:
        x = torch.randn((2 * old - 1) ** 2 + extra, heads, generator=g)
        shape = ((2 * new - 1) ** 2 + extra, heads)
        y = resize_rel_pos_bias_table(x, new_window_size=(new, new), new_bias_shape=shape)
        ys = resize_rel_pos_bias_table_simple(x, new_window_size=(new, new), new_bias_shape=shape)
        rel_cases.append(dict(name=name, extra=extra, old=old, new=new, input=t(x), output=t(y), simple=t(ys)))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'timm_pos_embed.json')
    with open(path, 'w') as f:
        json.dump(dict(absolute=abs_cases, relative=rel_cases), f)


if __name__ == '__main__':
    main()
