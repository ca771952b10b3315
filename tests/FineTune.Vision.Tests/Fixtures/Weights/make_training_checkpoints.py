"""Checkpoints shaped like real training scripts' files, for the restricted unpickler's placeholder tests.

Run with Debian's python3-torch (1.13), from this folder:

    PYTHONPATH=stand_ins /usr/bin/python3 make_training_checkpoints.py

stand_ins/ holds yacs.config.CfgNode and pytorch_lightning.utilities.parsing.AttributeDict as plain dict subclasses
(neither package is installed; a pickle records only module and class names). Every file holds the same tiny state
dict as nested.pth's 'model' ({'w': ones(2, 2), 'b': zeros(2)}), its EMA copy being nested.pth's 'model_ema'.

  timm_train.pth        timm train.py: epoch, arch, state_dict, optimizer, version, args (argparse.Namespace), state_dict_ema
  deit_main.pth         DeiT main.py: model, optimizer, lr_scheduler, epoch, args (Namespace), model_ema
  swin_official.pth     Swin official: model, optimizer, lr_scheduler, max_accuracy, epoch, config (yacs CfgNode)
  lightning.ckpt        Lightning: state_dict ('model.'-prefixed), hyper_parameters (AttributeDict), epoch, global_step,
                        optimizer_states, lr_schedulers
  legacy_train.pt       timm train.py's dict in the legacy (pre-1.6, non-zip) format
  legacy_malicious.pt   the legacy format with a Namespace whose state calls os.system: must be refused unexecuted
  namespace_malicious.pth  timm_train.pth with a nested os.system reduce inside args' __setstate__ payload
  sharded/              model.safetensors.index.json + two shards ('w' in the first, 'b' in the second), written by hand
                        (python3-safetensors is not installed): 8-byte little-endian header length, JSON header, raw bytes
"""
import json
import struct
import argparse
import os
from collections import OrderedDict

import torch
from pytorch_lightning.utilities.parsing import AttributeDict
from yacs.config import CfgNode


def out(name):
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), name)


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned > finetune_vision_pwned.txt",))


def write_safetensors(path, tensors):
    header, blobs, at = {}, [], 0
    for name, t in tensors.items():
        raw = t.contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [at, at + len(raw)]}
        blobs.append(raw)
        at += len(raw)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def write_sharded(folder, tensors):
    os.makedirs(folder, exist_ok=True)
    names = ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]
    keys = list(tensors)
    weight_map = {k: names[0] if i < len(keys) // 2 else names[1] for i, k in enumerate(keys)}
    for name in names:
        write_safetensors(os.path.join(folder, name), {k: v for k, v in tensors.items() if weight_map[k] == name})
    total = sum(v.numel() * 4 for v in tensors.values())
    with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)


def main():
    small = OrderedDict([("w", torch.ones(2, 2)), ("b", torch.zeros(2))])
    ema = OrderedDict([("w", torch.full((2, 2), 2.0)), ("b", torch.ones(2))])
    param = torch.nn.Parameter(torch.zeros(2))
    opt = torch.optim.AdamW([param], lr=1e-3)
    param.grad = torch.ones(2)
    opt.step()
    sched = torch.optim.lr_scheduler.StepLR(opt, 1)
    args = argparse.Namespace(model="vit_tiny_patch16_224", lr=1e-3, epochs=3, model_ema=True, aa="rand-m9-mstd0.5-inc1")

    timm = {"epoch": 3, "arch": "vit_tiny_patch16_224", "state_dict": small, "optimizer": opt.state_dict(),
            "version": 2, "args": args, "state_dict_ema": ema}
    torch.save(timm, out("timm_train.pth"))
    torch.save(timm, out("legacy_train.pt"), _use_new_zipfile_serialization=False)
    torch.save({"model": small, "optimizer": opt.state_dict(), "lr_scheduler": sched.state_dict(), "epoch": 3,
                "args": args, "model_ema": ema}, out("deit_main.pth"))
    config = CfgNode({"MODEL": CfgNode({"TYPE": "swin", "NAME": "swin_tiny"}), "TRAIN": CfgNode({"EPOCHS": 3})})
    torch.save({"model": small, "optimizer": opt.state_dict(), "lr_scheduler": sched.state_dict(),
                "max_accuracy": 81.2, "epoch": 3, "config": config}, out("swin_official.pth"))
    prefixed = OrderedDict((f"model.{k}", v) for k, v in small.items())
    torch.save({"epoch": 3, "global_step": 30, "pytorch-lightning_version": "2.1.0", "state_dict": prefixed,
                "hyper_parameters": AttributeDict(lr=1e-3, model_name="vit_tiny"),
                "optimizer_states": [opt.state_dict()], "lr_schedulers": [sched.state_dict()]}, out("lightning.ckpt"))

    write_sharded(out("sharded"), small)

    evil_args = argparse.Namespace(model="vit", cmd=_Evil())
    torch.save({"state_dict": small, "args": evil_args}, out("namespace_malicious.pth"))
    torch.save({"state_dict": small, "args": evil_args}, out("legacy_malicious.pt"), _use_new_zipfile_serialization=False)


if __name__ == "__main__":
    main()
