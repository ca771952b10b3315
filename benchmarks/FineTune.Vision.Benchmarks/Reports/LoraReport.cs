using System.Globalization;

namespace FineTune.Vision.Benchmarks.Reports;

/// <summary>
/// <c>lora-vs-full</c>: <see cref="LoraBenchmarks"/>' measurement as one ratio report — native peak RSS over model,
/// optimizer and 5 steps, and the median step time, of LoRA divided by full fine-tuning on the same model in one run.
/// </summary>
public static class LoraReport
{
    /// <summary>Runs full then LoRA; prints and returns the table.</summary>
    public static ReportSection Run(int repeats)
    {
        var results = new Dictionary<string, (double PeakMb, double StateMb, double TrainablePct, double StepMs)>();
        foreach (string mode in new[] { "full", "lora" })
        {
            var bench = new LoraBenchmarks { Mode = mode };
            bench.Setup();
            TimingResult time;
            try { time = Timing.Measure(bench.Step, 1, repeats); }
            finally { bench.Cleanup(); }
            var m = LoraBenchmarks.Memory[mode];
            results[mode] = (m.PeakMb, m.StateMb, m.TrainablePct, time.Median * 1000);
        }
        var (full, lora) = (results["full"], results["lora"]);
        var body = new List<string>
        {
            "ViT (dim 384, 6 heads, depth 4, 64 px, patch 16), batch 32, AdamW; LoRA r 8, alpha 16 on q and v, head trained. " +
            string.Create(CultureInfo.InvariantCulture, $"Peak RSS over model + optimizer + 5 steps (/proc/self/status VmHWM); median of {repeats} steps."),
            "",
            "| | trainable | peak RSS | optimizer state | step |",
            "| --- | --- | --- | --- | --- |",
            Line("full", full),
            Line("LoRA", lora),
            string.Create(CultureInfo.InvariantCulture,
                $"| **LoRA ÷ full** | | **{lora.PeakMb / full.PeakMb:F2}x** | {lora.StateMb / Math.Max(full.StateMb, 1e-9):F2}x | **{lora.StepMs / full.StepMs:F2}x** |"),
        };
        body.Skip(4).ToList().ForEach(Console.WriteLine);
        return new ReportSection("LoRA against full fine-tuning", Commands.Of($"lora-vs-full --repeats {repeats}"), body);
    }

    private static string Line(string name, (double PeakMb, double StateMb, double TrainablePct, double StepMs) r) =>
        string.Create(CultureInfo.InvariantCulture, $"| {name} | {r.TrainablePct:F2}% | {r.PeakMb:F1} MB | {r.StateMb:F1} MB | {r.StepMs:F1} ms |");
}
