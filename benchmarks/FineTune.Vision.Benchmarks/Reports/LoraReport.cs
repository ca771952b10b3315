using System.Diagnostics;
using System.Globalization;

namespace FineTune.Vision.Benchmarks.Reports;

/// <summary>
/// <c>lora-vs-full</c>: <see cref="LoraBenchmarks"/>' measurement as one ratio report — native peak RSS over model,
/// optimizer and 5 steps, and the median step time, of LoRA divided by full fine-tuning on the same model in one run.
/// </summary>
/// <remarks>
/// Each mode runs in a fresh child process (<c>lora-vs-full-child MODE REPEATS ARCH BATCH</c>): in one long process the pages that
/// earlier work left resident are reused without raising the high-water mark, which made the full run's peak look
/// smaller (a 0.64x ratio after the other reports of <c>all</c> against 0.42x in a fresh process).
/// </remarks>
public static class LoraReport
{
    private const string ChildVerb = "lora-vs-full-child";

    /// <summary>One mode's result: peak RSS, optimizer state, trainable share, median step, peak allocated.</summary>
    private sealed record Measurement(double PeakMb, double StateMb, double TrainablePct, double StepMs, double InUseMb);

    /// <summary>Runs full then LoRA, each in its own process, on the small ViT and on vit_base_patch16_224; prints and returns the table.</summary>
    public static ReportSection Run(int repeats)
    {
        var body = new List<string>
        {
            "AdamW; LoRA r 8, alpha 16 on the q and v slices of every qkv, head trained in full. Each mode in a fresh process, over " +
            "model + optimizer + 5 steps: peak allocated = the peak of glibc's mallinfo2 bytes in use over its value before, sampled every " +
            "200 µs (what CUDA's max_memory_allocated counts on a GPU); peak RSS = /proc/self/status VmHWM over the RSS after a warm-up " +
            "(it also counts freed pages the allocator keeps). Step: median of the timed steps.",
            "",
            "| model | mode | trainable | peak allocated | peak RSS | optimizer state | step |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        };
        var ratios = new List<Ratio>();
        foreach (var (arch, batch, label, timed) in Cases(repeats))
        {
            var (full, lora) = (RunChild("full", arch, batch, timed), RunChild("lora", arch, batch, timed));
            // Lower is better; the spread of a peak-allocated figure is taken as 2 % (runs of one mode repeat within it).
            double memory = lora.InUseMb / full.InUseMb;
            ratios.Add(new Ratio($"lora-vs-full/{(arch == "-" ? "small-vit" : arch)}/peak-allocated", memory, 0.02 * memory, HigherIsBetter: false));
            body.Add(Line(label, "full", full));
            body.Add(Line(label, "LoRA", lora));
            body.Add(RatioRow(label, "LoRA ÷ full", lora, full, withState: true));
            body.Skip(body.Count - 3).ToList().ForEach(Console.WriteLine);
            if (arch == "-") continue;
            // The same pair with activation checkpointing (IVisionModel.GradCheckpointing), which shrinks what both share.
            var (fullC, loraC) = (RunChild("full+checkpointing", arch, batch, timed), RunChild("lora+checkpointing", arch, batch, timed));
            body.Add(Line(label, "full, checkpointing", fullC));
            body.Add(Line(label, "LoRA, checkpointing", loraC));
            body.Add(RatioRow(label, "LoRA ÷ full, both checkpointing", loraC, fullC, withState: false));
            body.Add(RatioRow(label, "LoRA with checkpointing ÷ full without", loraC, full, withState: false));
            body.Skip(body.Count - 4).ToList().ForEach(Console.WriteLine);
        }
        return new ReportSection("LoRA against full fine-tuning", Commands.Of($"lora-vs-full --repeats {repeats}"), body) { Ratios = ratios };
    }

    private static IEnumerable<(string Arch, int Batch, string Label, int Timed)> Cases(int repeats)
    {
        yield return ("-", 32, "ViT dim 384, 6 heads, depth 4, 64 px, patch 16; batch 32", repeats);
        yield return ("vit_base_patch16_224", 8, "vit_base_patch16_224; batch 8", Math.Max(1, repeats / 3));
    }

    /// <summary>Whether <paramref name="args"/> ask for one mode's measurement (the child side of <see cref="Run"/>).</summary>
    public static bool IsChild(string[] args) => args is [ChildVerb, _, _, _, _];

    /// <summary>The child side: measures one mode and prints one result line for the parent.</summary>
    public static void RunAsChild(string[] args)
    {
        string mode = args[1];
        int repeats = int.Parse(args[2], CultureInfo.InvariantCulture);
        var bench = new LoraBenchmarks { Mode = mode, Arch = args[3] == "-" ? null : args[3], Batch = int.Parse(args[4], CultureInfo.InvariantCulture) };
        bench.Setup();
        TimingResult time;
        try { time = Timing.Measure(bench.Step, 1, repeats); }
        finally { bench.Cleanup(); }
        var m = LoraBenchmarks.Memory[mode];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT {m.PeakMb} {m.StateMb} {m.TrainablePct} {time.Median * 1000} {m.PeakInUseMb}"));
    }

    private static Measurement RunChild(string mode, string arch, int batch, int repeats)
    {
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("The process path is unknown.");
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(LoraReport).Assembly.Location);
        foreach (string arg in new[] { ChildVerb, mode, repeats.ToString(CultureInfo.InvariantCulture), arch, batch.ToString(CultureInfo.InvariantCulture) }) start.ArgumentList.Add(arg);
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {self}.");
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        string? line = output.Split('\n').LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        if (child.ExitCode != 0 || line is null)
            throw new InvalidOperationException($"The {mode} measurement failed (exit {child.ExitCode}):\n{output}");
        double[] v = line.Split(' ').Skip(1).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        return new Measurement(v[0], v[1], v[2], v[3], v[4]);
    }

    /// <summary>A table row of <paramref name="a"/> ÷ <paramref name="b"/>: peak allocated, peak RSS, optionally optimizer state, step time.</summary>
    private static string RatioRow(string model, string title, Measurement a, Measurement b, bool withState)
    {
        string state = withState ? string.Create(CultureInfo.InvariantCulture, $"{a.StateMb / Math.Max(b.StateMb, 1e-9):F2}x") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"| {model} | **{title}** | | **{a.InUseMb / b.InUseMb:F2}x** | {a.PeakMb / b.PeakMb:F2}x | {state} | **{a.StepMs / b.StepMs:F2}x** |");
    }

    private static string Line(string model, string mode, Measurement r) =>
        string.Create(CultureInfo.InvariantCulture, $"| {model} | {mode} | {r.TrainablePct:F2}% | {r.InUseMb:F1} MB | {r.PeakMb:F1} MB | {r.StateMb:F1} MB | {r.StepMs:F1} ms |");
}
