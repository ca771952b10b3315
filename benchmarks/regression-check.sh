#!/usr/bin/env bash
# Speed regression check (not a timed test): runs the ratio reports (`all`: MFU medians of 3 runs, Trainer overhead,
# weights load, LoRA memory, ONNX Runtime, input pipeline, ...) on this machine and compares every headline ratio with the
# last published one (benchmarks/FineTune.Vision.Benchmarks/published-ratios.json, written by the `all --json` run that
# docs/performance.md was rewritten from). Prints which ratios dropped by more than their measured spread; exit 1 if any.
# Run it on a quiet machine (load average well under the core count); it takes about as long as `all` (~30-60 min on 2 cores).
#   bash benchmarks/regression-check.sh                      # measure now, compare
#   bash benchmarks/regression-check.sh --current FILE       # compare a file an earlier `all --json FILE` wrote
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run -c Release --project benchmarks/FineTune.Vision.Benchmarks -- regression-check "$@"
