#!/usr/bin/python3
"""Loss, distillation and AGC references from REAL timm (v1.0.28 source), PyTorch (Debian python3-torch 1.13) and
DeiT's losses.py.

Run from the repository root (timm's source unpacked outside the repository, e.g. at /work/timm-src):
  PYTHONPATH=/work/timm-src /usr/bin/python3 tests/FineTune.Vision.Tests/Fixtures/Training/make_loss_fixtures.py
Writes loss_fixtures.json beside this script: fixed random logits [6, 5], hard labels, Mixup-like soft targets, and per
case the loss and its gradient with respect to the logits; DeiT distillation cases (student class and distillation
logits, fixed teacher logits); AGC cases (parameters, gradients, clipped gradients).

References:
  - timm.loss.LabelSmoothingCrossEntropy, SoftTargetCrossEntropy (cross_entropy.py), BinaryCrossEntropy
    (binary_cross_entropy.py) and timm.utils.agc.adaptive_clip_grad: imported from the timm source.
  - torch.nn.functional.cross_entropy (class weights, label smoothing, probability targets).
  - Focal loss: Lin et al., "Focal Loss for Dense Object Detection" (ICCV 2017), eq. 5, FL(p_t) = -alpha_t (1 - p_t)^gamma
    log(p_t), over a softmax; written below with cross_entropy(reduction='none') and p_t = exp(-ce) for hard labels (the
    usual PyTorch form) and as -sum_c alpha_c t_c (1 - p_c)^gamma log p_c for soft targets.
  - DeiT's DistillationLoss: copied below (class renamed, comments trimmed) from facebookresearch/deit losses.py at commit
    7e160fe43f0252d17191b71cbb5826254114ea5b (2024-03-15), Apache-2.0.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import timm_shim  # noqa: E402,F401  (torchvision stub; see timm_shim.py)
import torch  # noqa: E402
from torch.nn import functional as F  # noqa: E402
from timm.loss import BinaryCrossEntropy, LabelSmoothingCrossEntropy, SoftTargetCrossEntropy  # noqa: E402
from timm.utils.agc import adaptive_clip_grad  # noqa: E402


# ---- facebookresearch/deit losses.py @ 7e160fe43f0252d17191b71cbb5826254114ea5b (code as there) ----
class DeitDistillationLoss(torch.nn.Module):
    """
    This module wraps a standard criterion and adds an extra knowledge distillation loss by
    taking a teacher model prediction and using it as additional supervision.
    """
    def __init__(self, base_criterion: torch.nn.Module, teacher_model: torch.nn.Module,
                 distillation_type: str, alpha: float, tau: float):
        super().__init__()
        self.base_criterion = base_criterion
        self.teacher_model = teacher_model
        assert distillation_type in ['none', 'soft', 'hard']
        self.distillation_type = distillation_type
        self.alpha = alpha
        self.tau = tau

    def forward(self, inputs, outputs, labels):
        outputs_kd = None
        if not isinstance(outputs, torch.Tensor):
            # assume that the model outputs a tuple of [outputs, outputs_kd]
            outputs, outputs_kd = outputs
        base_loss = self.base_criterion(outputs, labels)
        if self.distillation_type == 'none':
            return base_loss

        if outputs_kd is None:
            raise ValueError("When knowledge distillation is enabled, the model is "
                             "expected to return a Tuple[Tensor, Tensor] with the output of the "
                             "class_token and the dist_token")
        # don't backprop throught the teacher
        with torch.no_grad():
            teacher_outputs = self.teacher_model(inputs)

        if self.distillation_type == 'soft':
            T = self.tau
            distillation_loss = F.kl_div(
                F.log_softmax(outputs_kd / T, dim=1),
                F.log_softmax(teacher_outputs / T, dim=1),
                reduction='sum',
                log_target=True
            ) * (T * T) / outputs_kd.numel()
        elif self.distillation_type == 'hard':
            distillation_loss = F.cross_entropy(outputs_kd, teacher_outputs.argmax(dim=1))

        loss = base_loss * (1 - self.alpha) + distillation_loss * self.alpha
        return loss
# ---- end of DeiT's code ----


class FixedTeacher(torch.nn.Module):
    """A 'model' whose output is fixed logits, whatever the input."""
    def __init__(self, logits):
        super().__init__()
        self.logits = logits

    def forward(self, x):
        return self.logits.clone()


def focal(x, target, gamma, alpha):
    if target.dim() == 1:
        ce = F.cross_entropy(x, target, reduction='none')
        pt = torch.exp(-ce)
        a = alpha[target] if alpha is not None else 1.0
        return (a * (1 - pt) ** gamma * ce).mean()
    logp = F.log_softmax(x, dim=-1)
    a = alpha if alpha is not None else torch.ones(x.shape[1])
    return (-(a * target * (1 - logp.exp()) ** gamma * logp)).sum(-1).mean()


def flat(t):
    return [round(float(v), 9) for v in t.detach().reshape(-1).tolist()]


torch.manual_seed(0)
N, C = 6, 5
LOGITS = torch.randn(N, C) * 2
LABELS = torch.tensor([0, 4, 2, 2, 1, 3])
# Mixup-like soft targets: a smoothed one-hot mixed with the flipped batch's.
off, on = 0.1 / C, 1 - 0.1 + 0.1 / C
one_hot = torch.full((N, C), off).scatter_(1, LABELS.view(-1, 1), on)
lam = 0.7
SOFT = lam * one_hot + (1 - lam) * one_hot.flip(0)
WEIGHTS = torch.tensor([1.0, 2.0, 0.5, 1.5, 3.0])
POS = torch.tensor([2.0, 1.0, 0.5, 3.0, 1.0])


def case(name, kind, params, targets, fn):
    x = LOGITS.clone().requires_grad_()
    loss = fn(x, SOFT if targets == 'soft' else LABELS)
    loss.backward()
    return dict(name=name, kind=kind, params=params, targets=targets, loss=float(loss), grad=flat(x.grad))


cases = [
    case('soft_ce_soft', 'soft_target_ce', {}, 'soft', SoftTargetCrossEntropy()),
    case('soft_ce_hard', 'soft_target_ce', {}, 'hard', lambda x, y: SoftTargetCrossEntropy()(x, F.one_hot(y, C).float())),
    case('ls_ce_0.1', 'label_smoothing_ce', {'smoothing': 0.1}, 'hard', LabelSmoothingCrossEntropy(0.1)),
    case('ls_ce_0.3', 'label_smoothing_ce', {'smoothing': 0.3}, 'hard', LabelSmoothingCrossEntropy(0.3)),
    case('ce_plain', 'ce', {}, 'hard', lambda x, y: F.cross_entropy(x, y)),
    case('ce_weights', 'ce', {'weights': WEIGHTS.tolist()}, 'hard', lambda x, y: F.cross_entropy(x, y, weight=WEIGHTS)),
    case('ce_weights_smoothing', 'ce', {'weights': WEIGHTS.tolist(), 'smoothing': 0.2}, 'hard',
         lambda x, y: F.cross_entropy(x, y, weight=WEIGHTS, label_smoothing=0.2)),
    case('ce_weights_soft', 'ce', {'weights': WEIGHTS.tolist()}, 'soft', lambda x, y: F.cross_entropy(x, y, weight=WEIGHTS)),
    case('ce_smoothing_soft', 'ce', {'smoothing': 0.1}, 'soft', lambda x, y: F.cross_entropy(x, y, label_smoothing=0.1)),
    case('bce_default', 'bce', {}, 'hard', BinaryCrossEntropy()),
    case('bce_no_smoothing', 'bce', {'smoothing': 0.0}, 'hard', BinaryCrossEntropy(smoothing=0.0)),
    case('bce_soft', 'bce', {}, 'soft', BinaryCrossEntropy()),
    case('bce_threshold_soft', 'bce', {'target_threshold': 0.2}, 'soft', BinaryCrossEntropy(target_threshold=0.2)),
    case('bce_threshold_hard', 'bce', {'smoothing': 0.2, 'target_threshold': 0.1}, 'hard',
         BinaryCrossEntropy(smoothing=0.2, target_threshold=0.1)),
    case('bce_pos_weight_scalar', 'bce', {'pos_weight': [3.0]}, 'hard', BinaryCrossEntropy(pos_weight=3.0)),
    case('bce_pos_weight_weights_soft', 'bce', {'pos_weight': POS.tolist(), 'weights': WEIGHTS.tolist()}, 'soft',
         BinaryCrossEntropy(pos_weight=POS, weight=WEIGHTS)),
    case('bce_sum', 'bce', {'reduction': 'sum'}, 'hard', BinaryCrossEntropy(reduction='sum')),
    case('bce_sum_classes', 'bce', {'sum_classes': True}, 'soft', BinaryCrossEntropy(sum_classes=True)),
    case('focal_g2', 'focal', {'gamma': 2.0}, 'hard', lambda x, y: focal(x, y, 2.0, None)),
    case('focal_g2_alpha', 'focal', {'gamma': 2.0, 'alpha': WEIGHTS.tolist()}, 'hard', lambda x, y: focal(x, y, 2.0, WEIGHTS)),
    case('focal_g0', 'focal', {'gamma': 0.0}, 'hard', lambda x, y: focal(x, y, 0.0, None)),
    case('focal_g1.5_soft', 'focal', {'gamma': 1.5, 'alpha': WEIGHTS.tolist()}, 'soft', lambda x, y: focal(x, y, 1.5, WEIGHTS)),
]

# DeiT distillation: a distilled student's (class, dist) logits and a fixed teacher.
torch.manual_seed(1)
DIST = torch.randn(N, C) * 2
TEACHER = torch.randn(N, C) * 3
distill = []
for name, dtype, alpha, tau, targets, base in [
    ('soft_t1_a0.5', 'soft', 0.5, 1.0, 'hard', 'ce'),
    ('soft_t3_a0.7', 'soft', 0.7, 3.0, 'hard', 'ce'),
    ('soft_t2_a0.5_mixup', 'soft', 0.5, 2.0, 'soft', 'soft_target_ce'),
    ('hard_a0.5', 'hard', 0.5, 1.0, 'hard', 'ce'),
    ('hard_a0.3_smoothing', 'hard', 0.3, 1.0, 'hard', 'label_smoothing_ce'),
    ('none', 'none', 0.5, 1.0, 'hard', 'ce'),
    ('plain_soft_t2_a0.5', 'soft', 0.5, 2.0, 'hard', 'ce'),  # a plain student: both terms on its one set of logits
    ('plain_hard_a0.5_mixup', 'hard', 0.5, 1.0, 'soft', 'soft_target_ce'),
]:
    criterion = {'ce': torch.nn.CrossEntropyLoss(), 'soft_target_ce': SoftTargetCrossEntropy(),
                 'label_smoothing_ce': LabelSmoothingCrossEntropy(0.1)}[base]
    loss_fn = DeitDistillationLoss(criterion, FixedTeacher(TEACHER), dtype, alpha, tau)
    x, xd = LOGITS.clone().requires_grad_(), DIST.clone().requires_grad_()
    plain = name.startswith('plain')
    outputs = (x, x) if plain else (x, xd) if dtype != 'none' else x
    loss = loss_fn(torch.zeros(N, 3, 4, 4), outputs, SOFT if targets == 'soft' else LABELS)
    loss.backward()
    distill.append(dict(name=name, plain=plain, type=dtype, alpha=alpha, tau=tau, targets=targets, base=base, loss=float(loss),
                        grad=flat(x.grad), dist_grad=flat(xd.grad) if xd.grad is not None else [0.0] * (N * C)))

# AGC: a linear weight [4, 3], a bias [4], a conv-like [2, 2, 2, 2] and a scalar; gradients partly above the limit.
torch.manual_seed(2)
agc = []
for factor in (0.01, 0.1):
    params = [torch.nn.Parameter(torch.randn(4, 3)), torch.nn.Parameter(torch.zeros(4)),
              torch.nn.Parameter(torch.randn(2, 2, 2, 2) * 0.1), torch.nn.Parameter(torch.tensor(0.5))]
    scales = [0.05, 0.01, 0.002, 0.1]
    for p, s in zip(params, scales):
        g = torch.randn(p.shape) * s
        g.view(-1)[0] = 1.0  # one unit well above any limit
        p.grad = g
    before = [dict(shape=list(p.shape), data=flat(p), grad=flat(p.grad)) for p in params]
    adaptive_clip_grad(params, clip_factor=factor, eps=1e-3)
    agc.append(dict(clip_factor=factor, params=before, clipped=[flat(p.grad) for p in params]))

out = dict(
    source='timm v1.0.28 (timm.loss, timm.utils.agc), torch ' + torch.__version__ + ', DeiT losses.py @ 7e160fe',
    n=N, c=C, logits=flat(LOGITS), labels=LABELS.tolist(), soft=flat(SOFT), cases=cases,
    dist_logits=flat(DIST), teacher=flat(TEACHER), distillation=distill, agc=agc)
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'loss_fixtures.json'), 'w') as f:
    json.dump(out, f, indent=1)
print(f'{len(cases)} loss cases, {len(distill)} distillation cases, {len(agc)} AGC cases')
