using System.Diagnostics;
using System.Globalization;
using FineTune.Vision.Data;
using FineTune.Vision.Imaging;
using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using FineTune.Vision.Training;
using FineTune.Vision.Transforms;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Benchmarks.Reports;

/// <summary>
/// <c>overhead</c>: <see cref="Trainer.Fit(DataLoader, DataLoader?, CancellationToken)"/> with <c>MaxSteps</c> against a
/// minimal hand-written TorchSharp loop (zero_grad, forward, cross_entropy, backward, step) on the same model, the same
/// loader (an in-memory dataset of random images with a resize-free encoder, the same workers and seed) and the same
/// AdamW optimizer. Rounds alternate which loop runs first; each round builds a fresh optimizer (and trainer).
/// </summary>
public static class OverheadReport
{
    /// <summary>The cases: a realistic step, and a small one where a fixed per-step cost would show.</summary>
    public static readonly IReadOnlyList<(string Label, Func<VisionModel> Model, int Batch)> Cases =
    [
        ("vit_tiny_patch16_224, batch 8", () => ModelRegistry.Create("vit_tiny_patch16_224", new Dictionary<string, string> { ["num_classes"] = "10" }), 8),
        ("ViT 32 px, patch 8, dim 64, depth 2, batch 32", () => new VisionTransformer(new VitConfig
        { ImgSize = 32, PatchSize = 8, EmbedDim = 64, Depth = 2, NumHeads = 2, NumClasses = 10 }), 32),
    ];

    /// <summary>Runs every case for <paramref name="rounds"/> rounds of <paramref name="steps"/> steps; prints and returns the table.</summary>
    public static ReportSection Run(int steps, int rounds, int workers)
    {
        torch.set_num_threads(Environment.ProcessorCount);
        var body = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture,
                $"{steps} steps per round, {rounds} rounds (order alternating), median seconds per step; loader workers {workers}, torch threads {Environment.ProcessorCount}."),
            "",
            "| model | hand-written loop | Trainer.Fit | Trainer ÷ loop |",
            "| --- | --- | --- | --- |",
        };
        foreach (var (label, create, batch) in Cases)
        {
            string row = Case(label, create, batch, steps, rounds, workers);
            Console.WriteLine(row);
            body.Add(row);
        }
        string arguments = string.Create(CultureInfo.InvariantCulture, $"overhead --steps {steps} --rounds {rounds} --workers {workers}");
        return new ReportSection("Framework overhead: Trainer against a hand-written loop", Commands.Of(arguments), body);
    }

    private static string Case(string label, Func<VisionModel> create, int batch, int steps, int rounds, int workers)
    {
        torch.manual_seed(0);
        using VisionModel model = create();
        int size = model.Config.ImgSize;
        var images = Enumerable.Range(0, batch * steps).Select(i => RandomImage(size, i)).ToList();
        var dataset = new InMemoryDataset(images, [.. images.Select((_, i) => i % 10)], [.. Enumerable.Range(0, 10).Select(i => $"c{i}")]);
        images.ForEach(i => i.Dispose());
        SampleSource source = dataset.With(new SampleEncoder(new Compose(), size, size, Normalization.Inception));
        var loaderOptions = new DataLoaderOptions { BatchSize = batch, Shuffle = true, DropLast = true, Seed = 1, Workers = workers };
        var manual = new List<double>();
        var trainer = new List<double>();
        for (int round = -1; round < rounds; round++)   // round -1 warms both up
        {
            using var loader = new DataLoader(source, loaderOptions);
            double a, b;
            if (round % 2 == 0) (a, b) = (Manual(model, loader, steps), WithTrainer(model, loader, steps));
            else (b, a) = (WithTrainer(model, loader, steps), Manual(model, loader, steps));
            if (round < 0) continue;
            manual.Add(a / steps);
            trainer.Add(b / steps);
        }
        double m = TimingResult.Of(manual).Median, t = TimingResult.Of(trainer).Median;
        return string.Create(CultureInfo.InvariantCulture, $"| {label} | {m * 1000:F1} ms | {t * 1000:F1} ms | **{t / m:F3}** |");
    }

    private static double Manual(VisionModel model, DataLoader loader, int steps)
    {
        using TrainingOptimizer optimizer = Optimizers.Create(Optimizers.AdamW(1e-4), model.named_parameters().Select(p => (p.name, p.parameter)), model.NoWeightDecay);
        optim.Optimizer opt = optimizer.Optimizer;
        model.train();
        long start = Stopwatch.GetTimestamp();
        int done = 0;
        foreach (Batch batch in loader.Epoch(0))
        {
            using var scope = torch.NewDisposeScope();
            opt.zero_grad();
            nn.functional.cross_entropy(model.call(batch.Images), batch.Labels).backward();
            opt.step();
            if (++done == steps) break;
        }
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static double WithTrainer(VisionModel model, DataLoader loader, int steps)
    {
        var options = new TrainerOptions { Epochs = 1, MaxSteps = steps, Optimizer = Optimizers.AdamW(1e-4), Seed = 1 };
        using var trainer = new Trainer(model, options);
        long start = Stopwatch.GetTimestamp();
        trainer.Fit(loader);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static RgbImage RandomImage(int size, int seed)
    {
        var image = new RgbImage(size, size);
        new Random(seed).NextBytes(image.Pixels);
        return image;
    }
}
