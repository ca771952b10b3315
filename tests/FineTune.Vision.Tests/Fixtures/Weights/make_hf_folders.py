"""Hugging Face model folders (config.json + weights), the two kinds users download.

Run with Debian's python3-torch (1.13) and real timm's source (v1.0.x, unpacked outside the repository):

    PYTHONPATH=/work/timm-src:.. /usr/bin/python3 make_hf_folders.py

Writes under hf/:
  timm_vit/      a timm hub folder as timm's own save_config_for_hf writes it (architecture, num_classes, model_args,
                 pretrained_cfg, label_names) + pytorch_model.bin (torch.save of the state dict, as save_for_hf does
                 without safetensors) + io.safetensors (`input` (2,3,32,32) and timm's eval `logits`)
  timm_swin/     the same for a tiny Swin (list-valued model_args: depths, num_heads)
  vit/, swin/    transformers folders: config.json (+ preprocessor_config.json for vit) with the field names of
                 transformers' ViTConfig / SwinConfig / ViTImageProcessor (configuration_vit.py, configuration_swin.py,
                 image_processing_vit.py; transformers is not installed here, so the JSON is written from those classes'
                 field lists). Their weights are vit_hf.safetensors / swin_hf.safetensors beside this script (made by
                 make_fixtures.py from torchvision models, logits in vit_io / swin_io); the tests copy them in as
                 model.safetensors, so no tensor is stored twice.
"""
import json
import os
import sys
from pathlib import Path

import timm_shim  # noqa: F401  (torchvision stub; see ../timm_shim.py)
import torch
import timm
from timm.models._hub import save_config_for_hf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import write_safetensors  # noqa: E402

HERE = Path(os.path.dirname(os.path.abspath(__file__))) / "hf"


def timm_folder(name, arch, model_args, labels):
    folder = HERE / name
    folder.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(7)
    model = timm.create_model(arch, pretrained=False, num_classes=len(labels), **model_args).eval()
    with torch.no_grad():
        for p in model.parameters():  # timm zero-initialises some tensors (head bias, cls token): make every one count
            p.add_(torch.randn_like(p) * 0.02)
        x = torch.randn(2, 3, model_args["img_size"], model_args["img_size"])
        logits = model(x)
    torch.save(model.state_dict(), folder / "pytorch_model.bin")
    save_config_for_hf(model, folder / "config.json", model_config={"label_names": labels}, model_args=model_args)
    write_safetensors(str(folder / "io.safetensors"), {"input": x, "logits": logits})


def write_json(path, obj):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2) + "\n")


def transformers_folders():
    labels = ["tench", "goldfish", "great white shark", "tiger shark", "hammerhead"]
    id2label = {str(i): n for i, n in enumerate(labels)}
    label2id = {n: i for i, n in enumerate(labels)}
    # make_fixtures.py's torchvision ViT: image 32, patch 8, 2 layers, 2 heads, width 32, MLP 64, LayerNorm eps 1e-6.
    write_json(HERE / "vit" / "config.json", {
        "_name_or_path": "tiny-vit", "architectures": ["ViTForImageClassification"], "attention_probs_dropout_prob": 0.0,
        "encoder_stride": 8, "hidden_act": "gelu", "hidden_dropout_prob": 0.0, "hidden_size": 32, "id2label": id2label,
        "image_size": 32, "initializer_range": 0.02, "intermediate_size": 64, "label2id": label2id, "layer_norm_eps": 1e-06,
        "model_type": "vit", "num_attention_heads": 2, "num_channels": 3, "num_hidden_layers": 2, "patch_size": 8,
        "qkv_bias": True, "torch_dtype": "float32", "transformers_version": "4.46.3"})
    write_json(HERE / "vit" / "preprocessor_config.json", {
        "do_normalize": True, "do_rescale": True, "do_resize": True, "image_mean": [0.5, 0.5, 0.5],
        "image_processor_type": "ViTImageProcessor", "image_std": [0.5, 0.5, 0.5], "resample": 2,
        "rescale_factor": 0.00392156862745098, "size": {"height": 32, "width": 32}})
    # make_fixtures.py's torchvision Swin: image 32, patch 4, width 16, depths 2,2, heads 1,2, window 4.
    write_json(HERE / "swin" / "config.json", {
        "architectures": ["SwinForImageClassification"], "attention_probs_dropout_prob": 0.0, "depths": [2, 2],
        "drop_path_rate": 0.1, "embed_dim": 16, "encoder_stride": 32, "hidden_act": "gelu", "hidden_dropout_prob": 0.0,
        "hidden_size": 32, "id2label": id2label, "image_size": 32, "initializer_range": 0.02, "label2id": label2id,
        "layer_norm_eps": 1e-05, "mlp_ratio": 4.0, "model_type": "swin", "num_channels": 3, "num_heads": [1, 2],
        "num_layers": 2, "patch_size": 4, "path_norm": True, "qkv_bias": True, "use_absolute_embeddings": False,
        "window_size": 4, "torch_dtype": "float32", "transformers_version": "4.46.3"})


if __name__ == "__main__":
    timm_folder("timm_vit", "vit_tiny_patch16_224",
                {"img_size": 32, "patch_size": 8, "embed_dim": 32, "depth": 2, "num_heads": 2}, ["cat", "dog", "bird"])
    timm_folder("timm_swin", "swin_tiny_patch4_window7_224",
                {"img_size": 32, "patch_size": 4, "embed_dim": 16, "depths": [2, 2], "num_heads": [1, 2], "window_size": 4},
                ["cat", "dog", "bird"])
    transformers_folders()
