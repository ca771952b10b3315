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
using FineTune.Vision.Weights;

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
        ("vit_tiny_patch16_224, batch 8", () => VisionModels.Create("vit_tiny_patch16_224", numClasses: 10), 8),
        ("ViT 32 px, patch 8, dim 64, depth 2, batch 32", () => new VisionTransformer(new VitConfig
        { ImgSize = 32, PatchSize = 8, EmbedDim = 64, Depth = 2, NumHeads = 2, NumClasses = 10 }), 32),
    ];

    /// <summary>Runs every case for <paramref name="rounds"/> rounds of <paramref name="steps"/> steps; prints and returns the table.</summary>
    public static ReportSection Run(int steps, int rounds, int workers, int threads, string? only = null)
    {
        torch.set_num_threads(threads);
        var body = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture,
                $"{steps} steps per round, {rounds} rounds (order alternating), median per step of wall time and of process CPU time (all threads); loader workers {workers}, torch threads {threads}."),
            "",
            "| model | loop (wall) | Trainer (wall) | **Trainer ÷ loop (wall)** | loop (CPU) | Trainer (CPU) | Trainer ÷ loop (CPU) |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        };
        var ratios = new List<Ratio>();
        foreach (var (label, create, batch) in Cases.Where(c => only is null || c.Label.Contains(only, StringComparison.Ordinal)))
        {
            var (row, ratio) = Case(label, create, batch, steps, rounds, workers);
            Console.WriteLine(row);
            body.Add(row);
            ratios.Add(ratio);
        }
        body.AddRange(Extras(threads));
        string arguments = string.Create(CultureInfo.InvariantCulture, $"overhead --steps {steps} --rounds {rounds} --workers {workers} --threads {threads}");
        return new ReportSection("Framework overhead: Trainer against a hand-written loop", Commands.Of(arguments), body) { Ratios = ratios };
    }

    private static (string Row, Ratio LoopOverTrainer) Case(string label, Func<VisionModel> create, int batch, int steps, int rounds, int workers)
    {
        torch.manual_seed(0);
        using VisionModel model = create();
        int size = model.Config.ImgSize;
        var images = Enumerable.Range(0, batch * steps).Select(i => RandomImage(size, i)).ToList();
        var dataset = new InMemoryDataset(images, [.. images.Select((_, i) => i % 10)], [.. Enumerable.Range(0, 10).Select(i => $"c{i}")]);
        images.ForEach(i => i.Dispose());
        SampleSource source = dataset.With(new SampleEncoder(new Compose(), size, size, Normalization.Inception));
        var loaderOptions = new DataLoaderOptions { BatchSize = batch, Shuffle = true, DropLast = true, Seed = 1, Workers = workers };
        var manual = new List<(double Wall, double Cpu)>();
        var trainer = new List<(double Wall, double Cpu)>();
        for (int round = -1; round < rounds; round++)   // round -1 warms both up
        {
            using var loader = new DataLoader(source, loaderOptions);
            (double Wall, double Cpu) a, b;
            if (round % 2 == 0) (a, b) = (Clock(() => Manual(model, loader, steps)), Clock(() => WithTrainer(model, loader, steps)));
            else (b, a) = (Clock(() => WithTrainer(model, loader, steps)), Clock(() => Manual(model, loader, steps)));
            if (round < 0) continue;
            manual.Add((a.Wall / steps, a.Cpu / steps));
            trainer.Add((b.Wall / steps, b.Cpu / steps));
        }
        double Median(List<(double Wall, double Cpu)> list, bool cpu) => TimingResult.Of([.. list.Select(x => cpu ? x.Cpu : x.Wall)]).Median;
        double mw = Median(manual, false), tw = Median(trainer, false), mc = Median(manual, true), tc = Median(trainer, true);
        string row = string.Create(CultureInfo.InvariantCulture,
            $"| {label} | {mw * 1000:F1} ms | {tw * 1000:F1} ms | **{tw / mw:F3}** | {mc * 1000:F1} ms | {tc * 1000:F1} ms | {tc / mc:F3} |");
        // Higher is better: the loop's step over the Trainer's (1 = no overhead), spread over the rounds.
        double[] perRound = [.. manual.Zip(trainer, (m, t) => m.Wall / t.Wall)];
        return (row, new Ratio($"overhead/{label.Split(',')[0]}/loop-over-trainer", mw / tw, Ratio.HalfRange(perRound)));
    }

    /// <summary>Wall and process CPU seconds of <paramref name="run"/>, which returns its own wall time of the timed part.</summary>
    private static (double Wall, double Cpu) Clock(Func<(double Wall, TimeSpan CpuStart, TimeSpan CpuEnd)> run)
    {
        var (wall, cpuStart, cpuEnd) = run();
        return (wall, (cpuEnd - cpuStart).TotalSeconds);
    }

    private static (double, TimeSpan, TimeSpan) Manual(VisionModel model, DataLoader loader, int steps)
    {
        using TrainingOptimizer optimizer = Optimizers.Create(Optimizers.AdamW(1e-4), model.named_parameters().Select(p => (p.name, p.parameter)), model.NoWeightDecay);
        optim.Optimizer opt = optimizer.Optimizer;
        model.train();
        TimeSpan cpu = Cpu();
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
        return (Stopwatch.GetElapsedTime(start).TotalSeconds, cpu, Cpu());
    }

    private static (double, TimeSpan, TimeSpan) WithTrainer(VisionModel model, DataLoader loader, int steps)
    {
        var options = new TrainerOptions { Epochs = 1, MaxSteps = steps, Optimizer = Optimizers.AdamW(1e-4), Seed = 1 };
        using var trainer = new Trainer(model, options);
        TimeSpan cpu = Cpu();
        long start = Stopwatch.GetTimestamp();
        trainer.Fit(loader);
        return (Stopwatch.GetElapsedTime(start).TotalSeconds, cpu, Cpu());
    }

    /// <summary>
    /// What Trainer.TrainBatch and OptimizerStep do beyond the hand-written loop, replicated and timed alone (CPU µs per
    /// step, median of 2,000 calls): robust where the wall-time difference of two whole loops drowns in other load.
    /// </summary>
    private static List<string> Extras(int threads)
    {
        torch.manual_seed(0);
        using var model = new VisionTransformer(new VitConfig { ImgSize = 32, PatchSize = 8, EmbedDim = 64, Depth = 2, NumHeads = 2, NumClasses = 10 });
        using TrainingOptimizer optimizer = Optimizers.Create(Optimizers.AdamW(1e-4), model.named_parameters().Select(p => (p.name, p.parameter)), model.NoWeightDecay);
        using var logits = torch.randn(32, 10);
        using var labels = torch.randint(0, 10, [32]);
        using var loss = nn.functional.cross_entropy(logits, labels);
        double Micro(Action action) => Timing.Measure(() => { for (int i = 0; i < 100; i++) action(); }, 2, 20).CpuMedian / 100 * 1e6;
        var rows = new (string Name, double Us)[]
        {
            ("reseed the torch generator (SeedMixer.Mix + manual_seed)", Micro(() => torch.random.manual_seed(FineTune.Vision.Core.SeedMixer.Mix(1, 2, 3, 4)))),
            ("loss.item()", Micro(() => loss.item<float>())),
            ("running top-1 (argmax, eq, sum, item)", Micro(() => { using var s = torch.NewDisposeScope(); logits.detach().argmax(1).eq(labels).sum().item<long>(); })),
            ("parameter list + set learning rate", Micro(() => { List<TorchSharp.Modules.Parameter> p = [.. optimizer.Parameters]; optimizer.SetLearningRate(1e-4); })),
            ("loss: LabelSmoothingCrossEntropy(ε = 0) − cross_entropy, forward + backward, logits [32, 10]", LossDifference(logits, labels, Micro)),
        };
        var lines = new List<string>
        {
            "",
            string.Create(CultureInfo.InvariantCulture, $"What the Trainer adds per step, replicated and timed alone ({threads} threads, CPU µs per call, median):"),
            "",
            "| extra work per step | CPU µs |",
            "| --- | --- |",
        };
        lines.AddRange(rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"| {r.Name} | {r.Us:F1} |")));
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"| **total** | **{rows.Sum(r => r.Us):F1}** |"));
        lines.Skip(1).ToList().ForEach(Console.WriteLine);
        return lines;
    }

    private static double LossDifference(Tensor logits, Tensor labels, Func<Action, double> micro)
    {
        using var x = logits.detach().clone().requires_grad_(true);
        double smoothing = micro(() => { using var s = torch.NewDisposeScope(); FineTune.Vision.Training.Losses.LabelSmoothingCrossEntropy.Compute(x, labels).backward(); x.grad = null; });
        double plain = micro(() => { using var s = torch.NewDisposeScope(); nn.functional.cross_entropy(x, labels).backward(); x.grad = null; });
        return smoothing - plain;
    }

    private static TimeSpan Cpu() => TimeSpan.FromSeconds(ProcessCpu.Seconds());

    private static RgbImage RandomImage(int size, int seed)
    {
        var image = new RgbImage(size, size);
        new Random(seed).NextBytes(image.Pixels);
        return image;
    }
}
