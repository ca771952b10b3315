using System.Globalization;
using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using FineTune.Vision.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Benchmarks.Reports;

/// <summary>
/// <c>optimizer-step</c>: one AdamW step over vit_small_patch16_224's parameters (22 M, weight-decay groups as the
/// Trainer makes them) with fixed random gradients: TorchSharp's <c>optim.AdamW</c> (nine libtorch operations per
/// parameter) against the library's (<see cref="Optimizers.AdamW"/>: one fused pass per parameter), alternating rounds
/// in one process; wall and process CPU milliseconds, and the memory traffic each implies at the measured bandwidth.
/// </summary>
public static class OptimizerStepReport
{
    /// <summary>Times both optimizers; prints and returns the table.</summary>
    public static ReportSection Run(int repeats, int rounds, int threads)
    {
        torch.set_num_threads(threads);
        torch.manual_seed(0);
        using VisionModel model = VisionModels.Create("vit_small_patch16_224");
        var named = model.named_parameters().Select(p => (p.name, p.parameter)).ToList();
        foreach (var (_, p) in named) p.grad = torch.randn_like(p).mul_(1e-3);
        long count = named.Sum(p => p.parameter.numel());
        OptimizerConfig config = Optimizers.AdamW(1e-4, 0.05);
        using TrainingOptimizer library = Optimizers.Create(config, named, model.NoWeightDecay);
        using var plain = new AdamW(library.Groups.Select(g => new AdamW.ParamGroup(g.Parameters.Select(p => p.Parameter), new AdamW.Options
        {
            LearningRate = config.Lr, beta1 = config.Beta1, beta2 = config.Beta2, eps = config.Eps, weight_decay = g.WeightDecay, amsgrad = false, maximize = false,
        })), config.Lr);
        var times = new Dictionary<string, List<TimingResult>> { ["torchsharp"] = [], ["library"] = [] };
        for (int round = 0; round < rounds; round++)
        {
            times["torchsharp"].Add(Timing.Measure(() => plain.step(), 1, repeats));
            times["library"].Add(Timing.Measure(library.Step, 1, repeats));
        }
        double Median(string key, bool cpu) => TimingResult.Of([.. times[key].Select(t => cpu ? t.CpuMedian : t.Median)]).Median;
        var (copy, triad) = MemoryBandwidth.Measure();
        double[] perRound = [.. times["torchsharp"].Zip(times["library"], (a, b) => a.Median / b.Median)];
        string Row(string label, string key, double bytesPerParameter) => string.Create(CultureInfo.InvariantCulture,
            $"| {label} | {Median(key, false) * 1000:F1} ms | {Median(key, true) * 1000:F1} ms | {bytesPerParameter:F0} | {count * bytesPerParameter / triad / 1e6:F1} ms |");
        var body = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture,
                $"vit_small_patch16_224, {count / 1e6:F1} M fp32 parameters, {threads} threads; median over {rounds} alternating rounds of the median of {repeats} steps; " +
                $"memory bandwidth in the same process: copy {copy:F1} GB/s, triad {triad:F1} GB/s."),
            "",
            "| AdamW step | wall | CPU (all threads) | bytes moved per parameter | at the triad bandwidth |",
            "| --- | --- | --- | --- | --- |",
            Row("TorchSharp optim.AdamW (mul_, mul_ + add_, mul_ + addcmul_, sqrt, div, add_, addcdiv_)", "torchsharp", 88),
            Row("library AdamW (one fused pass)", "library", 28),
            string.Create(CultureInfo.InvariantCulture, $"| **TorchSharp ÷ library** | **{Median("torchsharp", false) / Median("library", false):F2}x** | {Median("torchsharp", true) / Median("library", true):F2}x | | |"),
        };
        body.Skip(2).ToList().ForEach(Console.WriteLine);
        return new ReportSection("Optimizer step: AdamW fused against TorchSharp's", Commands.Of(string.Create(CultureInfo.InvariantCulture, $"optimizer-step --repeats {repeats} --rounds {rounds} --threads {threads}")), body)
        {
            Ratios = [new Ratio("optimizer-step/adamw/torchsharp-over-library", Median("torchsharp", false) / Median("library", false), Ratio.HalfRange(perRound))],
        };
    }
}
