#!/usr/bin/env python3
"""Parameter counts at 1000 classes, by arithmetic over timm's module definitions
(timm/models/{vision_transformer,deit,beit,swin_transformer,cait}.py, timm/layers/{mlp,patch_embed}.py).
No timm needed: each term names the timm module whose parameters it counts. Run with any python3;
the printed table is pasted into ParameterCountTests.cs."""

def linear(i, o, bias=True): return i * o + (o if bias else 0)
def ln(d): return 2 * d
def mlp(d, ratio): h = int(d * ratio); return linear(d, h) + linear(h, d)
def patch_embed(c, p, d): return c * p * p * d + d

def vit(img, p, d, depth, heads, distilled=False, ncls=1000):
    n = (img // p) ** 2
    prefix = 2 if distilled else 1
    block = ln(d) + linear(d, 3 * d) + linear(d, d) + ln(d) + mlp(d, 4)   # Block: norm1, attn.qkv, attn.proj, norm2, mlp
    total = patch_embed(3, p, d) + d + (n + prefix) * d + depth * block + ln(d) + linear(d, ncls)
    if distilled: total += d + linear(d, ncls)                          # dist_token, head_dist
    return total

def beit(img, p, d, depth, heads, ncls=1000):
    g = img // p
    table = ((2 * g - 1) ** 2 + 3) * heads                                 # relative_position_bias_table
    attn = linear(d, 3 * d, bias=False) + 2 * d + table + linear(d, d)   # qkv, q_bias, v_bias, table, proj
    block = ln(d) + attn + ln(d) + mlp(d, 4) + 2 * d                     # + gamma_1, gamma_2
    return patch_embed(3, p, d) + d + depth * block + ln(d) + linear(d, ncls)  # cls_token, fc_norm, head

def swin(img, d, depths, heads, win, ncls=1000):
    grid = img // 4
    total = patch_embed(3, 4, d) + ln(d)
    res = grid
    for i, (depth, h) in enumerate(zip(depths, heads)):
        dim = d * 2 ** i
        if i > 0:
            total += ln(4 * dim // 2) + linear(4 * dim // 2, dim, bias=False)  # PatchMerging norm, reduction
            res //= 2
        w = min(win, res)
        table = (2 * w - 1) ** 2 * h
        block = ln(dim) + table + linear(dim, 3 * dim) + linear(dim, dim) + ln(dim) + mlp(dim, 4)
        total += depth * block
    nf = d * 2 ** (len(depths) - 1)
    return total + ln(nf) + linear(nf, ncls)

def cait(img, p, d, depth, heads, ncls=1000, depth_token=2):
    n = (img // p) ** 2
    talking = linear(d, 3 * d) + linear(d, d) + 2 * linear(heads, heads)   # qkv, proj, proj_l, proj_w
    block = ln(d) + talking + ln(d) + mlp(d, 4) + 2 * d
    class_attn = 3 * linear(d, d) + linear(d, d)
    cblock = ln(d) + class_attn + ln(d) + mlp(d, 4) + 2 * d
    return patch_embed(3, p, d) + d + n * d + depth * block + depth_token * cblock + ln(d) + linear(d, ncls)

counts = {
    'vit_tiny_patch16_224': vit(224, 16, 192, 12, 3), 'vit_tiny_patch16_384': vit(384, 16, 192, 12, 3),
    'vit_small_patch16_224': vit(224, 16, 384, 12, 6), 'vit_small_patch16_384': vit(384, 16, 384, 12, 6),
    'vit_base_patch16_224': vit(224, 16, 768, 12, 12), 'vit_base_patch16_384': vit(384, 16, 768, 12, 12),
    'vit_large_patch16_224': vit(224, 16, 1024, 24, 16), 'vit_large_patch16_384': vit(384, 16, 1024, 24, 16),
    'vit_base_patch32_384': vit(384, 32, 768, 12, 12),
    'deit_tiny_patch16_224': vit(224, 16, 192, 12, 3), 'deit_small_patch16_224': vit(224, 16, 384, 12, 6),
    'deit_base_patch16_224': vit(224, 16, 768, 12, 12), 'deit_base_patch16_384': vit(384, 16, 768, 12, 12),
    'deit_tiny_distilled_patch16_224': vit(224, 16, 192, 12, 3, True),
    'deit_small_distilled_patch16_224': vit(224, 16, 384, 12, 6, True),
    'deit_base_distilled_patch16_224': vit(224, 16, 768, 12, 12, True),
    'deit_base_distilled_patch16_384': vit(384, 16, 768, 12, 12, True),
    'beit_base_patch16_224': beit(224, 16, 768, 12, 12), 'beit_base_patch16_384': beit(384, 16, 768, 12, 12),
    'beit_large_patch16_224': beit(224, 16, 1024, 24, 16), 'beit_large_patch16_384': beit(384, 16, 1024, 24, 16),
    'swin_tiny_patch4_window7_224': swin(224, 96, (2, 2, 6, 2), (3, 6, 12, 24), 7),
    'swin_small_patch4_window7_224': swin(224, 96, (2, 2, 18, 2), (3, 6, 12, 24), 7),
    'swin_base_patch4_window7_224': swin(224, 128, (2, 2, 18, 2), (4, 8, 16, 32), 7),
    'swin_base_patch4_window12_384': swin(384, 128, (2, 2, 18, 2), (4, 8, 16, 32), 12),
    'swin_large_patch4_window12_384': swin(384, 192, (2, 2, 18, 2), (6, 12, 24, 48), 12),
    'cait_xxs24_224': cait(224, 16, 192, 24, 4), 'cait_s24_224': cait(224, 16, 384, 24, 8),
    'cait_s24_384': cait(384, 16, 384, 24, 8), 'cait_s36_384': cait(384, 16, 384, 36, 8),
}
for k, v in counts.items():
    print(f'        ["{k}"] = {v:_},'.replace('_', '_') + f'  // {v / 1e6:.2f}M')
