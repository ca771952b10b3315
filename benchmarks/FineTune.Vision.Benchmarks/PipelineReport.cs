using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FineTune.Vision.Data;
using FineTune.Vision.Imaging;
using FineTune.Vision.Models;
using FineTune.Vision.Transforms;
using TorchSharp;
using static TorchSharp.torch;
using FineTune.Vision.Weights;

namespace FineTune.Vision.Benchmarks;

/// <summary>
/// <c>pipeline-ratio</c>: the input-pipeline figures of docs/performance.md in one run — our per-core rate against
/// torchvision + Pillow on the same files, the DataLoader's rate with every core, and the training-step rate of
/// vit_base_patch16_384 it has to feed.
/// </summary>
public static class PipelineReport
{
    /// <summary>Runs the report, prints it, and returns it as a markdown section.</summary>
    public static Reports.ReportSection Run(int count, int stepBatch)
    {
        var lines = new List<string>();
        void Say(string line)
        {
            Console.WriteLine(line);
            lines.Add(line);
        }
        string[] files = PipelineImages.Find();
        Say($"{files.Length} JPEGs (64x64) from {PipelineImages.Folder}; {Environment.ProcessorCount} cores");

        double ours = OneThread(files, count);
        Say($"FineTune.Vision, 1 thread:           {ours,8:F1} images/s");
        double? peer = Peer(count);
        var ratios = new List<Reports.Ratio>();
        if (peer is double p)
        {
            Say($"torchvision 0.14 + Pillow, 1 thread: {p,8:F1} images/s   ratio {ours / p:F2}x per core");
            // One pass each: the spread is taken as 10 % (earlier runs of the same command spread 2.46x-2.96x, then 4.40x).
            ratios.Add(new Reports.Ratio("pipeline/ours-over-torchvision-pillow-per-core", ours / p, 0.1 * ours / p));
        }

        double loader = Loader(count);
        Say($"DataLoader, {Environment.ProcessorCount} workers, batch 32:    {loader,8:F1} images/s");
        double step = TrainingStep(stepBatch);
        Say($"vit_base_patch16_384 fwd+bwd, batch {stepBatch}: {step,8:F2} images/s   loader/step {loader / step:F0}x");
        return new Reports.ReportSection("Input pipeline (recipe 1) against torchvision + Pillow",
            Reports.Commands.Of(FormattableString.Invariant($"pipeline-ratio {count}")), ["```text", .. lines, "```"]) { Ratios = ratios };
    }

    private static double OneThread(string[] files, int count)
    {
        byte[][] jpegs = [.. files.Select(File.ReadAllBytes)];
        SampleEncoder encoder = Presets.UpscaleAugment(384, erasing: 0.25);
        var sample = new float[3 * 384 * 384];
        for (int i = 0; i < 40; i++) encoder.Encode(ImageDecoder.Decode(jpegs[i % jpegs.Length], "warm-up"), sample, new Random(i));
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count; i++) encoder.Encode(ImageDecoder.Decode(jpegs[i % jpegs.Length], files[i % files.Length]), sample, new Random(i));
        return count / clock.Elapsed.TotalSeconds;
    }

    private static double? Peer(int count)
    {
        string script = Path.Combine(PipelineImages.RepoRoot(), "benchmarks", "peers", "torchvision_pipeline.py");
        if (!File.Exists("/usr/bin/python3")) { Console.WriteLine("peer skipped: /usr/bin/python3 not found (apt install python3-torchvision)"); return null; }
        var start = new ProcessStartInfo("/usr/bin/python3", [script, "--images", PipelineImages.Folder, "--count", count.ToString(CultureInfo.InvariantCulture)])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd(), error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) { Console.WriteLine($"peer failed (exit {process.ExitCode}): {error.Trim()}"); return null; }
        using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        return json.RootElement.GetProperty("images_per_second").GetDouble();
    }

    private static double Loader(int count)
    {
        var data = TinyImageNet.Open(PipelineImages.Folder);
        SampleSource source = data.Train.Concat(data.Validation).With(Presets.UpscaleAugment(384, erasing: 0.25));
        using var loader = new DataLoader(source, new DataLoaderOptions { BatchSize = 32, Shuffle = true, Seed = 1 });
        int epochs = Math.Max(2, count / source.Dataset.Count), images = 0;
        foreach (var _ in loader.Epoch(0)) { }
        var clock = Stopwatch.StartNew();
        for (int e = 1; e <= epochs; e++)
            foreach (Batch batch in loader.Epoch(e)) images += batch.Count;
        return images / clock.Elapsed.TotalSeconds;
    }

    private static double TrainingStep(int batch)
    {
        using var scope = torch.NewDisposeScope();
        using VisionModel model = VisionModels.Create("vit_base_patch16_384", numClasses: 200);
        model.train();
        var x = torch.randn(batch, 3, 384, 384);
        var y = torch.randint(0, 200, batch);
        using var opt = optim.SGD(model.parameters(), 1e-4, momentum: 0.9);
        double best = double.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            using var step = torch.NewDisposeScope();
            var clock = Stopwatch.StartNew();
            opt.zero_grad();
            nn.functional.cross_entropy(model.call(x), y).backward();
            opt.step();
            if (i > 0) best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return batch / best;
    }
}
