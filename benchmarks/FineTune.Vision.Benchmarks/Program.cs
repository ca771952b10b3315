using BenchmarkDotNet.Running;
using FineTune.Vision.Benchmarks;
using FineTune.Vision.Core;
using TorchSharp;

// dotnet run -c Release --project benchmarks/FineTune.Vision.Benchmarks -- --filter '*Gemm*'   (BenchmarkDotNet)
// dotnet run -c Release --project benchmarks/FineTune.Vision.Benchmarks -- gemm-rate             (quick ceiling)
// dotnet run -c Release --project benchmarks/FineTune.Vision.Benchmarks -- pipeline-ratio [N]    (input pipeline vs torchvision)
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
if (args is ["pipeline-ratio", ..])
{
    int count = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 400;
    PipelineReport.Run(count, stepBatch: 2);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);
