using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Benchmarks;

/// <summary>
/// The machine's memory bandwidth as libtorch sees it, beside the GEMM ceiling: STREAM-style copy (<c>b = a</c>, 2 × 4 bytes
/// per element) and an in-place triad (<c>a += s·c</c>, 3 × 4 bytes per element) over fp32 buffers far larger than the caches,
/// best of several passes at the current thread count. Elementwise work, LayerNorm, GELU, softmax and the optimizer
/// step run at this rate, not the GEMM's.
/// </summary>
public static class MemoryBandwidth
{
    /// <summary>Best copy and triad GB/s over <paramref name="megabytes"/>-MB buffers, <paramref name="repeats"/> passes each.</summary>
    public static (double Copy, double Triad) Measure(int megabytes = 256, int repeats = 8)
    {
        long n = megabytes * 1024L * 1024 / 4;
        using var scope = torch.NewDisposeScope();
        var a = torch.ones(n);
        var b = torch.empty(n);
        var c = torch.ones(n);
        b.copy_(a);
        a.add_(c, alpha: 0.5);
        double copy = double.MaxValue, triad = double.MaxValue;
        for (int i = 0; i < repeats; i++)
        {
            long start = Stopwatch.GetTimestamp();
            b.copy_(a);
            copy = Math.Min(copy, Stopwatch.GetElapsedTime(start).TotalSeconds);
            start = Stopwatch.GetTimestamp();
            a.add_(c, alpha: 0.5);
            triad = Math.Min(triad, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return (2.0 * 4 * n / copy / 1e9, 3.0 * 4 * n / triad / 1e9);
    }
}
