"""Writes timm_args.yaml: the args.yaml that timm v1.0.28's train.py saves in its output folder, for `ftv train --config`.

Runs train.py's own argument parser (the module-level `parser` definitions, lines from `config_parser = parser = ...`
up to `def _parse_args`) on a DeiT-style fine-tuning command line, and dumps the namespace exactly as train.py does:
`yaml.safe_dump(args.__dict__, default_flow_style=False)`. Only `timm.utils.ParseKwargs` is needed from timm (for
--model-kwargs), taken from timm's misc.py so that no torch or torchvision import is involved.

    git -C /work/.mirror/huggingface+pytorch-image-models/repo show v1.0.28:train.py > /tmp/train.py
    PYTHONPATH=/work/timm-src /usr/bin/python3 make_timm_args_yaml.py /tmp/train.py > timm_args.yaml
"""
import argparse
import importlib.util
import os
import sys
import types

import yaml


def _timm_misc():
    """timm/utils/misc.py from PYTHONPATH, loaded as a file (it imports only argparse, ast and re; `import timm` would need torchvision)."""
    for root in sys.path:
        path = os.path.join(root, 'timm', 'utils', 'misc.py')
        if os.path.exists(path):
            spec = importlib.util.spec_from_file_location('timm_utils_misc', path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    raise SystemExit('timm/utils/misc.py not found on PYTHONPATH; set PYTHONPATH=/work/timm-src')


ParseKwargs = _timm_misc().ParseKwargs

ARGS = [
    '/data/imagenette',
    '--model', 'vit_tiny_patch16_224', '--model-kwargs', 'depth=2', 'embed_dim=48',
    '--num-classes', '10', '--img-size', '32', '--batch-size', '16', '--epochs', '3',
    '--opt', 'adamw', '--lr', '5e-4', '--weight-decay', '0.05', '--sched', 'cosine',
    '--warmup-epochs', '1', '--warmup-lr', '1e-6', '--min-lr', '1e-5',
    '--aa', 'rand-m9-mstd0.5-inc1', '--reprob', '0.25', '--remode', 'pixel',
    '--mixup', '0.8', '--cutmix', '1.0', '--mixup-prob', '1.0', '--mixup-switch-prob', '0.5', '--smoothing', '0.1',
    '--drop-path', '0.1', '--model-ema', '--model-ema-decay', '0.999', '--clip-grad', '1.0', '--clip-mode', 'norm',
    '--layer-decay', '0.75', '--seed', '7', '--workers', '2', '--output', '/tmp/timm-out', '--experiment', 'fixture',
]


def main(train_py):
    source = open(train_py).read()
    start = source.index("config_parser = parser = argparse.ArgumentParser(")
    end = source.index("def _parse_args():")
    namespace = {'argparse': argparse, 'utils': types.SimpleNamespace(ParseKwargs=ParseKwargs)}
    exec(compile(source[start:end], train_py, 'exec'), namespace)
    args = namespace['parser'].parse_args(ARGS)
    sys.stdout.write(yaml.safe_dump(args.__dict__, default_flow_style=False))


if __name__ == '__main__':
    main(sys.argv[1])
