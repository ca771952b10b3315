#!/usr/bin/python3
"""Reference fixtures for the Weights layer, made with a trusted peer (Debian's python3-torch 1.13 and
python3-torchvision 0.14).  Run from anywhere:  /usr/bin/python3 make_fixtures.py

Writes beside this script (all small, fixed seeds):
  vit_tv.pth / swin_tv.pth          torchvision state dicts, torch.save zip format
  vit_timm.safetensors / swin_timm.safetensors   the same weights in timm naming (hand-written safetensors)
  vit_hf.safetensors / swin_hf.safetensors       the same weights in Hugging Face transformers naming (q/k/v split)
  vit_io.safetensors / swin_io.safetensors       `input` (2,3,32,32) and the eval `logits` (2,5)
  dtypes.pth / dtypes.safetensors   one tensor per dtype, same values in both formats, with __metadata__
  views.pth                          non-contiguous views sharing one storage, plus their contiguous values
  nested.pth                         {'model': ..., 'model_ema': ..., 'epoch': 3, 'arch': 'tiny'}
  legacy.pt                          the pre-1.6 (non-zip) torch.save format, which the library refuses
  malicious.pth                      a checkpoint whose pickle calls os.system: it must be refused unexecuted
  resample.safetensors               resample_abs_pos_embed and relative-position-bias resizing, by torch
"""
import json
import os
import re
import struct
from collections import OrderedDict

import torch
import torch.nn.functional as F
from torchvision.models.swin_transformer import SwinTransformer
from torchvision.models.vision_transformer import VisionTransformer

HERE = os.path.dirname(os.path.abspath(__file__))
DTYPES = {torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
          torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
          torch.uint8: "U8", torch.bool: "BOOL"}


def out(name):
    return os.path.join(HERE, name)


def write_safetensors(path, tensors, metadata=None):
    """The safetensors layout, by hand: u64 LE header length, JSON header, then the raw little-endian bytes."""
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        if t.dtype == torch.bfloat16:
            raw = t.view(torch.int16).numpy().tobytes()
        else:
            raw = t.numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    blob = json.dumps(header, separators=(",", ":")).encode("utf-8")
    blob += b" " * ((8 - len(blob) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(blob)))
        f.write(blob)
        for c in chunks:
            f.write(c)


def vit_tv_to_timm(sd):
    out_sd = OrderedDict()
    for k, v in sd.items():
        k2 = k.replace("class_token", "cls_token").replace("conv_proj", "patch_embed.proj")
        k2 = k2.replace("encoder.pos_embedding", "pos_embed").replace("encoder.ln.", "norm.")
        k2 = k2.replace("heads.head", "head")
        k2 = re.sub(r"encoder\.layers\.encoder_layer_(\d+)\.", r"blocks.\1.", k2)
        k2 = (k2.replace("ln_1", "norm1").replace("ln_2", "norm2")
              .replace("self_attention.in_proj_weight", "attn.qkv.weight")
              .replace("self_attention.in_proj_bias", "attn.qkv.bias")
              .replace("self_attention.out_proj", "attn.proj")
              .replace("mlp.0.", "mlp.fc1.").replace("mlp.3.", "mlp.fc2."))
        out_sd[k2] = v
    return out_sd


def vit_timm_to_hf(sd, dim):
    out_sd = OrderedDict()
    for k, v in sd.items():
        m = re.match(r"blocks\.(\d+)\.(.*)", k)
        if m:
            i, rest = m.groups()
            p = f"vit.encoder.layer.{i}."
            if rest.startswith("attn.qkv."):
                kind = rest.split(".")[-1]
                for j, part in enumerate(["query", "key", "value"]):
                    out_sd[f"{p}attention.attention.{part}.{kind}"] = v[j * dim:(j + 1) * dim]
                continue
            rest = (rest.replace("norm1", "layernorm_before").replace("norm2", "layernorm_after")
                    .replace("attn.proj", "attention.output.dense").replace("mlp.fc1", "intermediate.dense")
                    .replace("mlp.fc2", "output.dense"))
            out_sd[p + rest] = v
            continue
        k2 = {"cls_token": "vit.embeddings.cls_token", "pos_embed": "vit.embeddings.position_embeddings",
              "patch_embed.proj.weight": "vit.embeddings.patch_embeddings.projection.weight",
              "patch_embed.proj.bias": "vit.embeddings.patch_embeddings.projection.bias",
              "norm.weight": "vit.layernorm.weight", "norm.bias": "vit.layernorm.bias",
              "head.weight": "classifier.weight", "head.bias": "classifier.bias"}[k]
        out_sd[k2] = v
    return out_sd


def swin_tv_to_timm(sd):
    out_sd = OrderedDict()
    for k, v in sd.items():
        if k.endswith("relative_position_index"):
            continue  # timm's buffer is non-persistent
        m = re.match(r"features\.(\d+)\.(.*)", k)
        if m:
            idx, rest = int(m.group(1)), m.group(2)
            if idx == 0:
                k2 = {"0.weight": "patch_embed.proj.weight", "0.bias": "patch_embed.proj.bias",
                      "2.weight": "patch_embed.norm.weight", "2.bias": "patch_embed.norm.bias"}[rest]
            elif idx % 2 == 1:
                blk, rest2 = rest.split(".", 1)
                rest2 = rest2.replace("mlp.0.", "mlp.fc1.").replace("mlp.3.", "mlp.fc2.")
                k2 = f"layers.{(idx - 1) // 2}.blocks.{blk}.{rest2}"
            else:
                k2 = f"layers.{idx // 2}.downsample.{rest}"  # torchvision merges after stage s, timm before s+1
        else:
            k2 = k.replace("head.", "head.fc.")
        out_sd[k2] = v
    return out_sd


def swin_timm_to_hf(sd, dims):
    out_sd = OrderedDict()
    for k, v in sd.items():
        m = re.match(r"layers\.(\d+)\.blocks\.(\d+)\.(.*)", k)
        if m:
            s, b, rest = m.groups()
            p = f"swin.encoder.layers.{s}.blocks.{b}."
            if rest.startswith("attn.qkv."):
                d, kind = dims[int(s)], rest.split(".")[-1]
                for j, part in enumerate(["query", "key", "value"]):
                    out_sd[f"{p}attention.self.{part}.{kind}"] = v[j * d:(j + 1) * d]
                continue
            rest = (rest.replace("norm1", "layernorm_before").replace("norm2", "layernorm_after")
                    .replace("attn.relative_position_bias_table", "attention.self.relative_position_bias_table")
                    .replace("attn.proj", "attention.output.dense").replace("mlp.fc1", "intermediate.dense")
                    .replace("mlp.fc2", "output.dense"))
            out_sd[p + rest] = v
            continue
        m = re.match(r"layers\.(\d+)\.downsample\.(.*)", k)
        if m:
            out_sd[f"swin.encoder.layers.{int(m.group(1)) - 1}.downsample.{m.group(2)}"] = v
            continue
        k2 = (k.replace("patch_embed.proj", "swin.embeddings.patch_embeddings.projection")
              .replace("patch_embed.norm", "swin.embeddings.norm").replace("head.fc", "classifier"))
        k2 = re.sub(r"^norm\.", "swin.layernorm.", k2)
        out_sd[k2] = v
    return out_sd


def make_models():
    torch.manual_seed(1234)
    x = torch.randn(2, 3, 32, 32)
    vit = VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=32, mlp_dim=64,
                            num_classes=5).eval()
    with torch.no_grad():  # torchvision zero-initialises the head and the class token: make them count
        for p in vit.parameters():
            p.add_(torch.randn_like(p) * 0.05)
        vit_logits = vit(x)
    sd = vit.state_dict()
    torch.save(sd, out("vit_tv.pth"))
    timm_sd = vit_tv_to_timm(sd)
    write_safetensors(out("vit_timm.safetensors"), timm_sd, {"format": "pt", "source": "torchvision ViT, renamed"})
    write_safetensors(out("vit_hf.safetensors"), vit_timm_to_hf(timm_sd, 32), {"format": "pt"})
    write_safetensors(out("vit_io.safetensors"), {"input": x, "logits": vit_logits})

    swin = SwinTransformer(patch_size=[4, 4], embed_dim=16, depths=[2, 2], num_heads=[1, 2], window_size=[4, 4],
                           num_classes=5).eval()
    with torch.no_grad():
        for name, p in swin.named_parameters():
            p.add_(torch.randn_like(p) * 0.05)
        swin_logits = swin(x)
    sd = swin.state_dict()
    torch.save(sd, out("swin_tv.pth"))
    timm_sd = swin_tv_to_timm(sd)
    write_safetensors(out("swin_timm.safetensors"), timm_sd, {"format": "pt"})
    write_safetensors(out("swin_hf.safetensors"), swin_timm_to_hf(timm_sd, [16, 32]), {"format": "pt"})
    write_safetensors(out("swin_io.safetensors"), {"input": x, "logits": swin_logits})


def make_format_cases():
    g = torch.Generator().manual_seed(7)
    base = torch.randn(3, 4, generator=g) * 100
    dt = OrderedDict()
    for dtype in DTYPES:
        if dtype == torch.bool:
            dt["bool"] = base > 0
        elif dtype.is_floating_point:
            dt[str(dtype).split(".")[1]] = base.to(dtype)
        else:
            dt[str(dtype).split(".")[1]] = base.clamp(-100, 100).to(dtype) if dtype != torch.uint8 \
                else base.abs().clamp(0, 255).to(dtype)
    dt["scalar"] = torch.tensor(2.5)
    dt["empty"] = torch.zeros(0, 3)
    torch.save(dt, out("dtypes.pth"))
    write_safetensors(out("dtypes.safetensors"), dt, {"format": "pt", "note": "one tensor per dtype"})

    storage = torch.arange(24, dtype=torch.float32)
    m = storage.view(4, 6)
    views = OrderedDict(whole=m, transposed=m.t(), strided=m[1:, ::2], offset_row=m[2], column=m[:, 3])
    torch.save(views, out("views.pth"))
    write_safetensors(out("views_expected.safetensors"), {k: v.contiguous() for k, v in views.items()})

    small = OrderedDict([("w", torch.ones(2, 2)), ("b", torch.zeros(2))])
    ema = OrderedDict([("w", torch.full((2, 2), 2.0)), ("b", torch.ones(2))])
    torch.save({"model": small, "model_ema": ema, "epoch": 3, "arch": "tiny", "args": None}, out("nested.pth"))
    torch.save(small, out("legacy.pt"), _use_new_zipfile_serialization=False)


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned > finetune_vision_pwned.txt",))


def make_malicious():
    torch.save({"weight": torch.ones(2), "payload": _Evil()}, out("malicious.pth"))


def make_resample_cases():
    g = torch.Generator().manual_seed(11)
    pos = torch.randn(1, 1 + 4 * 4, 8, generator=g)

    def resample(posemb, new, prefix=1):  # timm.layers.resample_abs_pos_embed
        pre, grid = posemb[:, :prefix], posemb[:, prefix:]
        old = int(grid.shape[1] ** 0.5)
        grid = grid.reshape(1, old, old, -1).permute(0, 3, 1, 2)
        grid = F.interpolate(grid, size=new, mode="bicubic", antialias=True)
        grid = grid.permute(0, 2, 3, 1).reshape(1, -1, posemb.shape[-1])
        return torch.cat([pre, grid], dim=1)

    table = torch.randn(7 * 7 + 3, 2, generator=g)  # BEiT style: (2*4-1)^2 + 3 extra, 2 heads

    def resize_table(t, new_window, extra):  # timm.layers.resize_rel_pos_bias_table_simple
        src = int((t.shape[0] - extra) ** 0.5)
        dst = 2 * new_window - 1
        body, tail = (t[:-extra], t[-extra:]) if extra else (t, None)
        r = F.interpolate(body.transpose(1, 0).reshape(1, -1, src, src), size=(dst, dst), mode="bicubic",
                          align_corners=False).view(-1, dst * dst).transpose(0, 1)
        return torch.cat([r, tail], dim=0) if tail is not None else r

    write_safetensors(out("resample.safetensors"), {
        "pos": pos, "pos_up_6x6": resample(pos, (6, 6)), "pos_down_3x3": resample(pos, (3, 3)),
        "pos_rect_3x5": resample(pos, (3, 5)),
        "table": table, "table_w6": resize_table(table, 6, 3), "table_w3": resize_table(table, 3, 3)})


if __name__ == "__main__":
    make_models()
    make_format_cases()
    make_malicious()
    make_resample_cases()
    total = sum(os.path.getsize(out(f)) for f in os.listdir(HERE) if not f.endswith(".py"))
    print(f"fixtures written to {HERE}: {total} bytes")
