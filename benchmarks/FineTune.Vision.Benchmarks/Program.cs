using BenchmarkDotNet.Running;
using FineTune.Vision.Benchmarks;
using FineTune.Vision.Core;
using TorchSharp;

// dotnet run -c Release --project benchmarks/FineTune.Vision.Benchmarks -- --filter '*Gemm*'   (BenchmarkDotNet)
// dotnet run -c Release --project benchmarks/FineTune.Vision.Benchmarks -- gemm-rate             (quick ceiling)
if (args is ["gemm-rate", ..])
{
    Console.WriteLine(TorchBackend.Describe());
    foreach (int threads in GemmBenchmarks.ThreadCounts)
    {
        torch.set_num_threads(threads);
        foreach (int n in new[] { 512, 1024, 2048 })
            Console.WriteLine($"threads={threads} N={n}: {GemmRate.Measure(n):F1} GFLOP/s");
    }
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);
