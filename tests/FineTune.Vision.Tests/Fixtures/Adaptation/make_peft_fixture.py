"""PEFT-layout LoRA adapter for the tests' tiny ViT (TinyModels.Vit: dim 32, depth 2, 5 classes), made without PEFT.

Writes peft_vit/adapter_config.json and peft_vit/adapter_model.safetensors exactly as PEFT 0.19.1's
PeftModel.save_pretrained writes them for ViTForImageClassification with
LoraConfig(r=4, lora_alpha=8, lora_dropout=0.1, target_modules=["query", "value"], modules_to_save=["classifier"]):
  - keys from peft/utils/save_and_load.py get_peft_model_state_dict: base_model.model.<module>.lora_A.weight
    (adapter name 'default' removed), modules_to_save as base_model.model.classifier.weight/bias;
  - transformers' module names (modeling_vit.py): vit.encoder.layer.{i}.attention.attention.query|value;
  - the config: LoraConfig.to_dict() (asdict without runtime_config) dumped with indent=2, sort_keys=True, sets as
    lists, inference_mode True (PeftModel.save_pretrained sets it while saving), safetensors metadata {"format": "pt"}.
And peft_vit_expected.safetensors: the merged update of each timm qkv weight, (alpha / r) * B @ A on the q rows
[0, 32) and v rows [64, 96) (zero on k), and the classifier under timm's names (head.weight, head.bias).

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


def config():
    """LoraConfig(...).to_dict() of PEFT 0.19.1 for this adapter (every field, as save_pretrained writes it)."""
    return {
        "alora_invocation_tokens": None, "alpha_pattern": {}, "arrow_config": None, "auto_mapping": None,
        "base_model_name_or_path": "tiny-vit-for-tests", "bias": "none", "corda_config": None,
        "ensure_weight_tying": False, "eva_config": None, "exclude_modules": None, "fan_in_fan_out": False,
        "inference_mode": True, "init_lora_weights": True, "layer_replication": None, "layers_pattern": None,
        "layers_to_transform": None, "loftq_config": {}, "lora_alpha": ALPHA, "lora_bias": False, "lora_dropout": 0.1,
        "lora_ga_config": None, "megatron_config": None, "megatron_core": "megatron.core",
        "modules_to_save": ["classifier"], "peft_type": "LORA", "peft_version": "0.19.1", "qalora_group_size": 16,
        "r": R, "rank_pattern": {}, "revision": None, "target_modules": ["value", "query"], "target_parameters": None,
        "task_type": None, "trainable_token_indices": None, "use_bdlora": None, "use_dora": False, "use_qalora": False,
        "use_rslora": False,
    }


def main():
    torch.manual_seed(15)
    adapter, expected = {}, {}
    scaling = ALPHA / R
    for i in range(DEPTH):
        delta = torch.zeros(3 * DIM, DIM)
        for part, rows in (("query", 0), ("value", 2 * DIM)):
            a = (torch.rand(R, DIM) * 2 - 1) / DIM ** 0.5           # kaiming_uniform(a=sqrt(5)) bound 1/sqrt(fan_in)
            b = torch.randn(DIM, R) * 0.2                            # trained: no longer zero
            key = f"base_model.model.vit.encoder.layer.{i}.attention.attention.{part}"
            adapter[f"{key}.lora_A.weight"] = a
            adapter[f"{key}.lora_B.weight"] = b
            delta[rows:rows + DIM] = scaling * (b @ a)
        expected[f"blocks.{i}.attn.qkv.weight"] = delta
    w, b = torch.randn(CLASSES, DIM) * 0.1, torch.randn(CLASSES) * 0.1
    adapter["base_model.model.classifier.bias"] = b
    adapter["base_model.model.classifier.weight"] = w
    expected["head.weight"], expected["head.bias"] = w, b
    out = os.path.join(HERE, "peft_vit")
    os.makedirs(out, exist_ok=True)
    write_safetensors(os.path.join(out, "adapter_model.safetensors"), dict(sorted(adapter.items())), {"format": "pt"})
    with open(os.path.join(out, "adapter_config.json"), "w") as f:
        f.write(json.dumps(config(), indent=2, sort_keys=True))
    write_safetensors(os.path.join(HERE, "peft_vit_expected.safetensors"), expected)


if __name__ == "__main__":
    main()
