"""PEFT-layout LoRA adapters for the tests' tiny ViT (TinyModels.Vit: dim 32, depth 2, 5 classes) and Swin, made without PEFT.

Writes peft_vit/adapter_config.json and peft_vit/adapter_model.safetensors exactly as PEFT 0.19.1's
PeftModel.save_pretrained writes them for ViTForImageClassification with
LoraConfig(r=4, lora_alpha=8, lora_dropout=0.1, target_modules=["query", "value"], modules_to_save=["classifier"]):
  - keys from peft/utils/save_and_load.py get_peft_model_state_dict: base_model.model.<module>.lora_A.weight
    (adapter name 'default' removed), modules_to_save as base_model.model.classifier.weight/bias;
  - transformers' module names (modeling_vit.py): vit.encoder.layer.{i}.attention.attention.query|value;
  - the config: LoraConfig.to_dict() (asdict without runtime_config) dumped with indent=2, sort_keys=True, sets as
    lists, inference_mode True (PeftModel.save_pretrained sets it while saving), safetensors metadata {"format": "pt"}.
peft_swin/ likewise for SwinForImageClassification (swin.encoder.layers.{s}.blocks.{b}.attention.self.query|value,
attention.output.dense, output.dense). And peft_vit_expected.safetensors: the merged update of each timm qkv weight, (alpha / r) * B @ A on the q rows
[0, 32) and v rows [64, 96) (zero on k), and the classifier under timm's names (head.weight, head.bias); peft_swin_expected.safetensors the same for
qkv, attn.proj and mlp.fc2 of every Swin block and head.fc.

Run with Debian's torch:  /usr/bin/python3 tests/FineTune.Vision.Tests/Fixtures/Adaptation/make_peft_fixture.py
"""
import json
import os
import struct

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
DIM, DEPTH, CLASSES, R, ALPHA = 32, 2, 5, 4, 8


def write_safetensors(path, tensors, metadata=None):
    """The safetensors layout by hand: u64 LE header length, JSON header (8-byte padded), raw little-endian f32."""
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        raw = t.detach().contiguous().float().numpy().tobytes()
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


def config(base, targets):
    """LoraConfig(...).to_dict() of PEFT 0.19.1 for this adapter (every field, as save_pretrained writes it)."""
    return {
        "alora_invocation_tokens": None, "alpha_pattern": {}, "arrow_config": None, "auto_mapping": None,
        "base_model_name_or_path": base, "bias": "none", "corda_config": None,
        "ensure_weight_tying": False, "eva_config": None, "exclude_modules": None, "fan_in_fan_out": False,
        "inference_mode": True, "init_lora_weights": True, "layer_replication": None, "layers_pattern": None,
        "layers_to_transform": None, "loftq_config": {}, "lora_alpha": ALPHA, "lora_bias": False, "lora_dropout": 0.1,
        "lora_ga_config": None, "megatron_config": None, "megatron_core": "megatron.core",
        "modules_to_save": ["classifier"], "peft_type": "LORA", "peft_version": "0.19.1", "qalora_group_size": 16,
        "r": R, "rank_pattern": {}, "revision": None, "target_modules": targets, "target_parameters": None,
        "task_type": None, "trainable_token_indices": None, "use_bdlora": None, "use_dora": False, "use_qalora": False,
        "use_rslora": False,
    }


def lora_pair(key, fan_in, fan_out, rows, delta, adapter, scaling):
    a = (torch.rand(R, fan_in) * 2 - 1) / fan_in ** 0.5      # kaiming_uniform(a=sqrt(5)) bound 1/sqrt(fan_in)
    b = torch.randn(fan_out, R) * 0.2                          # trained: no longer zero
    adapter[f"{key}.lora_A.weight"] = a
    adapter[f"{key}.lora_B.weight"] = b
    delta[rows:rows + fan_out] = scaling * (b @ a)


def vit(adapter, expected):
    """ViTForImageClassification, target_modules ["query", "value"]: the q and v rows of timm's fused qkv."""
    for i in range(DEPTH):
        delta = torch.zeros(3 * DIM, DIM)
        for part, rows in (("query", 0), ("value", 2 * DIM)):
            lora_pair(f"base_model.model.vit.encoder.layer.{i}.attention.attention.{part}", DIM, DIM, rows, delta, adapter, ALPHA / R)
        expected[f"blocks.{i}.attn.qkv.weight"] = delta
    return DIM, "head"


def swin(adapter, expected):
    """SwinForImageClassification (TinyModels.Swin: embed 16, depths [2, 2]), target_modules ["query", "value",
    "output.dense"]: q/v rows of qkv, and both attention.output.dense (timm attn.proj) and output.dense (mlp.fc2)."""
    for s, dim in enumerate((16, 32)):
        for blk in range(2):
            hf, timm = f"base_model.model.swin.encoder.layers.{s}.blocks.{blk}", f"layers.{s}.blocks.{blk}"
            qkv, proj, fc2 = torch.zeros(3 * dim, dim), torch.zeros(dim, dim), torch.zeros(dim, 4 * dim)
            lora_pair(f"{hf}.attention.self.query", dim, dim, 0, qkv, adapter, ALPHA / R)
            lora_pair(f"{hf}.attention.self.value", dim, dim, 2 * dim, qkv, adapter, ALPHA / R)
            lora_pair(f"{hf}.attention.output.dense", dim, dim, 0, proj, adapter, ALPHA / R)
            lora_pair(f"{hf}.output.dense", 4 * dim, dim, 0, fc2, adapter, ALPHA / R)
            expected[f"{timm}.attn.qkv.weight"], expected[f"{timm}.attn.proj.weight"] = qkv, proj
            expected[f"{timm}.mlp.fc2.weight"] = fc2
    return 32, "head.fc"


def make(name, build, targets):
    torch.manual_seed(15)
    adapter, expected = {}, {}
    features, head = build(adapter, expected)
    w, b = torch.randn(CLASSES, features) * 0.1, torch.randn(CLASSES) * 0.1
    adapter["base_model.model.classifier.bias"] = b
    adapter["base_model.model.classifier.weight"] = w
    expected[f"{head}.weight"], expected[f"{head}.bias"] = w, b
    out = os.path.join(HERE, f"peft_{name}")
    os.makedirs(out, exist_ok=True)
    write_safetensors(os.path.join(out, "adapter_model.safetensors"), dict(sorted(adapter.items())), {"format": "pt"})
    with open(os.path.join(out, "adapter_config.json"), "w") as f:
        f.write(json.dumps(config(f"tiny-{name}-for-tests", targets), indent=2, sort_keys=True))
    write_safetensors(os.path.join(HERE, f"peft_{name}_expected.safetensors"), expected)


def main():
    make("vit", vit, ["value", "query"])       # a set in PEFT: saved in whatever order the set iterates
    make("swin", swin, ["output.dense", "query", "value"])


if __name__ == "__main__":
    main()
