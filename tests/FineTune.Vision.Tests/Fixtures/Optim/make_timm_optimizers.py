#!/usr/bin/python3
"""Parameter trajectories from REAL timm optimizers (timm v1.0.28 source, Debian python3-torch 1.13): Lamb, Lars, Lion
and Lookahead (over torch's AdamW and over timm's Lamb).

Run from the repository root (timm's source unpacked outside the repository, e.g. at /work/timm-src):
  PYTHONPATH=/work/timm-src /usr/bin/python3 tests/FineTune.Vision.Tests/Fixtures/Optim/make_timm_optimizers.py
Writes timm_optimizers.json beside this script. The problem: two parameter groups, "decay" (w [4, 3] and v [5],
random) with weight decay and the base lr, and "no_decay" (b [3], starting at zero) with weight decay 0 and half the
base lr. A fixed sequence of 20 gradient sets (random, scaled so that some steps have a global norm above 1 and some
below) is applied; after every step all parameters are recorded (float32, flattened, in the order w, v, b).
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import timm_shim  # noqa: E402,F401  (torchvision stub; see timm_shim.py)
import torch  # noqa: E402
from timm.optim import Lamb, Lars, Lion, Lookahead  # noqa: E402

STEPS = 20
SHAPES = [[4, 3], [5], [3]]
gen = torch.Generator().manual_seed(1234)
INIT = [torch.randn(*SHAPES[0], generator=gen), torch.randn(*SHAPES[1], generator=gen) * 0.5, torch.zeros(*SHAPES[2])]
SCALES = [0.3, 3.0, 1.0, 0.05, 2.0]
GRADS = [[torch.randn(*s, generator=gen) * SCALES[i % len(SCALES)] for s in SHAPES] for i in range(STEPS)]


def groups(params, lr, wd):
    return [dict(params=params[:2], lr=lr, weight_decay=wd), dict(params=params[2:], lr=lr * 0.5, weight_decay=0.0)]


def lamb(p, lr, wd, **kw):
    return Lamb(groups(p, lr, wd), lr=lr, weight_decay=wd, **kw)


def lars(p, lr, wd, **kw):
    return Lars(groups(p, lr, wd), lr=lr, weight_decay=wd, **kw)


def lion(p, lr, wd, **kw):
    return Lion(groups(p, lr, wd), lr=lr, weight_decay=wd, **kw)


def adamw(p, lr, wd, **kw):
    return torch.optim.AdamW(groups(p, lr, wd), lr=lr, weight_decay=wd, **kw)


# name, factory, lr, weight decay, optimizer keyword arguments, lookahead (alpha, k) or None
CASES = [
    ("lamb_default", lamb, 1e-2, 0.01, dict(), None),
    ("lamb_options", lamb, 1e-2, 0.05, dict(bias_correction=False, betas=(0.8, 0.99), eps=1e-5, grad_averaging=False,
                                            max_grad_norm=None, trust_clip=True, always_adapt=True), None),
    ("lamb_clip2", lamb, 3e-2, 0.1, dict(max_grad_norm=2.0, trust_clip=True), None),
    ("lion_default", lion, 1e-3, 0.0, dict(), None),
    ("lion_decay_betas", lion, 3e-3, 0.1, dict(betas=(0.95, 0.98)), None),
    ("lars_default", lars, 0.5, 1e-4, dict(), None),
    ("lars_momentum", lars, 0.5, 1e-3, dict(momentum=0.9, dampening=0.1, trust_clip=True), None),
    ("lars_nesterov", lars, 0.2, 1e-2, dict(momentum=0.9, nesterov=True, always_adapt=True, trust_coeff=0.01, eps=1e-6), None),
    ("lookahead_adamw", adamw, 1e-2, 0.05, dict(), (0.5, 6)),
    ("lookahead_lamb", lamb, 1e-2, 0.01, dict(), (0.3, 4)),
]


def flat(ts):
    return [float('%.9g' % x) for t in ts for x in t.reshape(-1).tolist()]  # 9 digits: float32 round-trips


def run(factory, lr, wd, kw, la):
    params = [torch.nn.Parameter(t.clone()) for t in INIT]
    opt = factory(params, lr, wd, **kw)
    if la is not None:
        opt = Lookahead(opt, alpha=la[0], k=la[1])
    out = []
    for g in GRADS:
        for p, gi in zip(params, g):
            p.grad = gi.clone()
        opt.step()
        out.append(flat([p.detach() for p in params]))
    return out


def args(kw):
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()}


cases = []
for name, factory, lr, wd, kw, la in CASES:
    cases.append(dict(name=name, optimizer=factory.__name__, lr=lr, weight_decay=wd, args=args(kw),
                      lookahead=None if la is None else dict(alpha=la[0], k=la[1]), params=run(factory, lr, wd, kw, la)))

result = dict(shapes=SHAPES, init=flat(INIT), grads=[flat(g) for g in GRADS], cases=cases,
              torch=torch.__version__)
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'timm_optimizers.json'), 'w') as f:
    json.dump(result, f, separators=(',', ':'))
