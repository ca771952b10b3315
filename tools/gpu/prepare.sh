#!/usr/bin/env bash
# GPU kit, step 1 — runs HERE (a machine with the .NET SDK), before a GPU session (docs/platform.md, "GPU kit").
#
# Publishes, into one self-contained linux-x64 folder (one copy of the .NET runtime for both apps):
#   - the test project as its own runner of the Category=Cuda tests (-p:GpuKit=true, tools/gpu/CudaTestRunner.cs),
#   - tools/gpu/GpuBench (training images/s and MFU, logits CUDA vs CPU, LoRA vs full peak memory),
# then removes every libtorch native (the GPU machine's PyTorch wheel provides libtorch) and TorchSharp's prebuilt
# libLibTorchSharp.so (kept aside: run.sh tries it first, then rebuilds it from source against the machine's libtorch),
# and packs the folder as tools/gpu/out/bundle.tar.xz. TorchSharp's native source (src/Native at the 0.107.0 release,
# c20b6a1cc574) goes to tools/gpu/out/native-src.tar.gz. tools/gpu/out/ is ignored by git and travels as a `carry`
# path. Finally checks that the kit fits the device tool's 64 MiB budget with room (working tree + carry).
#
# Usage: tools/gpu/prepare.sh            (TORCHSHARP_GIT=<TorchSharp git dir> to override the mirror path)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out=tools/gpu/out
stage=${GPUKIT_STAGE:-$(mktemp -d /tmp/gpukit-stage.XXXXXX)}
torchsharp_git=${TORCHSHARP_GIT:-/work/.mirror/dotnet+TorchSharp/repo}
torchsharp_commit=c20b6a1cc574
budget_mib=64
# Keep a libLibTorchSharp.so that an earlier GPU run built and brought back (run.sh tries it first).
kept=
[ -f "$out/libLibTorchSharp.so" ] && kept=$(mktemp) && cp "$out/libLibTorchSharp.so" "$kept"
rm -rf "$out" "$stage/bundle"
mkdir -p "$out" "$stage/bundle"
[ -n "$kept" ] && mv "$kept" "$out/libLibTorchSharp.so"

echo "== publish (self-contained linux-x64) into $stage/bundle"
# FineTuneVisionWeakenGlibcxx=false: the ELF patch is for the prebuilt libLibTorchSharp.so on old hosts; the kit
# keeps the prebuilt file unpatched (the GPU machine's libstdc++ is what it is tested against).
common=(-c Release -r linux-x64 --self-contained true -v q -nologo -p:FineTuneVisionWeakenGlibcxx=false -o "$stage/bundle")
dotnet publish tests/FineTune.Vision.Tests "${common[@]}" -p:GpuKit=true
dotnet publish tools/gpu/GpuBench "${common[@]}"

echo "== remove libtorch natives (provided by the GPU machine's PyTorch) and what the kit does not run"
mkdir -p "$stage/prebuilt"
cp "$stage/bundle/libLibTorchSharp.so" "$stage/prebuilt/"
# libLibTorchSharp.so: kept aside, rebuilt or tried on the machine. libtorch*/libc10*/...: the wheel's. ONNX Runtime:
# the ONNX tests, not the Cuda set. Code coverage, the vstest adapter, analyzers (DocsCompileTests only): no vstest
# runs there. The runtime's debugger, tracing and alternative-GC natives: unused.
removed=$(python3 tools/gpu/prune_bundle.py "$stage/bundle" \
  'libLibTorchSharp.so' 'libtorch*.so*' 'libc10*.so*' 'libgomp*.so*' 'libshm*.so*' 'libbackend_with_compiler*.so' \
  'libjitbackend_test*.so' 'libnnapi_backend*.so' 'libtorchbind_test*.so' 'libcaffe2*.so*' 'libonnxruntime*.so*' \
  'onnxruntime*.dll' '*.dylib' '*.exe' 'runtimes/win*' 'runtimes/osx*' 'runtimes/linux-arm*' 'runtimes/linux-musl*' \
  'CodeCoverage' 'InstrumentationEngine' 'macos' 'ubuntu' 'alpine' 'arm64' 'x64' 'x86' \
  'Microsoft.CodeAnalysis*.dll' 'Microsoft.TestPlatform*.dll' 'Microsoft.VisualStudio.*.dll' 'testhost*' \
  'xunit.runner.visualstudio*.dll' 'Microsoft.CodeCoverage*' \
  'libmscordbi.so' 'libmscordaccore.so' 'libclrgc*.so' 'libcoreclrtraceptprovider.so' 'createdump' '*.xml')
echo "removed $((removed / 1048576)) MiB"
left=$(find "$stage/bundle" -name '*.so*' -size +1M -printf '%f ' | tr -d '\n')
echo "natives left over 1 MiB: ${left:-none}"
cp "$stage"/prebuilt/libLibTorchSharp.so "$stage/bundle/libLibTorchSharp.prebuilt.so"

echo "== pack"
XZ_OPT=-9 tar -C "$stage" -cJf "$out/bundle.tar.xz" bundle
if git -C "$torchsharp_git" cat-file -e "$torchsharp_commit^{commit}" 2>/dev/null; then
  git -C "$torchsharp_git" archive --format=tar.gz -o "$root/$out/native-src.tar.gz" "$torchsharp_commit" src/Native
else
  echo "WARNING: TorchSharp's git dir not found at $torchsharp_git (fetch github:dotnet/TorchSharp); run.sh cannot rebuild LibTorchSharp" >&2
fi
git rev-parse HEAD > "$out/commit.txt"

echo "== sizes"
raw=$(du -sb "$stage/bundle" | cut -f1)
echo "bundle unpacked: $((raw / 1048576)) MiB; largest:"
find "$stage/bundle" -type f -printf '%s %P\n' | sort -rn | awk 'NR <= 8 {printf "  %6.1f MiB  %s\n", $1/1048576, $2}'
ls -l "$out"
kit=$(du -sb "$out" | cut -f1)
tree=$(git ls-files -z --cached --others --exclude-standard | xargs -0 stat -c %s 2>/dev/null | awk '{s+=$1} END {print s+0}')
total=$((kit + tree))
printf 'kit (carry %s): %.1f MiB; working tree (tracked + untracked not ignored): %.1f MiB; together %.1f MiB of %d MiB\n' \
  "$out" "$(echo "$kit / 1048576" | bc -l)" "$(echo "$tree / 1048576" | bc -l)" "$(echo "$total / 1048576" | bc -l)" "$budget_mib"
if [ "$total" -gt $((budget_mib * 1048576 * 3 / 4)) ]; then
  echo "ERROR: over 3/4 of the $budget_mib MiB budget; leave room (see the largest files above)" >&2
  exit 1
fi
[ -n "${GPUKIT_STAGE:-}" ] || rm -rf "$stage"
echo "ready: device run with carry [\"$out\"] (docs/platform.md, GPU kit)"
