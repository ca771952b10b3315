#!/usr/bin/python3
"""Reference learning-rate curves from PyTorch's own schedulers (Debian python3-torch 1.13).

Run: /usr/bin/python3 tests/FineTune.Vision.Tests/Fixtures/Optim/make_schedules.py
Writes schedules.json beside this script: for each case, the scheduler's class name, its arguments (PyTorch's
names), the base lr, and for every optimizer step the lr (and momentum where cycled) that step used, i.e. the
value in the optimizer before the step, with scheduler.step() called after each optimizer step.
"""
import json
import os
import warnings

import torch

warnings.filterwarnings("ignore")
STEPS = 120
BASE_LR = 0.1

CASES = [
    ("StepLR", dict(step_size=7, gamma=0.5)),
    ("MultiStepLR", dict(milestones=[10, 25, 60], gamma=0.3)),
    ("ExponentialLR", dict(gamma=0.97)),
    ("ConstantLR", dict(factor=0.25, total_iters=15)),
    ("LinearLR", dict(start_factor=0.1, end_factor=1.0, total_iters=30)),
    ("PolynomialLR", dict(total_iters=100, power=2.0)),
    ("CosineAnnealingLR", dict(T_max=100, eta_min=0.001)),
    ("CosineAnnealingWarmRestarts", dict(T_0=10, T_mult=1, eta_min=0.0)),
    ("CosineAnnealingWarmRestarts", dict(T_0=8, T_mult=2, eta_min=0.005)),
    ("CyclicLR", dict(base_lr=0.001, max_lr=0.1, step_size_up=10, mode="triangular")),
    ("CyclicLR", dict(base_lr=0.001, max_lr=0.1, step_size_up=10, step_size_down=15, mode="triangular2")),
    ("CyclicLR", dict(base_lr=0.001, max_lr=0.1, step_size_up=12, mode="exp_range", gamma=0.99)),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=STEPS)),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=STEPS, pct_start=0.25, anneal_strategy="linear", div_factor=10.0, final_div_factor=100.0)),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=STEPS, three_phase=True)),
]


def run(name, kwargs):
    param = torch.nn.Parameter(torch.zeros(1))
    cycles_momentum = name in ("CyclicLR", "OneCycleLR")
    opt = torch.optim.SGD([param], lr=BASE_LR, momentum=0.9 if cycles_momentum else 0.0)
    sched = getattr(torch.optim.lr_scheduler, name)(opt, **kwargs)
    lrs, moms = [], []
    for _ in range(STEPS):
        lrs.append(opt.param_groups[0]["lr"])
        moms.append(opt.param_groups[0]["momentum"])
        opt.step()
        sched.step()
    case = dict(kind=name, args=kwargs, base_lr=BASE_LR, lr=lrs)
    if cycles_momentum:
        case["momentum"] = moms
    return case


PLATEAU_METRICS = [1.0, 0.9, 0.85, 0.86, 0.87, 0.84, 0.84, 0.85, 0.86, 0.86, 0.87, 0.83, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]
PLATEAU_CASES = [
    dict(mode="min", factor=0.5, patience=2, threshold=1e-4, threshold_mode="rel", cooldown=0, min_lr=0.0),
    dict(mode="min", factor=0.1, patience=1, threshold=0.01, threshold_mode="abs", cooldown=2, min_lr=0.002),
    dict(mode="max", factor=0.5, patience=0, threshold=1e-4, threshold_mode="rel", cooldown=1, min_lr=0.0),
]


def run_plateau(kwargs):
    """ReduceLROnPlateau: the lr in force after each reported metric."""
    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([param], lr=BASE_LR)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
    lrs = []
    for m in PLATEAU_METRICS:
        sched.step(m)
        lrs.append(opt.param_groups[0]["lr"])
    return dict(kind="ReduceLROnPlateau", args=kwargs, base_lr=BASE_LR, metrics=PLATEAU_METRICS, lr=lrs)


def main():
    cases = [run(name, kwargs) for name, kwargs in CASES] + [run_plateau(k) for k in PLATEAU_CASES]
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schedules.json")
    with open(out, "w") as f:
        json.dump(dict(generator="make_schedules.py", torch=torch.__version__, steps=STEPS, cases=cases), f, indent=None, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {out}: {len(cases)} cases x {STEPS} steps")


if __name__ == "__main__":
    main()
