using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Benchmarks;

/// <summary>
/// A quick, in-process measurement of the GEMM rate (no BenchmarkDotNet harness), for ratio reports that must divide
/// by the ceiling of the same process: best of several timed square products, in fp32 or bf16.
/// </summary>
public static class GemmRate
{
    /// <summary>Best GFLOP/s of <paramref name="repeats"/> N×N products after one warm-up, at the current thread count.</summary>
    public static double Measure(int n = 1024, int repeats = 10) => Measure(n, ScalarType.Float32, repeats);

    /// <summary>Best GFLOP/s of <paramref name="repeats"/> N×N products of <paramref name="dtype"/> after one warm-up.</summary>
    public static double Measure(int n, ScalarType dtype, int repeats = 10) => MeasureWallAndCpu(n, dtype, repeats).Wall;

    /// <summary>
    /// Best GFLOP/s by wall time, and by process CPU time (all threads): the CPU-time rate is less sensitive to other
    /// processes taking the cores, for ratios on a shared machine.
    /// </summary>
    public static (double Wall, double Cpu) MeasureWallAndCpu(int n, ScalarType dtype, int repeats = 10)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(0);
        var a = torch.randn(n, n).to(dtype);
        var b = torch.randn(n, n).to(dtype);
        torch.mm(a, b).Dispose();
        double best = double.MaxValue, bestCpu = double.MaxValue;
        for (int i = 0; i < repeats; i++)
        {
            double cpu = Reports.ProcessCpu.Seconds();
            long start = Stopwatch.GetTimestamp();
            torch.mm(a, b).Dispose();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
            bestCpu = Math.Min(bestCpu, Reports.ProcessCpu.Seconds() - cpu);
        }
        return (GemmBenchmarks.Flops(n) / best / 1e9, GemmBenchmarks.Flops(n) / bestCpu / 1e9);
    }
}
