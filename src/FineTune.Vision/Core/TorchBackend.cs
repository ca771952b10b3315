using System.Runtime.InteropServices;
using TorchSharp;

namespace FineTune.Vision.Core;

/// <summary>
/// Facts about the libtorch backend that the application chose (CPU or CUDA), for logs and error messages, and the
/// check that one is there at all (<see cref="EnsureAvailable"/>).
/// </summary>
public static class TorchBackend
{
    // The package that brings libtorch for the CPU on Linux x64 (what this repository's applications use), and the CPU meta-package.
    private const string LinuxCpuPackage = "libtorch-cpu-linux-x64";

    private const string CpuPackage = "TorchSharp-cpu";

    private static volatile bool s_available;

    /// <summary>The TorchSharp assembly version the library was built against.</summary>
    public static string TorchSharpVersion => typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>Whether a CUDA device is usable (loads the native backend on first use).</summary>
    public static bool CudaAvailable => torch.cuda.is_available();

    /// <summary>The best device available: CUDA when present, else CPU.</summary>
    public static torch.Device DefaultDevice => CudaAvailable ? torch.CUDA : torch.CPU;

    /// <summary>
    /// The device a command-line option names: <c>cpu</c>, <c>cuda</c> (the first GPU), <c>cuda:N</c>, or <c>auto</c>
    /// (<see cref="DefaultDevice"/>). Case-insensitive.
    /// </summary>
    /// <exception cref="ArgumentException">The text names no device of these forms.</exception>
    /// <exception cref="InvalidOperationException">A CUDA device is named but the backend has none (the CPU package), or the index is beyond the GPUs present.</exception>
    public static torch.Device ParseDevice(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string text = spec.Trim().ToLowerInvariant();
        if (text == "auto") return DefaultDevice;
        if (text == "cpu") return torch.CPU;
        int index = 0;
        bool cuda = text == "cuda" || (text.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index));
        if (!cuda) throw new ArgumentException($"'{spec}' is not a device; use cpu, cuda, cuda:N or auto.", nameof(spec));
        EnsureAvailable();
        if (!CudaAvailable)
            throw new InvalidOperationException($"Device '{spec}' was asked for, but the native backend has no CUDA (a CPU package such as {CpuPackage}, or no GPU visible); " +
                "reference TorchSharp-cuda-linux or TorchSharp-cuda-windows on a GPU machine (docs/platform.md), or use the CPU.");
        int count = torch.cuda.device_count();
        if (index >= count) throw new InvalidOperationException($"Device '{spec}' was asked for, but only {count} CUDA device(s) are visible (cuda:0 to cuda:{count - 1}).");
        return torch.device(DeviceType.CUDA, index);
    }

    /// <summary>A one-line description: TorchSharp version, device, and CPU thread count.</summary>
    public static string Describe() =>
        $"TorchSharp {TorchSharpVersion}, device {DefaultDevice.type}, {torch.get_num_threads()} CPU threads";

    /// <summary>
    /// Loads TorchSharp's native layer (<c>LibTorchSharp</c> and libtorch) once, so that an application without a
    /// native backend package fails with a message that names the packages to add, instead of a
    /// <see cref="DllNotFoundException"/> or <see cref="TypeInitializationException"/> from its first tensor. The
    /// library calls it where it makes its first tensors (model creation, weights loading, the Trainer); cheap after
    /// the first success.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// No usable native backend: the message names the packages (see <c>docs/platform.md</c>) and quotes the loader's
    /// error, which is also the <see cref="Exception.InnerException"/>.
    /// </exception>
    public static void EnsureAvailable()
    {
        if (s_available) return;
        Check(LoadNative);
        s_available = true;
    }

    /// <summary>Runs <paramref name="probe"/>, translating a failure to load native code into <see cref="MissingBackend"/>.</summary>
    internal static void Check(Action probe)
    {
        try
        {
            probe();
        }
        catch (Exception e) when (IsNativeLoadFailure(e))
        {
            throw MissingBackend(e);
        }
    }

    /// <summary>
    /// Whether <paramref name="e"/> says that native code could not be loaded: the loader's own exceptions, TorchSharp's
    /// <see cref="NotSupportedException"/> from its package search, or either inside a type initializer.
    /// </summary>
    internal static bool IsNativeLoadFailure(Exception e) => e switch
    {
        DllNotFoundException or EntryPointNotFoundException or BadImageFormatException => true,
        NotSupportedException n => n.Message.Contains("libtorch", StringComparison.OrdinalIgnoreCase) ||
                                   n.Message.Contains("LibTorchSharp", StringComparison.Ordinal),
        TypeInitializationException t => t.InnerException is null || IsNativeLoadFailure(t.InnerException),
        _ => false,
    };

    /// <summary>The exception <see cref="EnsureAvailable()"/> throws for <paramref name="cause"/>.</summary>
    internal static InvalidOperationException MissingBackend(Exception cause)
    {
        Exception root = cause;
        while (root is TypeInitializationException { InnerException: { } inner }) root = inner;
        return new InvalidOperationException(
            $"TorchSharp's native backend (libtorch) could not be loaded. The application references TorchSharp {TorchSharpVersion} " +
            $"(the managed API) but no native backend package, or its native files failed to load. Add one to the application project: " +
            $"'dotnet add package {LinuxCpuPackage}' (Linux x64, CPU) or 'dotnet add package {CpuPackage}' (CPU, any OS); " +
            "for NVIDIA GPUs 'TorchSharp-cuda-linux' or 'TorchSharp-cuda-windows' (see docs/platform.md). " +
            $"Original error: {root.GetType().Name}: {Summary(root)}", cause);
    }

    /// <summary>The first sentence of <paramref name="root"/>'s message, and for the loader's error the line that says why.</summary>
    private static string Summary(Exception root)
    {
        string[] lines = root.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string first = lines.FirstOrDefault() ?? root.GetType().Name;
        int stop = first.IndexOf(". ", StringComparison.Ordinal);
        string original = stop > 0 ? first[..(stop + 1)] : first;
        // The loader lists each name it tried; the line that is not "this spelling of LibTorchSharp is absent" says why
        // (a missing dependency such as libtorch.so, or a symbol version such as GLIBCXX_3.4.32).
        static bool Absent(string l) => l.Contains("LibTorchSharp", StringComparison.OrdinalIgnoreCase) && l.EndsWith("No such file or directory", StringComparison.Ordinal);
        string? reason = lines.Skip(1).FirstOrDefault(l => l.Contains(": ", StringComparison.Ordinal) && !Absent(l))
                         ?? lines.Skip(1).FirstOrDefault(l => l.Contains(": ", StringComparison.Ordinal));
        return root is DllNotFoundException && reason is not null ? $"{original} ({reason})" : original;
    }

    /// <summary>
    /// Loads <c>LibTorchSharp</c> exactly as TorchSharp's own first attempt does (by name, through the application's
    /// dependency manifest and TorchSharp's folder), so that a missing backend gives the loader's reason before
    /// TorchSharp's type initializer tries CUDA packages and prints its trace; then initialises the CPU device.
    /// </summary>
    private static void LoadNative()
    {
        NativeLibrary.Load("LibTorchSharp", typeof(torch).Assembly, null);
        torch.InitializeDeviceType(DeviceType.CPU);
    }
}
