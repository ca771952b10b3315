using FineTune.Vision.Core;
using System.Diagnostics;
using FineTune.Vision.Adaptation;
using FineTune.Vision.Data;
using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Callbacks;
using FineTune.Vision.Weights;
using TorchSharp;

namespace QuickStart;

/// <summary>
/// Fine-tunes the small pretrained ViT (Fashion-MNIST classes 0-4) on a label set it never saw (classes 5-9), and for
/// comparison trains only its head, and the same model from random initialisation, with the same budget.
/// </summary>
public static class QuickStartRun
{
    private const long Seed = 0;

    /// <summary>Runs the sample, writing progress and results to <paramref name="log"/> and files under the output folder.</summary>
    public static QuickStartResult Run(QuickStartOptions options, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        var clock = Stopwatch.StartNew();
        string repo = FashionMnist.RepositoryRoot();
        var checkpoint = PretrainedCheckpoint.Read(options.Checkpoint ?? PretrainedCheckpoint.DefaultPath(repo));
        Directory.CreateDirectory(options.OutputDirectory);

        // Fashion-MNIST classes 5-9 (Sandal, Shirt, Sneaker, Bag, Ankle boot), relabelled 0-4: classes the checkpoint never saw.
        string data = options.DataDirectory ?? FashionMnist.DataDirectory(repo);
        IImageDataset trainSet = FashionMnist.Open(data, train: true, FashionMnist.FineTuneClasses);
        IImageDataset valSet = FashionMnist.Open(data, train: false, FashionMnist.FineTuneClasses);
        if (options.Smoke) (trainSet, valSet) = (trainSet.Subset(Enumerable.Range(0, 128)), valSet.Subset(Enumerable.Range(0, 64)));
        var train = trainSet.With(FashionMnist.TrainEncoder());
        var val = valSet.With(FashionMnist.EvalEncoder());
        log.WriteLine($"checkpoint {checkpoint.Path}: {checkpoint.Architecture}, pretrained on [{string.Join(", ", checkpoint.ClassNames)}], test top-1 {checkpoint.TestTop1:P1}");
        log.WriteLine($"fine-tuning on [{string.Join(", ", trainSet.ClassNames)}]: {trainSet.Count} training and {valSet.Count} validation images");

        int threads = torch.get_num_threads();
        torch.set_num_threads(1);   // a tiny model: one libtorch thread is fastest on a small machine
        try
        {
            var (before, fineTuned) = FineTune(checkpoint, train, val, options, log);
            EvaluationResult? headOnly = null, randomInit = null;
            if (options.Baselines)
            {
                headOnly = TrainHeadOnly(checkpoint, train, val, options, log);
                randomInit = TrainFromScratch(checkpoint, train, val, options, log);
            }
            var result = new QuickStartResult(before, fineTuned, headOnly, randomInit, clock.Elapsed);
            Summarise(result, trainSet.ClassNames, options, log);
            return result;
        }
        finally
        {
            torch.set_num_threads(threads);
        }
    }

    /// <summary>The main path: load the pretrained weights, give the model a new classifier, fine-tune everything.</summary>
    private static (EvaluationResult Before, EvaluationResult After) FineTune(
        PretrainedCheckpoint checkpoint, SampleSource train, SampleSource val, QuickStartOptions options, TextWriter log)
    {
        torch.manual_seed(Seed);
        using var model = VisionModels.Create<ModelConfig>(checkpoint.Architecture, _ => checkpoint.Config)
                                       .LoadPretrained(checkpoint.Path, onReport: report => log.WriteLine(report));
        model.ResetClassifier(train.Dataset.ClassNames.Count);   // same count, other classes: the old head means nothing here
        log.WriteLine($"classifier re-initialised for [{string.Join(", ", train.Dataset.ClassNames)}]");

        using var trainer = new Trainer(model, Recipe("finetune", options, log));
        EvaluationResult before = Evaluate(trainer, val);
        log.WriteLine($"before fine-tuning (pretrained backbone, untrained head): {before}");
        log.WriteLine("== full fine-tune from the pretrained checkpoint");
        trainer.Fit(train, val);
        return (before, trainer.Context.Validation!);
    }

    /// <summary>Comparison: only the classifier trains, on the frozen pretrained features (a linear probe).</summary>
    private static EvaluationResult TrainHeadOnly(
        PretrainedCheckpoint checkpoint, SampleSource train, SampleSource val, QuickStartOptions options, TextWriter log)
    {
        torch.manual_seed(Seed);
        using var model = VisionModels.Create<ModelConfig>(checkpoint.Architecture, _ => checkpoint.Config).LoadPretrained(checkpoint.Path);
        model.ResetClassifier(train.Dataset.ClassNames.Count);
        var freezer = new Freezer(model);
        freezer.HeadOnly();
        log.WriteLine($"== head only (frozen pretrained features): {freezer.Report().Trainable} of {freezer.Report().Total} parameters train");
        using var trainer = new Trainer(model, Recipe("head-only", options, log));
        trainer.Fit(train, val);
        return trainer.Context.Validation!;
    }

    /// <summary>Comparison: the same architecture, recipe and budget from random initialisation.</summary>
    private static EvaluationResult TrainFromScratch(
        PretrainedCheckpoint checkpoint, SampleSource train, SampleSource val, QuickStartOptions options, TextWriter log)
    {
        torch.manual_seed(Seed);
        using var model = VisionModels.Create<ModelConfig>(checkpoint.Architecture, _ => checkpoint.Config);
        log.WriteLine("== random initialisation, same recipe and budget");
        using var trainer = new Trainer(model, Recipe("random-init", options, log));
        trainer.Fit(train, val);
        return trainer.Context.Validation!;
    }

    /// <summary>The fine-tuning recipe, with progress, TensorBoard, CSV and curve outputs named after <paramref name="run"/>.</summary>
    private static TrainerOptions Recipe(string run, QuickStartOptions options, TextWriter log)
    {
        string output = options.OutputDirectory;
        return new TrainerOptions
        {
            Device = options.Device is null ? null : TorchBackend.ParseDevice(options.Device),
            Epochs = options.Smoke ? 1 : options.Epochs,
            MaxSteps = options.Smoke ? 2 : null,
            BatchSize = 64,
            Workers = 1,
            Seed = Seed,
            Optimizer = Optimizers.AdamW(1e-3, weightDecay: 0.05),
            Schedule = LrSchedules.Cosine(warmupFraction: 0.1),
            LabelSmoothing = 0.1,
            Callbacks =
            {
                new ProgressDisplay(log, interactive: log == Console.Out && !Console.IsOutputRedirected, lineEveryNBatches: 100),
                new TensorBoardLogger(Path.Combine(output, "tensorboard", run), everyNSteps: 10),
                new CsvLogger(Path.Combine(output, $"{run}.csv")),
                new TrainingCurves(Path.Combine(output, $"{run}-curves.png")),
            },
        };
    }

    private static EvaluationResult Evaluate(Trainer trainer, SampleSource val)
    {
        using var loader = new DataLoader(val, new DataLoaderOptions { BatchSize = 256, Workers = 1 });
        return trainer.Evaluate(loader);
    }

    private static void Summarise(QuickStartResult r, IReadOnlyList<string> classes, QuickStartOptions options, TextWriter log)
    {
        log.WriteLine();
        log.WriteLine($"validation on {r.FineTuned.Samples} held-out images of [{string.Join(", ", classes)}], {(options.Smoke ? "smoke budget" : $"{options.Epochs} epochs per run")}:");
        Row(log, "pretrained, new head, before training", r.BeforeFineTuning, $"(chance: {1.0 / classes.Count:P0})");
        if (r.HeadOnly is { } h) Row(log, "pretrained, head only (frozen features)", h, "");
        Row(log, "pretrained, full fine-tune", r.FineTuned, $"top-5 {r.FineTuned.Top5:P1} (of {classes.Count} classes)");
        if (r.RandomInit is { } s) Row(log, "random init, same recipe and budget", s, "");
        log.WriteLine($"  fine-tuned per class: {string.Join(", ", classes.Select((c, i) => $"{c} {r.FineTuned.PerClassAccuracy[i]:P0}"))}");
        log.WriteLine("  top-1 with its 95 % Clopper-Pearson interval; exact McNemar tests on the same images:");
        if (r.RandomInit is { } random) log.WriteLine($"  fine-tune vs random init: {r.FineTuned.CompareWith(random)}");
        if (r.HeadOnly is { } head) log.WriteLine($"  fine-tune vs head only:   {r.FineTuned.CompareWith(head)}");
        log.WriteLine($"outputs in {Path.GetFullPath(options.OutputDirectory)}: tensorboard/ (tensorboard --logdir), *.csv, *-curves.png; {r.Elapsed.TotalSeconds:F0} s in all");
    }

    private static void Row(TextWriter log, string label, EvaluationResult result, string note) =>
        log.WriteLine($"  {label,-40} top-1 {result.Top1Estimate,-22} {note}".TrimEnd());
}
