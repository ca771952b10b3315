using FineTune.Vision.Data;
using FineTune.Vision.Imaging;
using FineTune.Vision.Optim;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Callbacks;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Recipes;

/// <summary>
/// Seed recipe 4: ViT-L, CaiT-S36, DeiT-B distilled and Swin-L fine-tuned on Tiny ImageNet with the DeiT-style recipe
/// (<see cref="ZooSettings"/>), AdamW or SGD (Nesterov on/off), ablation switches, top-1 and top-5 in a table.
/// Published: Swin-L 91.35, DeiT-B-distilled 87.29, CaiT-S36 86.74, ViT-L 86.43 top-1.
/// </summary>
public sealed class TinyImageNetZooRecipe : IRecipe
{
    /// <summary>The four models of the seed, in its order.</summary>
    public static IReadOnlyList<string> Models { get; } =
        ["vit_large_patch16_384", "cait_s36_384", "deit_base_distilled_patch16_384", "swin_large_patch4_window12_384"];

    /// <inheritdoc />
    public string Name => "tiny-imagenet-zoo";

    /// <inheritdoc />
    public string Summary => "ViT-L, CaiT-S36, DeiT-B distilled, Swin-L with a DeiT-style recipe (seed: Swin-L 91.35, DeiT-B-d 87.29, CaiT-S36 86.74, ViT-L 86.43 top-1)";

    /// <inheritdoc />
    public IReadOnlyList<string> Options =>
    [
        $"--model NAME           one of {string.Join(", ", Models)} (smoke: also 'all', the default)",
        "--optimizer O          adamw (default; lr 5e-4·batch/512, wd 0.05), sgd or sgd-nesterov (lr 0.01·batch/512, momentum 0.9, wd 1e-4)",
        "--lr X                 override the base rate",
        "--batch-size N         default 64 (smoke 8)",
        "--no-randaugment --autoaugment --no-erasing --no-mixup --no-cutmix --no-smoothing --no-drop-path --ema   ablations",
        "--precision P          fp32 (default), bf16 or fp16",
    ];

    /// <inheritdoc />
    public RecipeResult Run(RecipeArguments args, TextWriter log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(log);
        string? model = args.Optional("model");
        bool smoke = args.Flag("smoke");
        if (model is null && !smoke) throw new RecipeUsageException($"{Name}: --model is required: one of {string.Join(", ", Models)}.");
        model ??= "all";
        if (!(model == "all" && smoke) && !Models.Contains(model, StringComparer.Ordinal))
            throw new RecipeUsageException($"{Name}: --model must be one of {string.Join(", ", Models)}{(smoke ? " or all" : "")} (was '{model}').");
        string[] models = model == "all" ? [.. Models] : [model];
        var common = CommonOptions.Read(args, defaultEpochs: 10, RecipeModels.WeightsHint(models[0]));
        var settings = ZooSettings.Read(args);
        int batchSize = args.Int("batch-size", smoke ? 8 : 64);
        double lr = args.Optional("lr") is null ? (settings.Optimizer == "adamw" ? 5e-4 : 1e-2) * batchSize / 512 : args.Double("lr", 1e-3);
        var precision = RecipePrecision.Parse(args, fallback: "fp32");
        args.RejectUnknown();

        var data = RecipeData.Open(common, log);
        string table = Path.Combine(common.OutDir, "results.csv");
        var results = ResultsTable.Load(table);
        List<(string Model, EvaluationResult Validation)> thisRun = [];
        foreach (string architecture in models)
        {
            var (row, validation) = Train(architecture, data, settings, lr, batchSize, precision, common, log, cancellationToken);
            results.Upsert(row);
            if (validation is not null) thisRun.Add((architecture, validation));
        }
        var (csv, markdown) = results.Save(common.OutDir);
        log.WriteLine();
        log.Write(results.ToMarkdown());
        var last = results.Rows[^1];
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal) { ["val_top1"] = last.Top1, ["val_top5"] = last.Top5 };
        // Every pair of this run's models on the same validation images: the exact McNemar test.
        string[] comparisons = [.. thisRun.SelectMany((a, i) => thisRun.Skip(i + 1).Select(b => $"{a.Model} vs {b.Model}: {a.Validation.CompareWith(b.Validation)} (exact McNemar)"))];
        return RecipeReport.Write(Name, common, log, metrics, [csv, markdown], lines: comparisons);
    }

    private static (ResultsRow Row, EvaluationResult? Validation) Train(string architecture, TinyImageNet data, ZooSettings settings, double lr, int batchSize,
        TrainingPrecision precision, CommonOptions common, TextWriter log, CancellationToken cancellationToken)
    {
        int classes = data.Wnids.Count;
        string outDir = Path.Combine(common.OutDir, architecture);
        log.WriteLine($"== {architecture}: {settings.Describe()}, lr {lr:G3}");
        using var model = RecipeModels.Create(architecture, classes, settings.DropPath ? 0.1 : 0.0, common, log);
        int size = model.Config.ImgSize;
        var normalization = model.PretrainedConfig.Normalization;
        var options = new TrainerOptions
        {
            Device = common.Device,
            Epochs = common.Epochs,
            BatchSize = batchSize,
            Workers = common.Workers,
            Seed = common.Seed,
            GradCheckpointing = common.GradCheckpointing,
            Optimizer = settings.Optimizer == "adamw"
                ? Optimizers.AdamW(lr, weightDecay: 0.05)
                : Optimizers.Sgd(lr, momentum: 0.9, weightDecay: 1e-4, nesterov: settings.Optimizer == "sgd-nesterov"),
            Schedule = LrSchedules.Cosine(minLr: lr / 100, warmupFraction: 1.0 / common.Epochs),
            Mixing = Mixing(settings, classes),
            LabelSmoothing = settings.Smoothing && !(settings.Mixup || settings.CutMix) ? 0.1 : 0.0,
            Ema = settings.Ema ? new EmaOptions { Decay = common.Smoke ? 0.9 : 0.99996 } : null,
            Precision = precision,
            Callbacks =
            {
                new ModelCheckpoint(Path.Combine(outDir, "checkpoints"), monitor: Metric.ValTop1, saveLast: false),
                new CsvLogger(Path.Combine(outDir, "log.csv")),
                new ProgressDisplay(log),
            },
        };
        using var trainer = new Trainer(model, options);
        var context = trainer.Fit(data.Train.With(TrainEncoder(settings, size, normalization)), data.Validation.With(RecipeData.EvalEncoder(size, normalization)), cancellationToken);
        var m = context.History[^1];
        return (new ResultsRow(architecture, settings.Describe(), context.History.Count, m.ValTop1 ?? double.NaN, m.ValTop5 ?? double.NaN,
            m.Get(Metric.EmaValTop1), m.Get(Metric.EmaValTop5), m.Validation?.Samples ?? 0), m.Validation);
    }

    /// <summary>
    /// timm/DeiT training transform: RandomResizedCrop bicubic + flip, the policy, normalise, random erasing (per-pixel,
    /// p 0.25), built by <c>ftv train</c>'s <see cref="TrainSetup.TrainEncoder"/> from the same timm settings
    /// (<c>--aa rand-m9-mstd0.5-inc1 --reprob 0.25 --remode pixel --color-jitter 0</c>).
    /// </summary>
    private static ISampleEncoder TrainEncoder(ZooSettings settings, int size, Normalization normalization) =>
        TrainSetup.TrainEncoder(new TrainSettings
        {
            Aa = settings.AutoAugment ? "autoaugment" : settings.RandAugment ? "rand-m9-mstd0.5-inc1" : null,
            ColorJitter = 0, Reprob = settings.Erasing ? 0.25 : 0, Remode = "pixel",
        }, size, normalization, Interpolation.Bicubic);

    /// <summary>DeiT's Mixup 0.8 / CutMix 1.0 (switch 0.5, smoothing 0.1), through <see cref="TrainSetup.Mixing"/> (<c>ftv train --mixup --cutmix</c>).</summary>
    private static MixupCutMix? Mixing(ZooSettings settings, int classes) => TrainSetup.Mixing(new TrainSettings
    {
        Mixup = settings.Mixup ? 0.8 : 0.0, Cutmix = settings.CutMix ? 1.0 : 0.0, MixupProb = 1.0, MixupSwitchProb = 0.5,
        Smoothing = settings.Smoothing ? 0.1 : 0.0,
    }, classes);
}
