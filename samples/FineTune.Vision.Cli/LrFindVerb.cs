using System.Globalization;
using FineTune.Vision.Data;
using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using FineTune.Vision.Training;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Cli;

/// <summary>
/// <c>lr-find --model NAME [--set key=value]... [--weights FILE] --data DIR [--layout L] --png OUT.png [...]</c>: the LR
/// range test (fastai <c>lr_find</c>: exponential sweep, smoothed loss, stop on divergence) on the training
/// preprocessing of the model's pretrained configuration (random resized crop, flip, colour jitter, its mean and std).
/// Writes the plot with the valley marked and prints the suggestions (valley, steep, minimum/10).
/// </summary>
public static class LrFindVerb
{
    /// <summary>One-line usage.</summary>
    public const string Usage =
        "lr-find --model NAME [--set key=value]... [--weights FILE] --data DIR [--layout L] --png OUT.png [--csv OUT.csv] [--optimizer adamw|sgd] [--weight-decay WD] [--start-lr 1e-7] [--end-lr 10] [--steps 100] [--batch N] [--workers N] [--seed N] [--device cpu|cuda[:N]]";

    /// <summary>Runs the verb.</summary>
    public static int Run(CommandLine line, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(output);
        string png = line.Required("png");
        string? csv = line.Optional("csv");
        var finder = new LrFinderOptions
        {
            StartLr = Number(line, "start-lr", 1e-7), EndLr = Number(line, "end-lr", 10), NumSteps = ModelSetup.PositiveInt(line, "steps", 100),
        };
        int batch = ModelSetup.PositiveInt(line, "batch", 32), workers = ModelSetup.PositiveInt(line, "workers", Environment.ProcessorCount);
        int seed = line.Int("seed", 0);
        OptimizerConfig optimizer = Optimizer(line);
        IImageDataset data = ModelSetup.OpenData(line);
        var device = ModelSetup.Device(line);
        using VisionModel model = ModelSetup.LoadModel(line, output, weightsRequired: false);
        line.RejectUnknown();

        PretrainedConfig config = model.PretrainedConfig;
        var train = Presets.Train(config);
        using var loader = new DataLoader(data.With(train), new DataLoaderOptions
        {
            BatchSize = batch, Shuffle = true, DropLast = data.Count >= batch, Seed = seed, Workers = workers,
        });
        using var trainer = new Trainer(model, new TrainerOptions { Optimizer = optimizer, Seed = seed, Device = device });
        LrFinderResult result = trainer.FindLearningRate(loader, finder);
        result.SavePng(png);
        if (csv is not null) WriteCsv(csv, result);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.Lrs.Count} steps{(result.StopReason is null ? "" : $" (stopped: {result.StopReason})")}; suggestions: valley {result.Valley:G3}, steep {result.Steep:G3}, minimum/10 {result.MinimumDiv10:G3}"));
        output.WriteLine($"wrote {png}" + (csv is null ? "" : $" and {csv}"));
        return 0;
    }

    private static OptimizerConfig Optimizer(CommandLine line)
    {
        string kind = line.Optional("optimizer") ?? "adamw";
        string? decay = line.Optional("weight-decay");
        double? weightDecay = decay is null ? null : Parse(line, "weight-decay", decay);
        return kind switch
        {
            "adamw" => Optimizers.AdamW(1e-3, weightDecay ?? 0.01),
            "sgd" => Optimizers.Sgd(1e-3, momentum: 0.9, weightDecay: weightDecay ?? 0),
            _ => throw new UsageException($"lr-find: --optimizer must be adamw or sgd (was '{kind}')."),
        };
    }

    private static double Number(CommandLine line, string name, double fallback) =>
        line.Optional(name) is { } text ? Parse(line, name, text) : fallback;

    private static double Parse(CommandLine line, string name, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && v >= 0 ? v
            : throw new UsageException($"{line.Verb}: --{name} must be a non-negative number (was '{text}').");

    private static void WriteCsv(string path, LrFinderResult result)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine("step,lr,smoothed_loss");
        for (int i = 0; i < result.Lrs.Count; i++)
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{i},{result.Lrs[i]:R},{result.Losses[i]:R}"));
    }
}
