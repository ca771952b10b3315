using System.Globalization;
using System.Runtime.InteropServices;
using FineTune.Vision.Models;
using TorchSharp;
using static TorchSharp.torch;
using FineTune.Vision.Weights;

namespace FineTune.Vision.Benchmarks.Reports;

/// <summary>
/// <c>mfu</c>: model FLOPs utilisation of a training step (forward, cross entropy, backward, AdamW step) per
/// architecture at 224: counted step FLOPs (<see cref="ModelFlops"/>, 3 × forward) per second of the median step,
/// divided by the GEMM rate measured in the same process at the same thread count (fp32, and bf16 against the bf16 rate).
/// </summary>
public static class MfuReport
{
    /// <summary>The models: registry name, overrides (tiny widths where the family has no tiny variant) and a label.</summary>
    public static readonly IReadOnlyList<(string Arch, Dictionary<string, string> Overrides, string Label)> Models =
    [
        ("vit_tiny_patch16_224", [], "vit_tiny_patch16_224"),
        ("vit_small_patch16_224", [], "vit_small_patch16_224"),
        ("deit_tiny_distilled_patch16_224", [], "deit_tiny_distilled_patch16_224"),
        ("beit_base_patch16_224", new() { ["embed_dim"] = "192", ["num_heads"] = "3" }, "beit_base_patch16_224, ViT-Ti widths (192, 3 heads)"),
        ("swin_tiny_patch4_window7_224", [], "swin_tiny_patch4_window7_224"),
        ("cait_xxs24_224", [], "cait_xxs24_224"),
    ];

    /// <summary>Runs every model in fp32 and (when <paramref name="bf16"/>) bf16; prints and returns the table.</summary>
    /// <param name="batch">Images per step.</param>
    /// <param name="warmup">Untimed steps first.</param>
    /// <param name="repeats">Timed steps (the median counts).</param>
    /// <param name="bf16">Also run bf16 with fp32 masters.</param>
    /// <param name="threads">libtorch intra-op threads.</param>
    /// <param name="only">Only architectures whose name contains this.</param>
    /// <param name="bf16Skip">
    /// Families not run in bf16 (comma-separated prefixes). Default: none (every family runs in bf16 since the models
    /// align the buffers that TorchSharp 0.107's <c>Module.to(BFloat16)</c> leaves in fp32).
    /// </param>
    /// <param name="runs">
    /// Whole measurements (ceiling, every model, ceiling again) in turn; the table gives the median MFU over the runs and
    /// their range, each run divided by its own ceiling.
    /// </param>
    public static ReportSection Run(int batch, int warmup, int repeats, bool bf16, int threads, string? only = null, string bf16Skip = "", int runs = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        string[] skip = bf16Skip.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        torch.set_num_threads(threads);
        var cases = Models.Where(m => only is null || m.Arch.Contains(only, StringComparison.Ordinal))
            .SelectMany(m => (bf16 ? new[] { false, true } : [false]).Select(low => (m.Arch, m.Overrides, m.Label, Bf16: low)))
            .Where(c => !(c.Bf16 && skip.Any(f => c.Arch.StartsWith(f, StringComparison.Ordinal))))
            .ToList();
        var measured = cases.Select(_ => new List<Measurement>()).ToList();
        var ceilings = new List<((double Wall, double Cpu) Fp32, (double Wall, double Cpu) Bf16)>();
        var (bandwidthCopy, bandwidthTriad) = MemoryBandwidth.Measure();
        for (int run = 0; run < runs; run++)
        {
            var fp32Start = Ceiling(ScalarType.Float32);
            (double Wall, double Cpu) bf16Start = bf16 ? Ceiling(ScalarType.BFloat16) : (double.NaN, double.NaN);
            var pending = new List<(int Case, Measurement? Result)>();
            for (int i = 0; i < cases.Count; i++)
            {
                var (arch, overrides, label, low) = cases[i];
                Measurement? m = Measure(arch, overrides, label, batch, warmup, repeats, low);
                pending.Add((i, m));
                if (m is not null)
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"run {run + 1}/{runs}: {label} {(low ? "bf16" : "fp32")}: step {m.Time.Median * 1000:F0} ms, MFU {m.Mfu((low ? bf16Start : fp32Start).Wall):P1} (against the first ceiling)"));
            }
            // The ceiling again after the models: on a shared machine one measurement can land in a busy moment.
            var fp32Rate = Max(fp32Start, Ceiling(ScalarType.Float32));
            (double Wall, double Cpu) bf16Rate = bf16 ? Max(bf16Start, Ceiling(ScalarType.BFloat16)) : (double.NaN, double.NaN);
            ceilings.Add((fp32Rate, bf16Rate));
            foreach (var (i, m) in pending) if (m is not null) measured[i].Add(m with { Ceiling = cases[i].Bf16 ? bf16Rate : fp32Rate });
        }
        double MedianOf(IEnumerable<double> v) => TimingResult.Of([.. v]).Median;
        var fp32Median = (MedianOf(ceilings.Select(c => c.Fp32.Wall)), MedianOf(ceilings.Select(c => c.Fp32.Cpu)));
        string rates = FormattableString.Invariant($"GEMM ceiling in this process, {threads} threads, best of N = 1024 and 2048, before and after the models (10 products each; by wall time / by CPU time; median of the runs): fp32 {fp32Median.Item1:F1} / {fp32Median.Item2:F1} GFLOP/s")
            + (bf16 ? FormattableString.Invariant($", bf16 {MedianOf(ceilings.Select(c => c.Bf16.Wall)):F1} / {MedianOf(ceilings.Select(c => c.Bf16.Cpu)):F1} GFLOP/s") : "")
            + FormattableString.Invariant($"; memory bandwidth (256 MB fp32, {threads} threads) copy {bandwidthCopy:F1} GB/s, triad {bandwidthTriad:F1} GB/s");
        Console.WriteLine(rates);
        var body = new List<string>
        {
            rates + string.Create(CultureInfo.InvariantCulture, $". Batch {batch}, AdamW, median of {repeats} steps after {warmup} warm-up, {runs} run{(runs == 1 ? "" : "s")}."),
            "MFU = counted step FLOPs (3 × forward) per second of the median step ÷ the GEMM rate of the same run; with several runs the",
            "table gives the median over the runs and their range. The CPU-time column divides FLOPs per CPU-second (all threads) by the",
            "GEMM's FLOPs per CPU-second: on a quiet machine the two agree; on a shared one the CPU-time figure is the steadier (idle waits",
            "for a core do not count), the wall-time one is the real one.",
            "",
            "| model | precision | fwd GFLOPs/image | step (median) | images/s | model GFLOP/s | **MFU** | MFU range | MFU (CPU time) |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        };
        var ratios = new List<Ratio>();
        for (int i = 0; i < cases.Count; i++)
        {
            var (arch, _, label, low) = cases[i];
            string precision = low ? "bf16 (fp32 masters)" : "fp32";
            List<Measurement> m = measured[i];
            if (m.Count == 0)
            {
                body.Add($"| {label} | {precision} | failed (see the log) | | | | | | |");
                continue;
            }
            double[] mfu = [.. m.Select(x => x.Mfu(x.Ceiling.Wall))];
            double median = MedianOf(mfu), step = MedianOf(m.Select(x => x.Time.Median));
            double spread = m.Count > 1 ? Ratio.HalfRange(mfu) : m[0].MfuAtBest(m[0].Ceiling.Wall) - median;
            double cpuMfu = MedianOf(m.Select(x => x.CpuMfu(x.Ceiling.Cpu)));
            body.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {label} | {precision} | {2.0 * m[0].Macs / 1e9:F2} | {step * 1000:F0} ms | {batch / step:F1} | {m[0].StepFlops / step / 1e9:F1} | **{median:P1}** | {mfu.Min():P1}–{mfu.Max():P1} | {cpuMfu:P1} |"));
            ratios.Add(new Ratio($"mfu/{arch}/{(low ? "bf16" : "fp32")}", median, spread));
        }
        body.Skip(6).ToList().ForEach(Console.WriteLine);
        string arguments = string.Create(CultureInfo.InvariantCulture, $"mfu --batch {batch} --warmup {warmup} --repeats {repeats} --threads {threads} --runs {runs}");
        return new ReportSection("Training step: model FLOPs utilisation", Commands.Of(arguments), body) { Ratios = ratios };
    }

    /// <summary>One timed model in one run, and the ceiling of that run it is divided by.</summary>
    private sealed record Measurement(long Macs, double StepFlops, TimingResult Time)
    {
        public (double Wall, double Cpu) Ceiling { get; init; }

        public double Mfu(double gemmRate) => StepFlops / Time.Median / 1e9 / gemmRate;

        public double MfuAtBest(double gemmRate) => StepFlops / Time.Best / 1e9 / gemmRate;

        public double CpuMfu(double gemmCpuRate) => StepFlops / Time.CpuMedian / 1e9 / gemmCpuRate;
    }

    private static (double Wall, double Cpu) Max((double Wall, double Cpu) a, (double Wall, double Cpu) b) => (Math.Max(a.Wall, b.Wall), Math.Max(a.Cpu, b.Cpu));

    /// <summary>The better of the N = 1024 and N = 2048 rates, by wall time and by CPU time.</summary>
    private static (double Wall, double Cpu) Ceiling(ScalarType dtype)
    {
        var (a, b) = (GemmRate.MeasureWallAndCpu(1024, dtype), GemmRate.MeasureWallAndCpu(2048, dtype));
        return (Math.Max(a.Wall, b.Wall), Math.Max(a.Cpu, b.Cpu));
    }

    private static Measurement? Measure(string arch, Dictionary<string, string> overrides, string label, int batch, int warmup, int repeats, bool bf16)
    {
        try
        {
            torch.manual_seed(0);
            using VisionModel model = VisionModels.Create<ModelConfig>(arch, c => c.WithOverrides(overrides));
            long macs = ModelFlops.ForwardMacs(model.Config, arch.Contains("distilled", StringComparison.Ordinal));
            using var step = new TrainingStep(model, batch, bf16);
            return new Measurement(macs, ModelFlops.TrainingStepFlops(macs, batch), Timing.Measure(step.Run, warmup, repeats));
        }
        catch (ExternalException e)
        {
            Console.WriteLine($"{label} {(bf16 ? "bf16" : "fp32")} failed: {e.Message.Split('\n')[0]}");
            return null;
        }
    }
}
