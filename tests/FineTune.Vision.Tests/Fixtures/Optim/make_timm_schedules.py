#!/usr/bin/python3
"""Learning-rate curves from REAL timm's CosineLRScheduler (timm v1.0.28 source, Debian python3-torch 1.13).

Run from the repository root (timm's source unpacked outside the repository, e.g. at /work/timm-src):
  PYTHONPATH=/work/timm-src /usr/bin/python3 tests/FineTune.Vision.Tests/Fixtures/Optim/make_timm_schedules.py
Writes timm_schedules.json beside this script: per case, timm's keyword arguments, the base lr, whether t counts
epochs, and for t = 0..n-1 the lr in the optimizer after scheduler.step(t) (t_in_epochs) or step_update(t).
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import timm_shim  # noqa: E402,F401  (torchvision stub; see timm_shim.py)
import torch  # noqa: E402
from timm.scheduler import CosineLRScheduler  # noqa: E402

BASE_LR = 0.1
W = dict(warmup_t=5, warmup_lr_init=1e-4)
CASES = [
    ("cosine_warmup_timm_default", 80, dict(t_initial=50, lr_min=1e-3, **W)),
    ("cosine_warmup_prefix", 80, dict(t_initial=50, lr_min=1e-3, warmup_prefix=True, **W)),
    ("cosine_no_warmup", 60, dict(t_initial=50, lr_min=1e-3)),
    ("k_decay_half", 60, dict(t_initial=50, lr_min=1e-3, k_decay=0.5, **W)),
    ("k_decay_two", 60, dict(t_initial=50, lr_min=0.0, k_decay=2.0)),
    ("cycle_mul2_decay_limit3", 90, dict(t_initial=10, lr_min=1e-3, cycle_mul=2.0, cycle_decay=0.5, cycle_limit=3)),
    ("cycle_mul1.5_prefix", 90, dict(t_initial=8, lr_min=1e-3, cycle_mul=1.5, cycle_decay=0.8, cycle_limit=4, warmup_t=3, warmup_lr_init=1e-3, warmup_prefix=True)),
    ("cycle_mul1_limit3", 80, dict(t_initial=20, lr_min=1e-3, cycle_limit=3, cycle_decay=0.7)),
    ("noise_range", 80, dict(t_initial=60, lr_min=1e-3, noise_range_t=(10, 60), noise_pct=0.2, noise_seed=42, **W)),
    ("noise_from", 60, dict(t_initial=60, noise_range_t=20, noise_seed=7)),
    ("noise_std_ignored", 40, dict(t_initial=40, noise_range_t=5, noise_std=0.1, noise_pct=0.5, noise_seed=11)),
    ("epochs", 15, dict(t_initial=10, lr_min=1e-3, warmup_t=2, warmup_lr_init=1e-3, t_in_epochs=True, steps_per_epoch=7)),
    ("epochs_noise", 20, dict(t_initial=20, warmup_t=3, warmup_lr_init=1e-3, noise_range_t=(3, 15), noise_pct=0.1, t_in_epochs=True, steps_per_epoch=4)),
]


def run(n, kwargs):
    kwargs = dict(kwargs)
    steps_per_epoch = kwargs.pop('steps_per_epoch', None)
    t_in_epochs = kwargs.get('t_in_epochs', False)
    kwargs['t_in_epochs'] = t_in_epochs
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=BASE_LR)
    sched = CosineLRScheduler(opt, **kwargs)
    lrs = []
    for t in range(n):
        if t_in_epochs:
            sched.step(t)
        else:
            sched.step_update(t)
        lrs.append(opt.param_groups[0]['lr'])
    return kwargs, steps_per_epoch, lrs


def main():
    cases = []
    for name, n, kwargs in CASES:
        args, spe, lrs = run(n, kwargs)
        args = {k: (list(v) if isinstance(v, tuple) else v) for k, v in args.items()}
        cases.append(dict(name=name, args=args, base_lr=BASE_LR, steps_per_epoch=spe, lr=lrs))
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'timm_schedules.json')
    with open(out, 'w') as f:
        json.dump(dict(timm=__import__('timm').__version__, torch=torch.__version__, cases=cases), f, indent=0)


if __name__ == '__main__':
    main()
