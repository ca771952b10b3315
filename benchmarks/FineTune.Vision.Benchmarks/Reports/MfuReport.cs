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
    public static ReportSection Run(int batch, int warmup, int repeats, bool bf16, int threads, string? only = null, string bf16Skip = "")
    {
        string[] skip = bf16Skip.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        torch.set_num_threads(threads);
        var fp32Start = Ceiling(ScalarType.Float32);
        var bf16Start = bf16 ? Ceiling(ScalarType.BFloat16) : (double.NaN, double.NaN);
        var rows = new List<(bool Bf16, Func<(double Wall, double Cpu), string> Format)>();
        foreach (var (arch, overrides, label) in Models.Where(m => only is null || m.Arch.Contains(only, StringComparison.Ordinal)))
        {
            foreach (bool low in bf16 ? new[] { false, true } : [false])
            {
                Func<(double Wall, double Cpu), string> format = low && skip.Any(f => arch.StartsWith(f, StringComparison.Ordinal))
                    ? _ => $"| {label} | bf16 | not run (--bf16-skip) | | | | | | |"
                    : Row(arch, overrides, label, batch, warmup, repeats, low);
                rows.Add((low, format));
                Console.WriteLine(format(low ? bf16Start : fp32Start) + "   (against the first ceiling)");
            }
        }
        // The ceiling again after the models: on a shared machine one measurement can land in a busy moment.
        var fp32Rate = Max(fp32Start, Ceiling(ScalarType.Float32));
        (double Wall, double Cpu) bf16Rate = bf16 ? Max(bf16Start, Ceiling(ScalarType.BFloat16)) : (double.NaN, double.NaN);
        string rates = FormattableString.Invariant($"GEMM ceiling in this process, {threads} threads, best of N = 1024 and 2048, before and after the models (10 products each; by wall time / by CPU time): fp32 {fp32Rate.Wall:F1} / {fp32Rate.Cpu:F1} GFLOP/s")
            + (bf16 ? FormattableString.Invariant($", bf16 {bf16Rate.Wall:F1} / {bf16Rate.Cpu:F1} GFLOP/s") : "");
        Console.WriteLine(rates);
        var body = new List<string>
        {
            rates + string.Create(CultureInfo.InvariantCulture, $". Batch {batch}, AdamW, median of {repeats} steps after {warmup} warm-up."),
            "MFU = counted step FLOPs (3 × forward) per second of the median step ÷ the GEMM rate above. The CPU-time column divides",
            "FLOPs per CPU-second (all threads) by the GEMM's FLOPs per CPU-second: on a quiet machine the two agree; on a shared",
            "one the CPU-time figure is the steadier (idle waits for a core do not count), the wall-time one is the real one.",
            "",
            "| model | precision | fwd GFLOPs/image | step (median) | step (best) | images/s | model GFLOP/s | **MFU** | MFU (CPU time) |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        };
        body.AddRange(rows.Select(r => r.Format(r.Bf16 ? bf16Rate : fp32Rate)));
        body.Skip(5).ToList().ForEach(Console.WriteLine);
        string arguments = string.Create(CultureInfo.InvariantCulture, $"mfu --batch {batch} --warmup {warmup} --repeats {repeats} --threads {threads}");
        return new ReportSection("Training step: model FLOPs utilisation", Commands.Of(arguments), body);
    }

    private static (double Wall, double Cpu) Max((double Wall, double Cpu) a, (double Wall, double Cpu) b) => (Math.Max(a.Wall, b.Wall), Math.Max(a.Cpu, b.Cpu));

    /// <summary>The better of the N = 1024 and N = 2048 rates, by wall time and by CPU time.</summary>
    private static (double Wall, double Cpu) Ceiling(ScalarType dtype)
    {
        var (a, b) = (GemmRate.MeasureWallAndCpu(1024, dtype), GemmRate.MeasureWallAndCpu(2048, dtype));
        return (Math.Max(a.Wall, b.Wall), Math.Max(a.Cpu, b.Cpu));
    }

    private static Func<(double Wall, double Cpu), string> Row(string arch, Dictionary<string, string> overrides, string label, int batch, int warmup, int repeats, bool bf16)
    {
        try
        {
            return TimedRow(arch, overrides, label, batch, warmup, repeats, bf16);
        }
        catch (ExternalException e)
        {
            string message = e.Message.Split('\n')[0];
            return _ => $"| {label} | {(bf16 ? "bf16" : "fp32")} | failed: {message} | | | | | | |";
        }
    }

    private static Func<(double Wall, double Cpu), string> TimedRow(string arch, Dictionary<string, string> overrides, string label, int batch, int warmup, int repeats, bool bf16)
    {
        torch.manual_seed(0);
        VisionModel model = VisionModels.Create<ModelConfig>(arch, c => c.WithOverrides(overrides));
        long macs = ModelFlops.ForwardMacs(model.Config, arch.Contains("distilled", StringComparison.Ordinal));
        double stepFlops = ModelFlops.TrainingStepFlops(macs, batch);
        TimingResult time;
        using (var step = new TrainingStep(model, batch, bf16)) time = Timing.Measure(step.Run, warmup, repeats);
        double rate = stepFlops / time.Median / 1e9, cpuRate = stepFlops / time.CpuMedian / 1e9;
        return gemmRate => string.Create(CultureInfo.InvariantCulture,
            $"| {label} | {(bf16 ? "bf16 (fp32 masters)" : "fp32")} | {2.0 * macs / 1e9:F2} | {time.Median * 1000:F0} ms | {time.Best * 1000:F0} ms | " +
            $"{batch / time.Median:F1} | {rate:F1} | **{rate / gemmRate.Wall:P1}** | {cpuRate / gemmRate.Cpu:P1} |");
    }
}
