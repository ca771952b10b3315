using FineTune.Vision.Adaptation;
using FineTune.Vision.Data;
using FineTune.Vision.Imaging;
using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using FineTune.Vision.Optim.Schedules;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Callbacks;
using FineTune.Vision.Transforms;
using FineTune.Vision.Weights;

namespace FineTune.Vision.Recipes;

/// <summary>
/// Seed recipe 3, CNN-style transfer tricks on any backbone: a concat-pool head (adaptive avg + max pooling, BatchNorm,
/// Dropout, Linear) in place of the classifier; an LR range test with its plot, whose valley suggestion becomes the rate;
/// the head trained alone first; then the last N blocks unfrozen with discriminative rates (geometric from rate/100 for
/// the lowest trainable group to the rate for the head); SGDR (cosine with warm restarts, cycle length ×2 per restart)
/// or cyclical LR (triangular2) as the schedule; AdamW weight decay; rotation, colour jitter and random-resized-crop.
/// </summary>
public sealed class TransferTricksRecipe : IRecipe
{
    /// <summary>The default backbone (timm name); <c>--model</c> picks any other in the registry.</summary>
    public const string DefaultArchitecture = "vit_base_patch16_384";

    /// <inheritdoc />
    public string Name => "transfer-tricks";

    /// <inheritdoc />
    public string Summary => "concat-pool head, LR range test, SGDR or cyclical LR, last-N-block unfreezing with discriminative rates";

    /// <inheritdoc />
    public IReadOnlyList<string> Options =>
    [
        $"--model NAME           backbone, default {DefaultArchitecture} (any registry name; bring its weights)",
        "--schedule S           sgdr (default; cycle multiplier 2) or cyclic (triangular2)",
        "--unfreeze-blocks N    blocks unfrozen after the head-only stage, default 2",
        "--head-epochs N        epochs of the head-only stage, default 1",
        "--lr X                 skip the LR range test's suggestion and use X",
        "--wd X                 AdamW weight decay, default 0.01",
        "--batch-size N         default 64 (smoke 8)",
    ];

    /// <inheritdoc />
    public RecipeResult Run(RecipeArguments args, TextWriter log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(log);
        string architecture = ReadArchitecture(args);
        var common = CommonOptions.Read(args, defaultEpochs: 5, RecipeModels.WeightsHint(architecture));
        string schedule = args.Choice("schedule", "sgdr", "sgdr", "cyclic");
        int unfreeze = args.Int("unfreeze-blocks", 2, min: 0), headEpochs = args.Int("head-epochs", 1);
        double? fixedLr = args.Optional("lr") is null ? null : args.Double("lr", 1e-3);
        double wd = args.Optional("wd") is null ? 0.01 : args.Double("wd", 0.01);
        int batchSize = args.Int("batch-size", common.Smoke ? 8 : 64);
        args.RejectUnknown();

        var data = RecipeData.Open(common, log);
        int classes = data.Wnids.Count;
        using var model = new HeadedModel(RecipeModels.Create(architecture, classes, dropPath: 0.1, common, log), new HeadOptions { Kind = HeadKind.ConcatPool }, classes);
        var freezer = new Freezer(model);
        freezer.HeadOnly();
        int size = model.Config.ImgSize;
        var normalization = model.PretrainedConfig.Normalization;
        var trainEncoder = new ComposeBuilder()
            .RandomResizedCrop(new RandomResizedCropOptions { Size = size, Scale = (0.35, 1.0), Interpolation = Interpolation.Bicubic })
            .RandomHorizontalFlip()
            .RandomRotation(10, Interpolation.Bilinear)
            .ColorJitter(brightness: 0.2, contrast: 0.2, saturation: 0.2)
            .BuildEncoder(size, size, normalization);
        using var train = new DataLoader(data.Train.With(trainEncoder), new DataLoaderOptions
        {
            BatchSize = batchSize, Shuffle = true, DropLast = data.Train.Count >= batchSize, Seed = common.Seed, Workers = common.Workers ?? Environment.ProcessorCount,
        });
        using var validation = RecipeData.EvalLoader(data.Validation.With(RecipeData.EvalEncoder(size, normalization)), batchSize, common);

        double lr = fixedLr ?? FindRate(model, train, wd, common, log);
        Func<long, ILrSchedule> makeSchedule = total => Schedule(schedule, lr, total, train.BatchesPerEpoch);
        log.WriteLine($"stage 1: head only, {headEpochs} epoch(s), {schedule}, lr {lr:G3}; {freezer.Report()}");
        using (var trainer = new Trainer(model, new TrainerOptions
        {
            Device = common.Device,
            Epochs = headEpochs, Seed = common.Seed, Optimizer = Optimizers.AdamW(lr, wd), Schedule = (_, total) => makeSchedule(total),
            Callbacks = { new CsvLogger(Path.Combine(common.OutDir, "head-log.csv")), new ProgressDisplay(log) },
        }))
        {
            trainer.Fit(train, validation, cancellationToken);
        }

        freezer.UnfreezeLastBlocks(unfreeze);
        var groups = LayerParameterGroups.Discriminative(model, lo: lr / 100, hi: lr, new ParameterGroupOptions { WeightDecay = wd });
        log.WriteLine($"stage 2: last {unfreeze} block(s) unfrozen, {common.Epochs} epoch(s), discriminative rates "
                      + string.Join(", ", groups.Select(g => $"{g.Name.Replace("/no_decay", "", StringComparison.Ordinal)} {lr * g.LrScale:G3}").Distinct())
                      + $"; {freezer.Report()}");
        string schedulePng = Path.Combine(common.OutDir, "schedule.png");
        ScheduleCurve.Evaluate(makeSchedule((long)common.Epochs * train.BatchesPerEpoch), (long)common.Epochs * train.BatchesPerEpoch, $"stage 2: {schedule}, lr {lr:G3}").SavePng(schedulePng);
        IReadOnlyList<EpochResult> history;
        using (var trainer = new Trainer(model, new TrainerOptions
        {
            Device = common.Device,
            Epochs = common.Epochs, Seed = common.Seed, Optimizer = Optimizers.AdamW(lr, wd), Schedule = (_, total) => makeSchedule(total),
            ParameterGroups = _ => groups, GradCheckpointing = common.GradCheckpointing,
            Callbacks = { new CsvLogger(Path.Combine(common.OutDir, "log.csv")), new ProgressDisplay(log) },
        }))
        {
            history = trainer.Fit(train, validation, cancellationToken).History;
        }

        string weights = Path.Combine(common.OutDir, "model.safetensors");
        SafeTensors.Save(weights, model.state_dict());
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["lr"] = lr, ["best_val_top1"] = history.Max(h => h.ValTop1 ?? double.NaN), ["val_top1"] = history[^1].ValTop1 ?? double.NaN, ["val_top5"] = history[^1].ValTop5 ?? double.NaN,
        };
        return RecipeReport.Write(Name, common, log, metrics, new[] { Path.Combine(common.OutDir, "lr-find.png"), schedulePng, weights }.Where(File.Exists));
    }

    private static string ReadArchitecture(RecipeArguments args)
    {
        string name = args.Optional("model") ?? DefaultArchitecture;
        try
        {
            ModelRegistry.Get(name);
            return name;
        }
        catch (Exception e) when (e is KeyNotFoundException or ArgumentException)
        {
            throw new RecipeUsageException($"{args.Recipe}: --model: {e.Message}");
        }
    }

    private static double FindRate(IVisionModel model, DataLoader train, double wd, CommonOptions common, TextWriter log)
    {
        using var finder = new Trainer(model, new TrainerOptions { Optimizer = Optimizers.AdamW(1e-3, wd), Seed = common.Seed, Device = common.Device });
        var found = finder.FindLearningRate(train, new LrFinderOptions { NumSteps = common.Smoke ? 12 : 100 });
        string png = Path.Combine(common.OutDir, "lr-find.png");
        Directory.CreateDirectory(common.OutDir);
        found.SavePng(png);
        log.WriteLine($"LR range test ({found.Lrs.Count} steps{(found.StopReason is null ? "" : "; stopped: " + found.StopReason)}): "
                      + $"valley {found.Valley:G3} (picked), steep {found.Steep:G3}, minimum/10 {found.MinimumDiv10:G3}; plot {png}");
        return found.Valley;
    }

    /// <summary>SGDR with the cycle doubling each restart (first cycle one epoch), or triangular2 cyclical LR (rate/10 to rate, half an epoch up).</summary>
    private static ILrSchedule Schedule(string kind, double lr, long totalSteps, int batchesPerEpoch) => kind switch
    {
        "cyclic" => new CyclicLR(new CyclicLROptions
        {
            BaseLr = lr / 10, MaxLr = lr, StepSizeUp = Math.Max(1, batchesPerEpoch / 2), Mode = CyclicMode.Triangular2,
        }),
        _ => new CosineWithRestarts(new CosineWithRestartsOptions
        {
            BaseLr = lr, TInitial = Math.Max(1, Math.Min(batchesPerEpoch, totalSteps)), CycleMul = 2, CycleLimit = 1000,
        }),
    };
}
