"""Reference values for the Metrics layer's statistics, from trusted peers (Debian 12 packages):
scikit-learn 1.2 (python3-sklearn), SciPy 1.10 (python3-scipy), PyTorch 1.13 (python3-torch).

    /usr/bin/python3 make_metrics_fixtures.py        # writes metrics.json beside this script

- report: precision_recall_fscore_support / f1_score (macro, weighted) with zero_division=0 on 300 seeded
  predictions over 7 classes, one class never predicted and one never present.
- intervals: scipy.stats.binomtest(k, n).proportion_ci(level, method='exact' | 'wilson') (Clopper-Pearson, Wilson).
- mcnemar: the exact test's two-sided p-value, scipy.stats.binomtest(min(b, c), b + c, 0.5).pvalue.
- ece: torchmetrics' top-label L1 calibration error, its _binning_bucketize (torch.bucketize over linspace(0, 1,
  n_bins + 1), bins (lower, upper]) written out in torch (torchmetrics is not packaged for Debian), 15 and 10 bins.
"""
import json
import os

import numpy as np
import torch
from scipy.stats import binomtest
from sklearn.metrics import f1_score, precision_recall_fscore_support

HERE = os.path.dirname(os.path.abspath(__file__))


def report():
    rng = np.random.default_rng(2026)
    y = rng.integers(0, 6, 300)            # class 6 never present
    pred = np.where(rng.random(300) < 0.7, y, rng.integers(0, 7, 300))
    pred[pred == 5] = 4                    # class 5 never predicted
    p, r, f, s = precision_recall_fscore_support(y, pred, labels=list(range(7)), zero_division=0)
    return {"labels": y.tolist(), "predicted": pred.tolist(), "precision": p.tolist(), "recall": r.tolist(),
            "f1": f.tolist(), "support": s.tolist(),
            "macro_f1": f1_score(y, pred, labels=list(range(7)), average="macro", zero_division=0),
            "weighted_f1": f1_score(y, pred, labels=list(range(7)), average="weighted", zero_division=0)}


def intervals():
    rows = []
    for k, n in [(0, 10), (10, 10), (1, 10), (264, 300), (265, 300), (7, 40), (999, 1000), (5000, 10000)]:
        for level in (0.95, 0.9, 0.99):
            for method in ("exact", "wilson"):
                ci = binomtest(k, n).proportion_ci(confidence_level=level, method=method)
                rows.append({"k": k, "n": n, "level": level, "method": method, "low": ci.low, "high": ci.high})
    return rows


def mcnemar():
    return [{"b": b, "c": c, "p": 1.0 if b + c == 0 else binomtest(min(b, c), b + c, 0.5).pvalue}
            for b, c in [(0, 0), (5, 5), (20, 7), (7, 20), (1, 0), (12, 2), (100, 80), (30, 0)]]


def ece():
    torch.manual_seed(5)
    logits = torch.randn(500, 10) * 2.5
    labels = torch.where(torch.rand(500) < 0.6, logits.argmax(1), torch.randint(0, 10, (500,)))
    conf, pred = logits.softmax(1).max(1)
    acc = pred.eq(labels).float()
    out = {"logits": logits.tolist(), "labels": labels.tolist()}
    for n_bins in (15, 10):
        boundaries = torch.linspace(0, 1, n_bins + 1)
        idx = torch.bucketize(conf, boundaries) - 1
        count = torch.zeros(n_bins).scatter_add_(0, idx, torch.ones_like(conf))
        conf_bin = torch.nan_to_num(torch.zeros(n_bins).scatter_add_(0, idx, conf) / count)
        acc_bin = torch.nan_to_num(torch.zeros(n_bins).scatter_add_(0, idx, acc) / count)
        prop = count / count.sum()
        out[f"ece_{n_bins}"] = float(torch.sum(torch.abs(acc_bin - conf_bin) * prop))
        out[f"counts_{n_bins}"] = count.long().tolist()
    return out


if __name__ == "__main__":
    with open(os.path.join(HERE, "metrics.json"), "w") as f:
        json.dump({"report": report(), "intervals": intervals(), "mcnemar": mcnemar(), "ece": ece()}, f)
