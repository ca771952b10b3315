#!/usr/bin/env bash
# Packs FineTune.Vision, then builds and runs a throwaway console app OUTSIDE the repository that references the
# package from a local folder plus libtorch-cpu-linux-x64, with no manual step: on Debian 12 / Ubuntu 22.04 this
# only works if the package's buildTransitive targets make libLibTorchSharp.so loadable. Then a second app without the
# backend package checks that the first model fails with a message naming the packages to add. Last, an ONNX-only app
# (the package plus Microsoft.ML.OnnxRuntime, no libtorch) classifies an image from a model the libtorch app exported,
# and the sizes of both published apps are printed. The libtorch app's build output must stay lean (docs/platform.md,
# "Install size"): under FTV_MAX_OUTPUT_MIB, with no natives of another platform and no plotting natives.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/ftv-smoke.XXXXXX)
version="0.1.0-ci.$(date +%Y%m%d%H%M%S)"
# Measured 2026-12-07: 461 MiB (libtorch_cpu.so 440 MiB of it; 1,030 MiB before the plots moved out and the natives
# were trimmed); the target leaves room for patch releases of the packages.
max_output_mib=${FTV_MAX_OUTPUT_MIB:-480}
cleanup() {
  rm -rf "$work"
  rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/finetune.vision/$version" "${NUGET_PACKAGES:-$HOME/.nuget/packages}/finetune.vision.plots/$version"
}
trap cleanup EXIT

dotnet pack "$repo/src/FineTune.Vision/FineTune.Vision.csproj" -c Release -o "$work/feed" -p:Version="$version" --nologo -v q
dotnet pack "$repo/src/FineTune.Vision.Plots/FineTune.Vision.Plots.csproj" -c Release -o "$work/feed" -p:Version="$version" --nologo -v q
ls "$work/feed"
test -f "$work/feed/FineTune.Vision.$version.nupkg"
test -f "$work/feed/FineTune.Vision.$version.snupkg"
test -f "$work/feed/FineTune.Vision.Plots.$version.nupkg"
contents=$(unzip -l "$work/feed/FineTune.Vision.$version.nupkg")
for f in buildTransitive/FineTune.Vision.targets buildTransitive/ElfVersionNeedPatcher.cs lib/net10.0/FineTune.Vision.dll lib/net10.0/FineTune.Vision.xml lib/net8.0/FineTune.Vision.dll README.md icon.png; do
  echo "$contents" | grep -q " $f$" || { echo "package lacks $f"; exit 1; }
done
plots=$(unzip -l "$work/feed/FineTune.Vision.Plots.$version.nupkg")
for f in lib/net10.0/FineTune.Vision.Plots.dll lib/net10.0/FineTune.Vision.Plots.xml lib/net8.0/FineTune.Vision.Plots.dll README.md icon.png; do
  echo "$plots" | grep -q " $f$" || { echo "FineTune.Vision.Plots package lacks $f"; exit 1; }
done
# The nuget.org metadata: the packed README (install commands, absolute links), repository, release notes; the core
# package no longer depends on ScottPlot, and its logging seam brings only the abstractions.
nuspec=$(unzip -p "$work/feed/FineTune.Vision.$version.nupkg" FineTune.Vision.nuspec)
echo "$nuspec" | grep -q '<repository type="git" url="https://github.com/finetune-vision/FineTune.Vision"' || { echo "nuspec lacks the repository URL"; exit 1; }
echo "$nuspec" | grep -q "<releaseNotes>" && echo "$nuspec" | grep -q "<icon>icon.png</icon>" || { echo "nuspec lacks release notes or icon"; exit 1; }
! echo "$nuspec" | grep -q 'id="ScottPlot"' || { echo "FineTune.Vision must not depend on ScottPlot (FineTune.Vision.Plots does)"; exit 1; }
echo "$nuspec" | grep -q 'id="Microsoft.Extensions.Logging.Abstractions"'
packed_readme=$(unzip -p "$work/feed/FineTune.Vision.$version.nupkg" README.md)
echo "$packed_readme" | grep -q "^dotnet add package FineTune.Vision$" || { echo "the packed README lacks the install command"; exit 1; }
! echo "$packed_readme" | grep -qE '\]\((docs|samples|src)/' || { echo "the packed README has relative links"; exit 1; }

mkdir -p "$work/app"
cat > "$work/app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="local-finetune-vision" value="$work/feed" />
  </packageSources>
</configuration>
XML
cat > "$work/app/SmokeApp.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="FineTune.Vision" Version="$version" />
    <PackageReference Include="libtorch-cpu-linux-x64" Version="2.10.0" />
  </ItemGroup>
</Project>
XML
cat > "$work/app/Program.cs" <<'CS'
using FineTune.Vision.Core;
using FineTune.Vision.Deployment;
using TorchSharp;

using var t = torch.arange(6, dtype: torch.float32).reshape(2, 3);
using var s = t.sum();
Console.WriteLine($"{TorchBackend.Describe()}; sum of arange(6) = {s.item<float>()}");
if (args.Length == 2)
{
    OnnxExport.ExportModelFile(args[0], args[1]);    // a model file to ONNX, for the ONNX-only app below
    Console.WriteLine($"exported {args[1]}");
}
CS
(cd "$work/app" && dotnet build -c Release --nologo -v n 2>&1 | tee "$work/build.log" | grep -E "FineTune.Vision: |error [A-Z]+[0-9]+|Build succeeded" || true)
grep -q "Build succeeded" "$work/build.log"
out=$(cd "$work/app" && dotnet bin/Release/net10.0/SmokeApp.dll)
echo "$out"
echo "$out" | grep -q "sum of arange(6) = 15"

# A lean install: the build output (no runtime identifier) holds libtorch, SkiaSharp's Linux x64 natives and managed
# assemblies; the natives of the platforms libtorch-cpu-linux-x64 cannot run on, and the plots' HarfBuzz, stay out.
app_out="$work/app/bin/Release/net10.0"
output_size=$(du -sm "$app_out" | cut -f1)
echo "consumer build output (FineTune.Vision + libtorch-cpu-linux-x64, no runtime identifier): ${output_size} MiB in $(find "$app_out" -type f | wc -l) files (target: under ${max_output_mib} MiB)"
du -sm "$app_out"/runtimes/*/native 2>/dev/null | sed 's/^/  /' || true
test "$output_size" -le "$max_output_mib" || { echo "the consumer's output folder grew past ${max_output_mib} MiB: see docs/platform.md, Install size"; exit 1; }
strays=$(cd "$app_out" && find . -path "./runtimes/*" -type f ! -path "./runtimes/linux-x64/*"; find . -iname "*HarfBuzz*" -o -iname "ScottPlot*" -o -name "libtorch_python.so")
test -z "$strays" || { echo "the consumer's output folder carries files it cannot use:"; echo "$strays" | head -20; exit 1; }

# The same package WITHOUT a native backend (only the managed TorchSharp it brings): the first model must fail with
# FineTune.Vision's message naming the packages to add (TorchBackend.EnsureAvailable), not a DllNotFoundException or
# TypeInitializationException, and before TorchSharp's own package search prints its trace.
mkdir -p "$work/nobackend"
cp "$work/app/nuget.config" "$work/nobackend/"
# It also references FineTune.Vision.Plots and draws a confusion matrix first (no tensor needed), so the plots package
# restores, builds against the core package and writes a PNG.
sed '/libtorch-cpu-linux-x64/d; s|<PackageReference Include="FineTune.Vision" Version="\([^"]*\)" />|&<PackageReference Include="FineTune.Vision.Plots" Version="\1" />|' "$work/app/SmokeApp.csproj" > "$work/nobackend/NoBackendApp.csproj"
grep -q "FineTune.Vision.Plots" "$work/nobackend/NoBackendApp.csproj"
cat > "$work/nobackend/Program.cs" <<'CS'
using FineTune.Vision.Metrics;
using FineTune.Vision.Weights;

var matrix = new ConfusionMatrix(2);
matrix.Add(0, 0);
matrix.Add(1, 0);
matrix.SavePng("confusion.png", ["cat", "dog"]);   // FineTune.Vision.Plots
Console.WriteLine($"confusion.png: {new FileInfo("confusion.png").Length} bytes");
try
{
    using var model = VisionModels.Create("vit_tiny_patch16_224");
    Console.WriteLine("created a model without a native backend?");
    return 0;
}
catch (InvalidOperationException e)
{
    Console.Error.WriteLine(e.Message);
    return 3;
}
CS
(cd "$work/nobackend" && dotnet build -c Release --nologo -v q > "$work/nobackend.log" 2>&1) || { cat "$work/nobackend.log"; exit 1; }
set +e
(cd "$work/nobackend" && dotnet bin/Release/net10.0/NoBackendApp.dll > "$work/nobackend.out" 2> "$work/nobackend.err")
code=$?
set -e
cat "$work/nobackend.out" "$work/nobackend.err"
test -s "$work/nobackend/confusion.png" || { echo "FineTune.Vision.Plots wrote no PNG"; exit 1; }
test "$code" -eq 3 || { echo "expected exit code 3 (InvalidOperationException), got $code"; exit 1; }
grep -q "dotnet add package libtorch-cpu-linux-x64" "$work/nobackend.err"
grep -q "TorchSharp-cuda-linux" "$work/nobackend.err"
! grep -q "LoadNativeBackend" "$work/nobackend.out" "$work/nobackend.err"

# ONNX-only deployment: the package and Microsoft.ML.OnnxRuntime, no libtorch backend package. The libtorch app exports
# the shipped Fashion-MNIST model; this app classifies one image with the library's preprocessing on ONNX Runtime and
# checks that no libtorch library was loaded into the process.
onnx="$work/fmnist5.onnx"
(cd "$work/app" && dotnet bin/Release/net10.0/SmokeApp.dll "$repo/samples/data/pretrained/vit_fmnist5_tiny.safetensors" "$onnx")
test -f "$onnx"
echo "exported model: $(stat -c %s "$onnx") bytes"
mkdir -p "$work/onnxapp"
cp "$work/app/nuget.config" "$work/onnxapp/"
sed 's/libtorch-cpu-linux-x64" Version="2.10.0"/Microsoft.ML.OnnxRuntime" Version="1.32.0"/' "$work/app/SmokeApp.csproj" > "$work/onnxapp/OnnxApp.csproj"
! grep -q libtorch "$work/onnxapp/OnnxApp.csproj"
cat > "$work/onnxapp/Program.cs" <<'CS'
using FineTune.Vision.Deployment;

using var classifier = new OnnxImageClassifier(args[0]);
var best = classifier.Predict(args[1], topK: 1)[0];
bool libtorch = File.ReadAllText("/proc/self/maps").Contains("libtorch", StringComparison.Ordinal);
Console.WriteLine($"label: {best.Label} ({best.Probability:F4}); libtorch loaded: {(libtorch ? "yes" : "no")}");
return libtorch ? 4 : 0;
CS
# A Fashion-MNIST-like image: the shipped photo of a cat works as well (any image decodes and resizes to 28x28).
image="$repo/samples/data/images/chelsea.jpg"
(cd "$work/onnxapp" && dotnet publish -c Release -r linux-x64 --self-contained false -o "$work/onnxapp/publish" --nologo -v q > "$work/onnxapp.log" 2>&1) || { cat "$work/onnxapp.log"; exit 1; }
onnx_out=$(cd "$work/onnxapp" && dotnet publish/OnnxApp.dll "$onnx" "$image")
echo "$onnx_out"
echo "$onnx_out" | grep -q "^label: .*libtorch loaded: no$"
(cd "$work/app" && dotnet publish -c Release -r linux-x64 --self-contained false -o "$work/app/publish" --nologo -v q > "$work/app-publish.log" 2>&1) || { cat "$work/app-publish.log"; exit 1; }
libtorch_size=$(du -sm "$work/app/publish" | cut -f1)
onnx_size=$(du -sm "$work/onnxapp/publish" | cut -f1)
echo "published sizes (linux-x64, framework-dependent): libtorch app ${libtorch_size} MiB, ONNX-only app ${onnx_size} MiB"
test "$onnx_size" -lt $((libtorch_size / 4)) || { echo "the ONNX-only app should be far smaller than the libtorch app"; exit 1; }
! ls "$work/onnxapp/publish" | grep -q "^libtorch"

echo "package smoke test: ok (without a backend the first model names the packages to add; the ONNX-only app needs no libtorch)"

# The ftv tool (issue 18): pack FineTune.Vision.Tool, install it from the packed folder as a .NET tool, run `ftv --help`
# and a two-step `ftv train` on a generated ImageFolder (Fashion-MNIST images, 5 classes), and check its outputs.
trap 'cleanup; rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/finetune.vision.tool/$version"' EXIT
dotnet pack "$repo/src/FineTune.Vision.Tool/FineTune.Vision.Tool.csproj" -c Release -o "$work/toolfeed" -p:Version="$version" --nologo -v q
test -f "$work/toolfeed/FineTune.Vision.Tool.$version.nupkg"
echo "tool package: $(du -m "$work/toolfeed/FineTune.Vision.Tool.$version.nupkg" | cut -f1) MiB (libtorch CPU and ONNX Runtime natives included)"
dotnet tool install --tool-path "$work/tools" --add-source "$work/toolfeed" FineTune.Vision.Tool --version "$version"
"$work/tools/ftv" --help | tee "$work/ftv-help.txt"
grep -q "train" "$work/ftv-help.txt"
"$work/tools/ftv" train --help > /dev/null
dotnet run "$repo/samples/data/fashion-mnist/export_folder.cs" -- "$work/ftv-images" --per-class 8
(cd "$work" && "$work/tools/ftv" train --model vit_tiny_patch16_224 --img-size 32 --model-kwargs depth=1 embed_dim=48 \
  --data "$work/ftv-images" --batch-size 16 --max-steps 2 --epochs 1 --opt adamw --lr 1e-3 --warmup-epochs 0 \
  --workers 1 --output "$work/ftv-out") | tee "$work/ftv-train.log"
grep -q "; 2 steps;" "$work/ftv-train.log"
for f in last.safetensors best.safetensors summary.csv; do test -s "$work/ftv-out/$f"; done
ls "$work/ftv-out/tensorboard"/events.out.tfevents.* > /dev/null
echo "tool smoke test: ok (ftv installed from the packed folder, --help and a two-step train ran)"
