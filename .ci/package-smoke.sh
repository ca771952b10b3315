#!/usr/bin/env bash
# Packs FineTune.Vision, then builds and runs a throwaway console app OUTSIDE the repository that references the
# package from a local folder plus libtorch-cpu-linux-x64, with no manual step: on Debian 12 / Ubuntu 22.04 this
# only works if the package's buildTransitive targets make libLibTorchSharp.so loadable. Then a second app without the
# backend package checks that the first model fails with a message naming the packages to add.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/ftv-smoke.XXXXXX)
version="0.1.0-ci.$(date +%Y%m%d%H%M%S)"
cleanup() {
  rm -rf "$work"
  rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/finetune.vision/$version"
}
trap cleanup EXIT

dotnet pack "$repo/src/FineTune.Vision/FineTune.Vision.csproj" -c Release -o "$work/feed" -p:Version="$version" --nologo -v q
ls "$work/feed"
test -f "$work/feed/FineTune.Vision.$version.nupkg"
test -f "$work/feed/FineTune.Vision.$version.snupkg"
contents=$(unzip -l "$work/feed/FineTune.Vision.$version.nupkg")
for f in buildTransitive/FineTune.Vision.targets buildTransitive/ElfVersionNeedPatcher.cs lib/net10.0/FineTune.Vision.dll lib/net10.0/FineTune.Vision.xml lib/net8.0/FineTune.Vision.dll README.md; do
  echo "$contents" | grep -q " $f$" || { echo "package lacks $f"; exit 1; }
done

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
using TorchSharp;

using var t = torch.arange(6, dtype: torch.float32).reshape(2, 3);
using var s = t.sum();
Console.WriteLine($"{TorchBackend.Describe()}; sum of arange(6) = {s.item<float>()}");
CS
(cd "$work/app" && dotnet build -c Release --nologo -v n 2>&1 | tee "$work/build.log" | grep -E "FineTune.Vision: |error [A-Z]+[0-9]+|Build succeeded" || true)
grep -q "Build succeeded" "$work/build.log"
out=$(cd "$work/app" && dotnet bin/Release/net10.0/SmokeApp.dll)
echo "$out"
echo "$out" | grep -q "sum of arange(6) = 15"

# The same package WITHOUT a native backend (only the managed TorchSharp it brings): the first model must fail with
# FineTune.Vision's message naming the packages to add (TorchBackend.EnsureAvailable), not a DllNotFoundException or
# TypeInitializationException, and before TorchSharp's own package search prints its trace.
mkdir -p "$work/nobackend"
cp "$work/app/nuget.config" "$work/nobackend/"
sed '/libtorch-cpu-linux-x64/d' "$work/app/SmokeApp.csproj" > "$work/nobackend/NoBackendApp.csproj"
cat > "$work/nobackend/Program.cs" <<'CS'
using FineTune.Vision.Weights;

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
test "$code" -eq 3 || { echo "expected exit code 3 (InvalidOperationException), got $code"; exit 1; }
grep -q "dotnet add package libtorch-cpu-linux-x64" "$work/nobackend.err"
grep -q "TorchSharp-cuda-linux" "$work/nobackend.err"
! grep -q "LoadNativeBackend" "$work/nobackend.out" "$work/nobackend.err"
echo "package smoke test: ok (and without a backend the first model names the packages to add)"
