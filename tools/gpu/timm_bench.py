"""GPU kit: timm + PyTorch eager reference for GpuBench's training throughput (issue 21).

Same work as GpuBench `train`: vit_base_patch16_384 (random init, 1000 classes), a fixed random batch at 384x384,
cross entropy, AdamW (timm's create_optimizer_v2: lr 1e-4, weight decay 0.05 with timm's no-decay groups),
bf16 through torch.autocast (timm train.py's --amp --amp-dtype bfloat16; fp32 weights), TF32 matmul as timm's
train.py leaves it (it sets torch.backends.cuda.matmul.allow_tf32 = True and cudnn.benchmark = True on CUDA).
Each repeat times one whole step between CUDA events; median after the warm-up steps.
MFU = 6 x forward MACs x batch / step time / peak; MACs default to timm's published 55.54 GMACs for
vit_base_patch16_384 (GpuBench counts its own from the architecture; both are printed).

Run on the GPU machine (tools/gpu/run.sh does): python3 tools/gpu/timm_bench.py --batches 128,64
CPU dry run here (Debian's PyTorch 1.13 and the timm source):
  PYTHONPATH=/work/timm-src /usr/bin/python3 tools/gpu/timm_bench.py --device cpu --tiny --repeats 2 --warmup 1
"""
import argparse
import importlib.util
import os
import statistics
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--model", default="vit_base_patch16_384")
parser.add_argument("--batches", default="128,64")
parser.add_argument("--warmup", type=int, default=3)
parser.add_argument("--repeats", type=int, default=10)
parser.add_argument("--peak-tflops", type=float, default=989.0)
parser.add_argument("--gmacs", type=float, default=55.54)
parser.add_argument("--device", default="cuda")
parser.add_argument("--tiny", action="store_true", help="img 32, dim 64, depth 2, 2 heads: a dry run")
parser.add_argument("--fused", action="store_true", help="AdamW with fused=True (not timm's default)")
args = parser.parse_args()

import torch  # noqa: E402

try:
    import torchvision  # noqa: F401
except ImportError:  # Debian's PyTorch has no torchvision: the repository's shim stands in (CPU dry run only)
    shim = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "FineTune.Vision.Tests", "Fixtures", "timm_shim.py")
    spec = importlib.util.spec_from_file_location("timm_shim", shim)
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
import timm  # noqa: E402
from timm.optim import create_optimizer_v2  # noqa: E402

device = torch.device(args.device)
cuda = device.type == "cuda"
if cuda:
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.benchmark = True
print(f"torch {torch.__version__}, timm {timm.__version__}, device {device}"
      + (f" ({torch.cuda.get_device_name(device)}, CUDA {torch.version.cuda}, cuDNN {torch.backends.cudnn.version()})" if cuda else ""))

kwargs = dict(img_size=32, embed_dim=64, depth=2, num_heads=2) if args.tiny else {}
rows = []
for batch in [int(b) for b in args.batches.split(",")]:
    torch.manual_seed(0)
    model = timm.create_model(args.model, num_classes=1000, **kwargs).to(device).train()
    size = model.patch_embed.img_size[0]
    opt_kwargs = {"fused": True} if args.fused else {}
    optimizer = create_optimizer_v2(model, "adamw", lr=1e-4, weight_decay=0.05, **opt_kwargs)
    x = torch.randn(batch, 3, size, size, device=device)
    y = torch.randint(0, 1000, (batch,), device=device)

    def step():
        with torch.autocast(device.type, dtype=torch.bfloat16):
            loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    for _ in range(args.warmup):
        step()
    times = []
    for _ in range(args.repeats):
        if cuda:
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            step()
            end.record()
            end.synchronize()
            times.append(start.elapsed_time(end) / 1000)
        else:
            t0 = time.perf_counter()
            step()
            times.append(time.perf_counter() - t0)
    median = statistics.median(times)
    ips = batch / median
    mfu = 6 * args.gmacs * 1e9 * batch / median / (args.peak_tflops * 1e12)
    peak_mem = torch.cuda.max_memory_allocated(device) / 2**30 if cuda else float("nan")
    print(f"RESULT timm.{args.model}.b{batch}.images_per_s {ips:.2f}")
    print(f"RESULT timm.{args.model}.b{batch}.mfu {mfu:.4f}")
    rows.append(f"| {args.model}{' (tiny)' if args.tiny else ''} | {batch} | autocast bf16 | {median * 1000:.1f} ms "
                f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}) | {ips:.1f} | {100 * mfu:.1f}% | {peak_mem:.2f} GiB |")
    del model, optimizer, x, y
    if cuda:
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats(device)

print(f"\n## timm {timm.__version__} + PyTorch {torch.__version__} eager ({device}, AdamW"
      f"{' fused' if args.fused else ''}, {args.warmup} warm-up, median of {args.repeats}; MFU at {args.gmacs} GMACs "
      f"against {args.peak_tflops} TFLOP/s)\n")
print("| model | batch | precision | step (median) | images/s | MFU | max allocated |\n|---|---|---|---|---|---|---|")
print("\n".join(rows))
sys.stdout.flush()
