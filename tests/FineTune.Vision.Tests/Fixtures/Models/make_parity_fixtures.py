#!/usr/bin/python3
"""Logits-parity fixtures for FineTune.Vision's Models layer against REAL timm (v1.0.28 source, unpacked outside the
repository) on Debian's python3-torch 1.13, no GPU. Run from the repository root:
  PYTHONPATH=/work/timm-src /usr/bin/python3 tests/FineTune.Vision.Tests/Fixtures/Models/make_parity_fixtures.py
(../timm_shim.py stubs the torchvision imports of timm's data code; the models are timm's own, unmodified.)

For each case below: a TINY configuration given as timm kwargs over a registered timm model name (exactly what
timm.create_model(name, **kwargs) would take, and what ModelRegistry.Create(name, overrides) takes), a random
non-trivial initialisation with a fixed seed (every parameter is checked to influence the logits), eval mode, and

  parity/<case>.safetensors      the peer's state_dict (timm keys; hand-written safetensors, F32 little-endian)
  parity/<case>_io.safetensors   `features` (forward_features) and `logits` for the shared input;
                                 for DeiT distilled also `logits_head` / `logits_dist` (the two heads before averaging)
  parity/input.safetensors       `input` [2,3,32,32], the one batch every case runs on
  parity/cases.json              [{case, model, family, timm_kwargs, weights, io}]
Kept small (about 0.7 MB in all): embed_dim 16 (Swin 8), depth 2, float32.
"""
import json
import math
import os
import struct

import numpy as np
import torch
import torch.nn as nn

import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import timm_shim  # noqa: E402,F401  (torchvision stub; see timm_shim.py)
import timm  # noqa: E402


def create_model(name, **kwargs):
    """timm's registered entrypoint for `name` (what timm.create_model calls), never pretrained. Called directly
    because timm.create_model drops kwargs that are None (so init_values=None there means the variant's default,
    0.1 for BEiT), while the entrypoint passes None on to the model, as the library's overrides do."""
    return timm.models.model_entrypoint(name)(pretrained=False, **kwargs)


HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "parity")

TINY_VIT = dict(img_size=32, patch_size=8, embed_dim=16, depth=2, num_heads=2, num_classes=5)

CASES = [
    # plain ViT: class token, pos_embed over cls + patches, final norm, token pooling
    ("vit_token", "vit_tiny_patch16_224", "vit", dict(TINY_VIT)),
    # ViT with 2 register tokens, pos_embed over patches only (added before the prefix is concatenated),
    # LayerScale ls1/ls2, mean pooling over patch tokens with fc_norm instead of norm
    ("vit_reg_avg_ls", "vit_tiny_patch16_224", "vit",
     dict(TINY_VIT, reg_tokens=2, no_embed_class=True, init_values=0.1, global_pool="avg")),
    # ViT without class token: avg pooling with fc_norm forced off (final norm before pooling)
    ("vit_nocls_avg", "vit_tiny_patch16_224", "vit",
     dict(TINY_VIT, class_token=False, global_pool="avg", fc_norm=False, mlp_ratio=2.0)),
    # DeiT distilled: cls + dist tokens, head and head_dist averaged in eval
    ("deit_distilled", "deit_tiny_distilled_patch16_224", "deit", dict(TINY_VIT)),
    # BEiT as registered: relative position bias per block, q_bias/v_bias, gamma_1/gamma_2, mean pooling + fc_norm
    ("beit_relpos_avg", "beit_base_patch16_224", "beit", dict(TINY_VIT, init_values=0.1)),
    # BEiT variant: absolute pos_embed and token pooling with final norm, no LayerScale, no rel. position bias
    ("beit_abs_token", "beit_base_patch16_224", "beit",
     dict(TINY_VIT, use_abs_pos_emb=True, use_rel_pos_bias=False, init_values=None, global_pool="token")),
    # CaiT: talking-heads LayerScale blocks + one class-attention block
    ("cait", "cait_xxs24_224", "cait", dict(TINY_VIT, depth_token_only=1, init_values=0.1)),
    # Swin: 3 stages on a 16x16 grid, window 4: shifted windows with masks in stages 0 and 1; stage 2 (4x4) shrinks
    # to a single unshifted window
    ("swin", "swin_tiny_patch4_window7_224", "swin",
     dict(img_size=32, patch_size=2, embed_dim=8, depths=[2, 2, 2], num_heads=[2, 2, 4], window_size=4,
          mlp_ratio=2.0, num_classes=5)),
    # Swin with padding: grid 8 and window 3 (padded to 9, shift 1), then 4x4 (padded to 6, shift 1)
    ("swin_pad", "swin_tiny_patch4_window7_224", "swin",
     dict(img_size=32, patch_size=4, embed_dim=8, depths=[2, 2], num_heads=[2, 4], window_size=3,
          num_classes=5)),
    # Swin V2: cosine attention with logit scale, continuous position bias (cpb_mlp), residual post-norm, V2 patch
    # merging; grid 16, window 4: shifted windows with masks in both stages
    ("swinv2", "swinv2_tiny_window8_256", "swinv2",
     dict(img_size=32, patch_size=2, embed_dim=8, depths=[2, 2], num_heads=[2, 4], window_size=4, mlp_ratio=2.0,
          num_classes=5)),
    # Swin V2 with pretrained_window_sizes (the 12to16 variant's kind): grid 8, window 4 shifted in stage 0 with
    # coordinates scaled for a pre-training window of 3; stage 1 (4x4) is one unshifted window scaled for 6
    ("swinv2_pretrained_ws", "swinv2_base_window12to16_192to256", "swinv2",
     dict(img_size=32, patch_size=4, embed_dim=8, depths=[2, 2], num_heads=[2, 4], window_size=4,
          pretrained_window_sizes=[3, 6], num_classes=5)),
]


def write_safetensors(path, tensors):
    """u64 LE header length, JSON header (padded with spaces to 8 bytes), raw little-endian F32 data."""
    header, chunks, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in tensors.items():
        t = t.detach().to(torch.float32).contiguous().cpu()
        raw = t.numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    blob = json.dumps(header, separators=(",", ":")).encode("utf-8")
    blob += b" " * ((8 - len(blob) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(blob)))
        f.write(blob)
        for c in chunks:
            f.write(c)


@torch.no_grad()
def randomize(model: nn.Module, gen: torch.Generator):
    """Every parameter random and non-trivial: N(0, 0.2) for weights, biases, tokens and position embeddings;
    LayerNorm weights 1 + N(0, 0.2); LayerScale / gamma values 0.5 + N(0, 0.2) so residual branches matter;
    relative position bias tables N(0, 0.5) so that a wrong index visibly changes attention; Swin V2 logit scales
    log(10) + N(0, 1) with head 0 at 5.0, above timm's clamp at log(100), so that the clamp is tested."""
    norm_weights = {id(m.weight) for m in model.modules() if isinstance(m, nn.LayerNorm)}
    for name, p in model.named_parameters():
        noise = torch.randn(p.shape, generator=gen)
        if id(p) in norm_weights:
            p.copy_(1.0 + 0.2 * noise)
        elif name.endswith("gamma") or name.endswith("gamma_1") or name.endswith("gamma_2"):
            p.copy_(0.5 + 0.2 * noise)
        elif "relative_position_bias_table" in name:
            p.copy_(0.5 * noise)
        elif name.endswith("logit_scale"):
            p.copy_(math.log(10) + noise)
            p.view(-1)[0] = 5.0
        else:
            p.copy_(0.2 * noise)


def check_every_parameter_matters(model, x):
    """d(sum of logits * fixed random weights)/d(param) is non-zero for every parameter tensor."""
    model.zero_grad()
    with torch.enable_grad():
        logits = model(x)
        w = torch.randn(logits.shape, generator=torch.Generator().manual_seed(7))
        (logits * w).sum().backward()
    dead = [n for n, p in model.named_parameters() if p.grad is None or p.grad.abs().max().item() == 0.0]
    assert not dead, f"parameters without influence on the logits: {dead}"
    model.zero_grad()


def make_case(x, index, case, model_name, family, kwargs):
    torch.manual_seed(1000 + index)
    model = create_model(model_name, **kwargs)
    gen = torch.Generator().manual_seed(2000 + index)
    randomize(model, gen)
    model.eval()
    check_every_parameter_matters(model, x)
    with torch.no_grad():
        features = model.forward_features(x)
        logits = model.forward_head(features)
        io = {"features": features, "logits": logits}
        if family == "deit":
            io["logits_head"], io["logits_dist"] = model.head(features[:, 0]), model.head_dist(features[:, 1])
            assert torch.allclose((io["logits_head"] + io["logits_dist"]) / 2, logits)
        assert torch.equal(model(x), logits)
    state = model.state_dict()
    assert all(v.dtype == torch.float32 for v in state.values())
    write_safetensors(os.path.join(OUT, f"{case}.safetensors"), state)
    write_safetensors(os.path.join(OUT, f"{case}_io.safetensors"), io)
    print(f"{case:16s} {model_name:32s} {len(state):3d} tensors {sum(v.numel() for v in state.values()):6d} params "
          f"logits {tuple(logits.shape)} |max| {logits.abs().max().item():.3f}")
    return {"case": case, "model": model_name, "family": family, "timm_kwargs": kwargs,
            "weights": f"{case}.safetensors", "io": f"{case}_io.safetensors"}


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header, data = json.loads(blob[8:8 + n]), blob[8 + n:]
    out = {}
    for k, v in header.items():
        if k != "__metadata__":
            assert v["dtype"] == "F32", (k, v["dtype"])
            begin, end = v["data_offsets"]
            out[k] = torch.from_numpy(np.frombuffer(data[begin:end], dtype="<f4").copy()).reshape(v["shape"])
    return out


def cross_check_with_torchvision():
    """An independent check of the peers: the Weights layer's torchvision peer fixtures (torchvision 0.14 ViT and
    Swin, renamed to timm keys by ../Weights/make_fixtures.py) loaded strictly into real timm give torchvision's logits."""
    weights = os.path.join(HERE, "..", "Weights")
    if not os.path.exists(os.path.join(weights, "vit_timm.safetensors")):
        print("torchvision cross-check skipped: ../Weights fixtures not found")
        return
    recomputed = ("relative_position_index", "attn_mask")
    for name, kwargs, stem in [
        ("vit_tiny_patch16_224", dict(img_size=32, patch_size=8, embed_dim=32, depth=2, num_heads=2, mlp_ratio=2.0,
                                      num_classes=5), "vit"),
        ("swin_tiny_patch4_window7_224", dict(img_size=32, embed_dim=16, depths=[2, 2], num_heads=[1, 2],
                                              window_size=4, num_classes=5), "swin"),
    ]:
        model = create_model(name, **kwargs).eval()
        sd = {k: v for k, v in read_safetensors(os.path.join(weights, f"{stem}_timm.safetensors")).items()
              if not k.endswith(recomputed)}
        model.load_state_dict(sd, strict=True)
        io = read_safetensors(os.path.join(weights, f"{stem}_io.safetensors"))
        with torch.no_grad():
            diff = (model(io["input"]) - io["logits"]).abs().max().item()
        assert diff < 1e-5, f"timm {stem} differs from torchvision by {diff}"
        print(f"torchvision cross-check {stem}: max |diff| {diff:.2e}")


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    cross_check_with_torchvision()
    x = torch.randn((2, 3, 32, 32), generator=torch.Generator().manual_seed(1))
    write_safetensors(os.path.join(OUT, "input.safetensors"), {"input": x})
    manifest = [make_case(x, i, *c) for i, c in enumerate(CASES)]
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
