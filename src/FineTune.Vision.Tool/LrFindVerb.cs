using System.CommandLine;
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
    /// <summary>The <c>lr-find</c> command.</summary>
    public static Command Command() => Opts.Verb("lr-find", "The LR range test (fastai lr_find) with its plot and suggestions.",
    [
        .. Opts.Model(weightsRequired: false), .. Opts.Data(),
        Opts.Text("--png", "The plot to write. Required.", "OUT.png"),
        Opts.Text("--csv", "Also write step, lr and smoothed loss.", "OUT.csv"),
        Opts.Text("--optimizer", "adamw (default) or sgd.", "NAME"),
        Opts.Number("--weight-decay", "Weight decay (default: adamw 0.01, sgd 0)."),
        Opts.Number("--start-lr", "First rate (default 1e-7)."),
        Opts.Number("--end-lr", "Last rate (default 10)."),
        Opts.Int("--steps", "Steps of the sweep (default 100)."),
        Opts.Int("--batch", "Batch size (default 32)."),
        Opts.Int("--workers", "Decoding threads (default: one per core)."),
        Opts.Int("--seed", "Seed (default 0)."),
        Opts.Device(),
    ], Run);

    /// <summary>Runs the verb.</summary>
    public static int Run(VerbInput line, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(output);
        string png = line.Required("png");
        string? csv = line.Optional("csv");
        var finder = new LrFinderOptions
        {
            StartLr = NonNegative(line, "start-lr", 1e-7), EndLr = NonNegative(line, "end-lr", 10), NumSteps = ModelSetup.PositiveInt(line, "steps", 100),
        };
        int batch = ModelSetup.PositiveInt(line, "batch", 32), workers = ModelSetup.PositiveInt(line, "workers", Environment.ProcessorCount);
        int seed = line.Int("seed", 0);
        OptimizerConfig optimizer = Optimizer(line);
        IImageDataset data = ModelSetup.OpenData(line);
        var device = ModelSetup.Device(line);
        using VisionModel model = ModelSetup.LoadModel(line, output, weightsRequired: false);

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

    private static OptimizerConfig Optimizer(VerbInput line)
    {
        string kind = line.Optional("optimizer") ?? "adamw";
        double? weightDecay = line.Given("weight-decay") ? NonNegative(line, "weight-decay", 0) : null;
        return kind switch
        {
            "adamw" => Optimizers.AdamW(1e-3, weightDecay ?? 0.01),
            "sgd" => Optimizers.Sgd(1e-3, momentum: 0.9, weightDecay: weightDecay ?? 0),
            _ => throw new UsageException($"lr-find: --optimizer must be adamw or sgd (was '{kind}')."),
        };
    }

    private static double NonNegative(VerbInput line, string name, double fallback)
    {
        double value = line.Double(name, fallback);
        return value >= 0 ? value : throw new UsageException($"{line.Verb}: --{name} must be a non-negative number (was {value.ToString(CultureInfo.InvariantCulture)}).");
    }

    private static void WriteCsv(string path, LrFinderResult result)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine("step,lr,smoothed_loss");
        for (int i = 0; i < result.Lrs.Count; i++)
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{i},{result.Lrs[i]:R},{result.Losses[i]:R}"));
    }
}
