using BenchmarkDotNet.Attributes;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Benchmarks;

/// <summary>
/// The machine's fp32 compute ceiling as libtorch reaches it in this process: square matrix products.
/// Later figures (model FLOPs utilisation) are divided by the best rate measured here.
/// </summary>
[Config(typeof(InProcessConfig))]
public class GemmBenchmarks
{
    private Tensor _a = null!, _b = null!;

    /// <summary>Side of the square matrices.</summary>
    [Params(512, 1024, 2048)]
    public int N { get; set; }

    /// <summary>libtorch intra-op threads: one, and every core.</summary>
    [ParamsSource(nameof(ThreadCounts))]
    public int Threads { get; set; }

    public static IEnumerable<int> ThreadCounts => Environment.ProcessorCount > 1 ? [1, Environment.ProcessorCount] : [1];

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Threads);
        torch.manual_seed(0);
        _a = torch.randn(N, N);
        _b = torch.randn(N, N);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _a.Dispose();
        _b.Dispose();
    }

    /// <summary>One product C = A·B (2·N³ floating-point operations).</summary>
    [Benchmark]
    public void MatMul()
    {
        using Tensor c = torch.mm(_a, _b);
    }

    /// <summary>Floating-point operations of one <see cref="MatMul"/> call.</summary>
    public static double Flops(int n) => 2.0 * n * n * n;
}
