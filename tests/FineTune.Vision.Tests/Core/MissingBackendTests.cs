using FineTune.Vision.Core;
using FineTune.Vision.Tests.Cli;
using FineTune.Vision.Tests.Data;

namespace FineTune.Vision.Tests.Core;

/// <summary>
/// An application that references the managed TorchSharp package but no native backend gets, from its first model,
/// weights file or Trainer, an <see cref="InvalidOperationException"/> naming the packages to add (issue 14).
/// </summary>
public sealed class MissingBackendTests
{
    [Theory]
    [InlineData("DllNotFoundException")]
    [InlineData("TypeInitializationException")]
    [InlineData("BadImageFormatException")]
    public void A_native_load_failure_becomes_a_message_naming_the_packages(string kind)
    {
        Exception cause = kind switch
        {
            "DllNotFoundException" => new DllNotFoundException("Unable to load shared library 'LibTorchSharp' or one of its dependencies: libtorch_cpu.so: cannot open shared object file"),
            "TypeInitializationException" => new TypeInitializationException("TorchSharp.torch", new NotSupportedException(
                "The libtorch-cuda-12.8-linux-x64 package version 2.10.0 is not restored on this system.\nTrace from LoadNativeBackend:\nStep 1 - ...")),
            _ => new BadImageFormatException("libLibTorchSharp.so: wrong ELF class"),
        };

        var e = Assert.Throws<InvalidOperationException>(() => TorchBackend.Check(() => throw cause));

        Assert.Same(cause, e.InnerException);
        foreach (string package in new[] { "dotnet add package libtorch-cpu-linux-x64", "dotnet add package TorchSharp-cpu", "TorchSharp-cuda-linux", "TorchSharp-cuda-windows", "docs/platform.md" })
            Assert.Contains(package, e.Message);
        Assert.Contains(kind == "TypeInitializationException" ? "NotSupportedException: The libtorch-cuda-12.8-linux-x64 package" : cause.Message, e.Message);
        Assert.DoesNotContain("Trace from LoadNativeBackend", e.Message);     // the first line of the original error, not TorchSharp's whole trace
    }

    [Fact]
    public void The_loader_line_that_says_why_is_quoted()
    {
        const string Head = "Unable to load shared library 'LibTorchSharp' or one of its dependencies. In order to help diagnose loading problems, consider using a tool like strace.";
        string[] glibcxx = [Head, "/app/LibTorchSharp.so: cannot open shared object file: No such file or directory",
            "/app/libLibTorchSharp.so: /lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.32' not found (required by /app/libLibTorchSharp.so)"];
        var e = Assert.Throws<InvalidOperationException>(() => TorchBackend.Check(() => throw new DllNotFoundException(string.Join("\n", glibcxx))));
        Assert.Contains("Original error: DllNotFoundException: Unable to load shared library 'LibTorchSharp' or one of its dependencies. (/app/libLibTorchSharp.so: /lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.32' not found", e.Message);
        Assert.DoesNotContain("strace", e.Message);
    }

    [Fact]
    public void Other_failures_pass_through_and_a_loaded_backend_passes()
    {
        var io = new IOException("disk");
        Assert.Same(io, Assert.Throws<IOException>(() => TorchBackend.Check(() => throw io)));
        var unrelated = new TypeInitializationException("X", new ArgumentException("bad"));
        Assert.Same(unrelated, Assert.Throws<TypeInitializationException>(() => TorchBackend.Check(() => throw unrelated)));
        TorchBackend.Check(() => { });
        TorchBackend.EnsureAvailable();
        TorchBackend.EnsureAvailable();
    }

    /// <summary>
    /// The real thing: the CLI's managed assemblies and TorchSharp's own <c>libLibTorchSharp.so</c> (which the managed
    /// TorchSharp package ships) in a folder without libtorch and without a dependency manifest, as an application
    /// that references TorchSharp alone. <c>.ci/package-smoke.sh</c> checks the same through the packed package.
    /// </summary>
    [Fact]
    public void The_cli_without_libtorch_says_which_package_to_add()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var app = new TempDir();
        foreach (string file in Directory.GetFiles(AppContext.BaseDirectory, "*.dll").Append(Path.Combine(AppContext.BaseDirectory, "ftv.runtimeconfig.json")))
            File.Copy(file, Path.Combine(app.Path, Path.GetFileName(file)));
        File.Copy(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"), Path.Combine(app.Path, "libLibTorchSharp.so"));
        string weights = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Weights", "vit_timm.safetensors");

        foreach (string[] args in new[]
        {
            new[] { "inspect", "--weights", weights },
            ["logits", "--model", "vit_tiny_patch16_224", "--weights", weights, "--input", weights, "--output", Path.Combine(app.Path, "out.safetensors")],
        })
        {
            CliRun run = CliRun.Process("ftv.dll", args, directory: app.Path).AssertFailsCleanly();
            Assert.Contains("dotnet add package libtorch-cpu-linux-x64", run.Error);
            Assert.Contains("TorchSharp-cuda-linux", run.Error);
            // The loader's own reason: libtorch.so missing, or (where a system libtorch such as Debian's python3-torch is on the
            // library path) an older libtorch whose symbols LibTorchSharp lacks.
            Assert.Matches("Original error: .*(cannot open shared object file|undefined symbol|GLIBCXX)", run.Error);
            Assert.DoesNotContain("LoadNativeBackend", run.Output + run.Error);             // checked before TorchSharp's own search and its trace
        }
    }
}
