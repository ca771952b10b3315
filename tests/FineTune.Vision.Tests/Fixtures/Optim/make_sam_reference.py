#!/usr/bin/python3
"""SAM (Foret et al. 2021, "Sharpness-Aware Minimization for Efficiently Improving Generalization", Algorithm 1) and its
adaptive variant (ASAM, Kwon et al. 2021) on Debian's python3-torch 1.13, written as the widely used PyTorch reference
(github.com/davda54/sam, sam.py): first_step perturbs every parameter by e_w = rho * (|w|^2 if adaptive else 1) * g /
||(|w| if adaptive else 1) * g||_2 (norm over all parameters together, + 1e-12), the loss is recomputed and
back-propagated at w + e_w, second_step puts w back and lets the base optimizer (torch.optim.SGD here) step with the
second gradients.

Run from the repository root: /usr/bin/python3 tests/FineTune.Vision.Tests/Fixtures/Optim/make_sam_reference.py
Writes sam_reference.json: a tiny regression (Linear 6->3 then tanh, mean squared error against fixed targets, 16
samples), initial weights, data, and the weights after each of 10 steps for plain and adaptive SAM.
"""
import json
import os

import torch


class SAM(torch.optim.Optimizer):
    def __init__(self, params, base_optimizer, rho=0.05, adaptive=False, **kwargs):
        defaults = dict(rho=rho, adaptive=adaptive, **kwargs)
        super().__init__(params, defaults)
        self.base_optimizer = base_optimizer(self.param_groups, **kwargs)
        self.param_groups = self.base_optimizer.param_groups

    @torch.no_grad()
    def first_step(self):
        grad_norm = self._grad_norm()
        for group in self.param_groups:
            scale = group["rho"] / (grad_norm + 1e-12)
            for p in group["params"]:
                if p.grad is None:
                    continue
                self.state[p]["old_p"] = p.data.clone()
                e_w = (torch.pow(p, 2) if group["adaptive"] else 1.0) * p.grad * scale.to(p)
                p.add_(e_w)
        self.zero_grad()

    @torch.no_grad()
    def second_step(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                p.data = self.state[p]["old_p"]
        self.base_optimizer.step()
        self.zero_grad()

    def _grad_norm(self):
        return torch.norm(torch.stack([
            ((torch.abs(p) if group["adaptive"] else 1.0) * p.grad).norm(p=2)
            for group in self.param_groups for p in group["params"] if p.grad is not None]), p=2)


gen = torch.Generator().manual_seed(7)
X = torch.randn(16, 6, generator=gen)
Y = torch.randn(16, 3, generator=gen) * 0.5
W0 = torch.randn(3, 6, generator=gen) * 0.4
B0 = torch.randn(3, generator=gen) * 0.1


def run(adaptive, rho, lr, momentum):
    w = W0.clone().requires_grad_(True)
    b = B0.clone().requires_grad_(True)
    opt = SAM([w, b], torch.optim.SGD, rho=rho, adaptive=adaptive, lr=lr, momentum=momentum)

    def loss():
        return (torch.tanh(X @ w.t() + b) - Y).pow(2).mean()

    steps = []
    for _ in range(10):
        loss().backward()
        opt.first_step()
        loss().backward()
        opt.second_step()
        steps.append(dict(w=w.detach().flatten().tolist(), b=b.detach().tolist()))
    return steps


cases = [dict(name=n, adaptive=a, rho=r, lr=lr, momentum=m, steps=run(a, r, lr, m))
         for n, a, r, lr, m in [("sam", False, 0.05, 0.1, 0.9), ("asam", True, 0.5, 0.1, 0.0)]]
out = dict(x=X.flatten().tolist(), y=Y.flatten().tolist(), w0=W0.flatten().tolist(), b0=B0.tolist(), cases=cases)
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'sam_reference.json'), 'w') as f:
    json.dump(out, f, separators=(',', ':'))
print('ok')
