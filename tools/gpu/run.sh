#!/usr/bin/env bash
# GPU kit, step 2 — runs ON THE GPU MACHINE (the device tool's `run`, carry ["tools/gpu/out"]); see docs/platform.md,
# "GPU kit". Needs what tools/gpu/prepare.sh left in tools/gpu/out/ (bundle.tar.xz, native-src.tar.gz) and the
# machine's PyTorch (libtorch under torch/lib), CMake, ninja, nvcc, timm. Writes to $OUT (7 files, the device tool
# brings back 8 at most): versions.txt, native.log, cuda-tests.log, bench.log, timm.log, timm-alone.log, summary.md,
# and libLibTorchSharp.so when it was built there (copy it into tools/gpu/out/ before a later call: tried first).
#
# Steps, each time-boxed (GPUKIT_BUDGET seconds in all, default 540, under the device's 600 s per command):
#   1. versions (nvidia-smi, torch, CUDA, timm, cmake, nvcc, glibc/libstdc++)
#   2. unpack; LD_LIBRARY_PATH = torch/lib + the wheel's nvidia/*/lib
#   3. TorchSharp's prebuilt libLibTorchSharp.so (built for libtorch 2.10) against this libtorch: ldd -r, then a tiny
#      logits run on CUDA; the first error is recorded. If it fails: configure and build LibTorchSharp (TorchSharp
#      0.107.0's src/Native, -Werror dropped) with CMake + ninja against torch.utils.cmake_prefix_path, and retry.
#      The timm reference runs on the GPU meanwhile (timm.log: it shares the CPUs with the compiler).
#   4. the Category=Cuda tests (the test assembly's own runner)
#   5. GpuBench all: logits CUDA vs CPU, vit_base_patch16_384 training images/s + MFU at batch 128 and 64,
#      beit_large_patch16_384 batch 8 LoRA vs full peak memory
#   6. the timm reference again, alone on the machine, if time is left (timm-alone.log)
# Env: GPUKIT_BUDGET (s), GPUKIT_PEAK_TFLOPS (dense bf16 peak for MFU; default 989, H100/H200 SXM datasheet),
#      GPUKIT_SKIP_PREBUILT=1 (build straight away), GPUKIT_JOBS (compile jobs; default nproc - 2).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
OUT=${OUT:-/tmp/gpukit-out}
mkdir -p "$OUT"
kit=$root/tools/gpu/out
# Inside the repository: the tests find samples/data through FineTune.Vision.sln above their folder.
work=${GPUKIT_WORK:-$kit/run}
budget=${GPUKIT_BUDGET:-540}
peak=${GPUKIT_PEAK_TFLOPS:-989}
jobs=${GPUKIT_JOBS:-$(( $(nproc) > 3 ? $(nproc) - 2 : 1 ))}
t0=$(date +%s)
summary=$OUT/summary.md
: > "$summary"
note() { echo "$*" | tee -a "$summary"; }
left() { echo $(( budget - ($(date +%s) - t0) )); }
# step NAME LIMIT LOG CMD...: runs CMD with at most min(LIMIT, time left - 15 s), appends to LOG, notes rc and time.
step() {
  local name=$1 limit=$2 log=$3; shift 3
  local l; l=$(left); l=$(( l - 15 < limit ? l - 15 : limit ))
  if [ "$l" -lt 20 ]; then note "- $name: SKIPPED (budget spent)"; return 99; fi
  echo "== $name (limit ${l}s) $(date -u +%T)" | tee -a "$log"
  local s; s=$(date +%s)
  timeout -k 10 "$l" "$@" >> "$log" 2>&1
  local rc=$?
  [ $rc -eq 124 ] && echo "TIMED OUT after ${l}s" >> "$log"
  note "- $name: rc=$rc in $(( $(date +%s) - s ))s$([ $rc -eq 124 ] && echo ' (TIMED OUT)')"
  return $rc
}
note "# GPU kit run $(date -u +%FT%TZ), commit $(cat "$kit/commit.txt" 2>/dev/null || echo '?')"

# 1. versions
{
  nvidia-smi || true
  python3 -c 'import torch, sys; print("python", sys.version.split()[0]); print("torch", torch.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version(), "gpu", torch.cuda.get_device_name(0) if torch.cuda.is_available() else None); print("cmake_prefix_path", torch.utils.cmake_prefix_path)'
  python3 -c 'import timm; print("timm", timm.__version__)' || true
  cmake --version | head -1; ninja --version; nvcc --version | tail -2; gcc --version | head -1
  ldd --version | head -1; strings /usr/lib/x86_64-linux-gnu/libstdc++.so.6 2>/dev/null | grep -E '^GLIBCXX_3\.4\.3[0-9]' | tail -1
  uname -a; nproc; free -g | head -2
} > "$OUT/versions.txt" 2>&1
grep -E '^(torch|timm) ' "$OUT/versions.txt" | tee -a "$summary"
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv,noheader 2>&1 | sed 's/^/- GPU: /' | tee -a "$summary"

# 2. unpack, library paths
rm -rf "$work"; mkdir -p "$work"
tar -C "$work" -xJf "$kit/bundle.tar.xz" || { note "- unpack: FAILED (run tools/gpu/prepare.sh and carry tools/gpu/out)"; exit 1; }
bundle=$work/bundle
torch_lib=$(python3 -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
cuda_libs=$(python3 - <<'EOF'
import glob, os
try:
    import nvidia
    roots = list(nvidia.__path__)
except ImportError:
    roots = []
print(":".join(sorted({d for r in roots for d in glob.glob(os.path.join(r, "*", "lib")) + glob.glob(os.path.join(r, "*", "*", "lib"))})))
EOF
)
export LD_LIBRARY_PATH=$torch_lib:${cuda_libs:+$cuda_libs:}${LD_LIBRARY_PATH:-}
export DOTNET_gcServer=0 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=${DOTNET_SYSTEM_GLOBALIZATION_INVARIANT:-1}
echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH" >> "$OUT/versions.txt"

# 3. the native layer: prebuilt first, else build
native=$OUT/native.log
# the probe: the native layer loads, CUDA is seen, and a tiny model's logits match the CPU's
probe=("$bundle/GpuBench" logits --tiny --device cuda)
ok=0
# A libLibTorchSharp.so that an earlier run built there and brought back ($OUT/libLibTorchSharp.so), copied into
# tools/gpu/out/ by the next session: tried first, so that a second call need not compile again.
if [ -f "$kit/libLibTorchSharp.so" ]; then
  cp "$kit/libLibTorchSharp.so" "$bundle/libLibTorchSharp.so"
  echo "== earlier build tools/gpu/out/libLibTorchSharp.so" >> "$native"
  if step "earlier-built LibTorchSharp probe" 90 "$native" "${probe[@]}"; then ok=1; note "- native layer: the earlier build (tools/gpu/out/libLibTorchSharp.so) works"; fi
fi
if [ $ok = 0 ] && [ "${GPUKIT_SKIP_PREBUILT:-0}" != 1 ]; then
  cp "$bundle/libLibTorchSharp.prebuilt.so" "$bundle/libLibTorchSharp.so"
  {
    echo "== prebuilt libLibTorchSharp.so (TorchSharp 0.107.0, for libtorch 2.10) against $torch_lib"
    ldd -r "$bundle/libLibTorchSharp.so" 2>&1 | grep -E 'not found|undefined symbol' | head -20
    echo "undefined symbols: $(ldd -r "$bundle/libLibTorchSharp.so" 2>&1 | grep -c 'undefined symbol')"
  } >> "$native" 2>&1
  if step "prebuilt LibTorchSharp probe" 90 "$native" "${probe[@]}"; then ok=1; note "- native layer: TorchSharp's prebuilt libLibTorchSharp.so works with this libtorch"
  else
    note "- prebuilt first error (loader): $(grep -m1 -E 'undefined symbol|not found' "$native" | cut -c1-300)"
    note "- prebuilt first error (probe): $(sed -n '/== prebuilt LibTorchSharp probe/,$p' "$native" | grep -m1 -E 'Exception|error|undefined|Abort' | cut -c1-300)"
  fi
fi
timm_pid=
if [ $ok = 0 ]; then
  # The timm reference uses the GPU while the compiler uses the CPUs.
  PYTHONUNBUFFERED=1 timeout -k 10 300 python3 tools/gpu/timm_bench.py --batches 128,64 --peak-tflops "$peak" > "$OUT/timm.log" 2>&1 &
  timm_pid=$!
  build_from=$(( $(wc -l < "$native") + 1 ))
  src=$work/src; build=$work/build
  mkdir -p "$src"; tar -C "$src" -xzf "$kit/native-src.tar.gz"
  # TorchSharp builds with -Werror; a newer libtorch's headers warn differently: keep warnings as warnings.
  sed -i 's/add_definitions(-Werror)/# -Werror dropped by the GPU kit/' "$src/src/Native/CMakeLists.txt"
  echo 'static char sccsid[] __attribute__((used)) = "@(#)GPU kit build";' > "$work/version.c"
  prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
  export TORCH_CUDA_ARCH_LIST=${TORCH_CUDA_ARCH_LIST:-9.0}
  # Hints for torch's CMake config (it looks for the CUDA toolkit and cuDNN; the wheel carries cuDNN under
  # nvidia/cudnn). Names its various versions read; an unused one is only a CMake warning.
  hints=(-DCMAKE_CUDA_ARCHITECTURES=90)
  command -v nvcc > /dev/null && hints+=(-DCMAKE_CUDA_COMPILER="$(command -v nvcc)")
  cudnn=$(python3 -c 'import nvidia.cudnn as c; print(list(c.__path__)[0])' 2>/dev/null || true)
  if [ -n "$cudnn" ]; then
    lib=$(ls "$cudnn"/lib/libcudnn.so* 2>/dev/null | head -1)
    hints+=(-DCUDNN_ROOT="$cudnn" -DCUDNN_INCLUDE_DIR="$cudnn/include" -DCUDNN_INCLUDE_PATH="$cudnn/include" -DCUDNN_LIBRARY="$lib" -DCUDNN_LIBRARY_PATH="$lib")
  fi
  if step "LibTorchSharp configure" 120 "$native" cmake -S "$src/src/Native" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
       -DCMAKE_PREFIX_PATH="$prefix" -DLIBTORCH_PATH="$prefix/Torch" -DVERSION_FILE_PATH="$work/version.c" "${hints[@]}" \
     && step "LibTorchSharp build (-j$jobs)" "${GPUKIT_BUILD_LIMIT:-330}" "$native" cmake --build "$build" -j "$jobs"; then
    cp "$build/LibTorchSharp/libLibTorchSharp.so" "$bundle/libLibTorchSharp.so"
    cp "$build/LibTorchSharp/libLibTorchSharp.so" "$OUT/libLibTorchSharp.so" # for the next call: tools/gpu/out/
    if step "built LibTorchSharp probe" 90 "$native" "${probe[@]}"; then ok=1; note "- native layer: LibTorchSharp rebuilt against this libtorch works"; fi
  fi
  [ $ok = 1 ] || note "- native layer FAILED; first error of the build: $(tail -n +"$build_from" "$native" | grep -m1 -E 'error|Error|undefined|Exception|FAILED|TIMED' | cut -c1-300)"
fi

# 4-5. the library on CUDA
if [ $ok = 1 ]; then
  [ -n "$timm_pid" ] && wait "$timm_pid" # the benchmark wants the GPU to itself
  timm_pid=
  step "Category=Cuda tests" 120 "$OUT/cuda-tests.log" "$bundle/FineTune.Vision.Tests"
  grep -E '^(FAIL|Total)' "$OUT/cuda-tests.log" | head -20 | sed 's/^/  /' | tee -a "$summary"
  step "GpuBench all" 240 "$OUT/bench.log" "$bundle/GpuBench" all --device cuda --peak-tflops "$peak"
  grep -E '^(RESULT|## .*FAILED)' "$OUT/bench.log" | sed 's/^/  /' | tee -a "$summary"
fi

# 6. timm: wait for the background run, or run it alone now
if [ -n "$timm_pid" ]; then wait "$timm_pid"; note "- timm (while LibTorchSharp compiled): rc=$?$(grep -m1 -E "Error" "$OUT/timm.log" | sed "s/^/; /" | cut -c1-200)"; fi
if [ -s "$OUT/timm.log" ]; then
  grep -E '^RESULT' "$OUT/timm.log" | sed 's/^/  /' | tee -a "$summary"
  step "timm alone" 120 "$OUT/timm-alone.log" env PYTHONUNBUFFERED=1 python3 tools/gpu/timm_bench.py --batches 128,64 --peak-tflops "$peak"
  grep -E '^RESULT' "$OUT/timm-alone.log" | sed 's/^/  /' | tee -a "$summary"
else
  step "timm" 150 "$OUT/timm.log" env PYTHONUNBUFFERED=1 python3 tools/gpu/timm_bench.py --batches 128,64 --peak-tflops "$peak"
  grep -E '^RESULT' "$OUT/timm.log" | sed 's/^/  /' | tee -a "$summary"
fi
note "- total $(( $(date +%s) - t0 ))s"
[ -n "${GPUKIT_KEEP:-}" ] || rm -rf "$work" # 100+ MiB that must not travel back in a later call's carry
echo; echo "---- markdown tables ----"
for f in bench.log timm-alone.log timm.log; do [ -s "$OUT/$f" ] && sed -n '/^## /,$p' "$OUT/$f" | grep -E '^(##|\||max|LoRA)' ; done
