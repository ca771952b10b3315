"""Makes real timm (v1.0.x source via PYTHONPATH) importable on Debian's python3-torch 1.13, which has no torchvision.

The only shim: `import torchvision…` resolves to empty stub modules whose attributes are dummy classes. timm imports
torchvision only in its data/transforms code (FrozenBatchNorm2d, InterpolationMode, datasets), none of which the
fixture generators call; schedulers, param groups, pos-embed helpers and models are timm's own code, unmodified.
"""
import importlib.abc
import importlib.machinery
import sys
import types

import torch


class _StubMeta(type(torch.nn.Module)):
    def __getattr__(cls, name):
        if name.startswith('__'):
            raise AttributeError(name)
        return f'{cls.__name__}.{name}'

    def __hash__(cls):
        return id(cls)


class _StubModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)
        return _StubMeta(name, (torch.nn.Module,), {})


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path, target=None):
        if fullname == 'torchvision' or fullname.startswith('torchvision.'):
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        m = _StubModule(spec.name)
        m.__path__ = []
        return m

    def exec_module(self, module):
        pass


sys.meta_path.insert(0, _Finder())
