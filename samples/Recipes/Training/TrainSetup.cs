using System.Globalization;
using FineTune.Vision.Adaptation;
using FineTune.Vision.Core;
using FineTune.Vision.Data;
using FineTune.Vision.Imaging;
using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using FineTune.Vision.Optim.Schedules;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Losses;
using FineTune.Vision.Transforms;
using FineTune.Vision.Weights;

namespace FineTune.Vision.Recipes;

/// <summary>
/// Turns <see cref="TrainSettings"/> (timm <c>train.py</c>'s names) into the library's pieces, one function per
/// concern: optimizer, schedule, training and evaluation pipelines, Mixup/CutMix, loss, precision, model, data and the
/// whole <see cref="TrainerOptions"/>. <c>ftv train</c> runs them through <see cref="GenericTraining.Run"/>; the recipes
/// build their policies, erasing and mixing with the same functions. Invalid settings are a
/// <see cref="RecipeUsageException"/> naming the command-line option.
/// </summary>
public static class TrainSetup
{
    /// <summary>The optimizers <c>--opt</c> accepts (a <c>lookahead_</c> prefix wraps any of the others).</summary>
    public static readonly IReadOnlyList<string> OptimizerNames = ["sgd", "momentum", "nesterov", "adam", "adamw", "lamb", "lars", "lion", "sam", "sam_adamw"];

    /// <summary>The schedules <c>--sched</c> accepts.</summary>
    public static readonly IReadOnlyList<string> ScheduleNames = ["cosine", "step", "multistep", "linear", "none"];

    /// <summary>
    /// The rate: <c>--lr</c>, or timm's <c>lr_base × (batch × processes × accumulation / lr_base_size)</c> (the global batch),
    /// square-rooted for adaptive optimizers.
    /// </summary>
    public static double Lr(TrainSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Lr is double lr) return Positive("lr", lr);
        double ratio = (double)settings.BatchSize * settings.WorldSize * settings.GradAccumSteps / settings.LrBaseSize;
        string scale = settings.LrBaseScale.Length > 0 ? settings.LrBaseScale
            : settings.Opt.Contains("ada", StringComparison.Ordinal) || settings.Opt.Contains("lamb", StringComparison.Ordinal) ? "sqrt" : "linear";
        return scale switch
        {
            "sqrt" => settings.LrBase * Math.Sqrt(ratio),
            "linear" => settings.LrBase * ratio,
            _ => throw Usage($"--lr-base-scale must be linear or sqrt (was '{scale}')."),
        };
    }

    /// <summary>
    /// <c>--opt</c> with <c>--lr</c>, <c>--weight-decay</c>, <c>--momentum</c>, <c>--opt-eps</c> and <c>--opt-betas</c>
    /// (timm's <c>create_optimizer_v2</c> names); <c>sam</c> is SGD and <c>sam_adamw</c> AdamW, with <see cref="Sam"/> around them.
    /// </summary>
    public static OptimizerConfig Optimizer(TrainSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string name = settings.Opt.ToLowerInvariant();
        bool lookahead = name.StartsWith("lookahead_", StringComparison.Ordinal);
        if (lookahead) name = name["lookahead_".Length..];
        double lr = Lr(settings), wd = NonNegative("weight-decay", settings.WeightDecay), momentum = settings.Momentum;
        OptimizerConfig config = name switch
        {
            "sgd" or "nesterov" or "sam" => Optimizers.Sgd(lr, momentum, wd, nesterov: true),  // timm: sgd is Nesterov SGD
            "momentum" => Optimizers.Sgd(lr, momentum, wd, nesterov: false),
            "adam" => Optimizers.Adam(lr, wd),
            "adamw" or "sam_adamw" => Optimizers.AdamW(lr, wd),
            "lamb" => Optimizers.Lamb(lr, wd),
            "lars" => Optimizers.Lars(lr, momentum, wd),
            "lion" => Optimizers.Lion(lr, wd),
            _ => throw Usage($"--opt '{settings.Opt}' is not one of {string.Join(", ", OptimizerNames)} (or lookahead_ + one of them)."),
        };
        if (settings.OptEps is double eps) config = config with { Eps = Positive("opt-eps", eps) };
        if (settings.OptBetas is { } betas)
        {
            if (betas.Count != 2) throw Usage($"--opt-betas takes two numbers (was {betas.Count}).");
            config = config with { Beta1 = betas[0], Beta2 = betas[1] };
        }
        return lookahead ? Optimizers.Lookahead(config) : config;
    }

    /// <summary>Sharpness-aware minimization for <c>--opt sam</c> / <c>sam_adamw</c> (rho 0.05); null otherwise.</summary>
    public static SamOptions? Sam(TrainSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Opt.ToLowerInvariant().Replace("lookahead_", "", StringComparison.Ordinal) is "sam" or "sam_adamw" ? new SamOptions() : null;
    }

    /// <summary>
    /// <c>--sched</c> in timm's terms: <c>cosine</c> (timm's CosineLRScheduler: <c>--min-lr</c> floor, linear warm-up of
    /// <c>--warmup-epochs</c> from <c>--warmup-lr</c>, <c>--warmup-prefix</c>), <c>step</c> (<c>--decay-epochs</c>,
    /// <c>--decay-rate</c>), <c>multistep</c> (<c>--decay-milestones</c>), <c>linear</c> (to 0 after the warm-up) or
    /// <c>none</c>; per epoch unless <c>--sched-on-updates</c>.
    /// </summary>
    public static LrScheduleFactory Schedule(TrainSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string sched = settings.Sched.ToLowerInvariant();
        if (!ScheduleNames.Contains(sched)) throw Usage($"--sched '{settings.Sched}' is not one of {string.Join(", ", ScheduleNames)}.");
        if (settings.WarmupEpochs < 0) throw Usage($"--warmup-epochs must be ≥ 0 (was {settings.WarmupEpochs}).");
        NonNegative("warmup-lr", settings.WarmupLr);
        NonNegative("min-lr", settings.MinLr);
        int epochs = Math.Max(1, settings.Epochs);
        return (lr, total) =>
        {
            long perEpoch = Math.Max(1, total / epochs);
            string I(double v) => v.ToString("R", CultureInfo.InvariantCulture);
            var args = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["warmup_steps"] = I(settings.WarmupEpochs * (settings.SchedOnUpdates ? perEpoch : 1)),
                ["warmup_prefix"] = settings.WarmupPrefix ? "true" : "false",
            };
            if (settings.WarmupEpochs > 0) args["warmup_lr_init"] = I(settings.WarmupLr);   // read only with a warm-up
            if (!settings.SchedOnUpdates) (args["t_in_epochs"], args["steps_per_epoch"]) = ("true", I(perEpoch));
            switch (sched)
            {
                case "cosine":
                    args["lr_min"] = I(settings.MinLr);
                    return ScheduleFactory.Create("CosineWithRestarts", lr, args, total);
                case "linear":
                    return ScheduleFactory.Create("LinearWithWarmup", lr, args, total);
            }
            long unit = settings.SchedOnUpdates ? perEpoch : 1;
            ILrSchedule body = sched switch
            {
                "step" => new StepLR(lr, Math.Max(1, (long)Math.Round(settings.DecayEpochs * unit)), settings.DecayRate),
                "multistep" => new MultiStepLR(lr, [.. settings.DecayMilestones.Select(m => (long)m * unit)], settings.DecayRate),
                _ => new ConstantLR(lr, 1.0, 0),
            };
            long warmup = settings.WarmupEpochs * unit;
            if (warmup > 0 && sched != "none") body = new Warmup(body, warmup, settings.WarmupLr, settings.WarmupPrefix);
            return settings.SchedOnUpdates ? body : new EpochStepped(body, perEpoch);
        };
    }

    /// <summary>
    /// The <c>--aa</c> policy: a timm RandAugment string (<c>rand-m9-mstd0.5-inc1</c>), a timm AutoAugment string
    /// (<c>original</c>, <c>originalr</c>, <c>v0</c>, <c>v0r-mstd0.5</c>), a timm AugMix string (<c>augmix-m3-w3</c>),
    /// or <c>torchvision-ra</c>, <c>autoaugment</c> (torchvision's ImageNet policy), <c>trivialaugment</c>.
    /// </summary>
    public static ITransform Policy(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        try
        {
            return spec switch
            {
                "torchvision-ra" => new TorchvisionRandAugment(),
                "autoaugment" => new AutoAugment(),
                "trivialaugment" => new TrivialAugmentWide(),
                _ when spec.StartsWith("rand", StringComparison.Ordinal) => new RandAugment(RandAugmentOptions.Parse(spec)),
                _ when TimmAutoAugment.IsConfig(spec) => TimmAutoAugment.FromConfig(spec),
                _ when AugMix.IsConfig(spec) => AugMix.FromConfig(spec),
                _ => throw Usage($"--aa '{spec}' is not a policy; use a timm string such as rand-m9-mstd0.5-inc1, original, v0r-mstd0.5 or augmix-m3-w3, or torchvision-ra, autoaugment, trivialaugment."),
            };
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw Usage($"--aa '{spec}': {e.Message}");
        }
    }

    /// <summary>timm's random erasing (<c>--reprob</c>, <c>--remode</c>, <c>--recount</c>), or none when the probability is 0.</summary>
    public static ISampleTensorTransform[] Erasing(TrainSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (Probability("reprob", settings.Reprob) == 0) return [];
        ErasingMode mode = settings.Remode.ToLowerInvariant() switch
        {
            "const" => ErasingMode.Const,
            "rand" => ErasingMode.Rand,
            "pixel" => ErasingMode.Pixel,
            _ => throw Usage($"--remode must be const, rand or pixel (was '{settings.Remode}')."),
        };
        if (settings.Recount < 1) throw Usage($"--recount must be ≥ 1 (was {settings.Recount}).");
        return [new RandomErasing(new RandomErasingOptions { Probability = settings.Reprob, Mode = mode, MaxCount = settings.Recount })];
    }

    /// <summary>
    /// timm's training transform (<c>create_transform(is_training=True)</c>): RandomResizedCrop (<c>--scale</c>, <c>--ratio</c>)
    /// at <paramref name="size"/>, flips (<c>--hflip</c>, <c>--vflip</c>), the <c>--aa</c> policy or else colour jitter, ToTensor and
    /// <paramref name="normalization"/>, then random erasing. With <c>--aug-splits N</c> (N ≥ 2, as <c>--jsd-loss</c> needs) timm's
    /// AugMixDataset instead: crop and flips once per image, then N versions stacked (<see cref="SplitSampleEncoder"/>), the
    /// first only normalised, the others through colour jitter or the <c>--aa</c> policy and erasing.
    /// </summary>
    public static ISampleEncoder TrainEncoder(TrainSettings settings, int size, Normalization normalization, Interpolation interpolation = Interpolation.Bicubic)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Scale.Count != 2) throw Usage($"--scale takes two numbers (was {settings.Scale.Count}).");
        if (settings.Ratio.Count != 2) throw Usage($"--ratio takes two numbers (was {settings.Ratio.Count}).");
        double? jitter = settings.Aa is null && settings.ColorJitter > 0 ? settings.ColorJitter : null;
        TrainPresetOptions Preset(double? colorJitter) => new()
        {
            Size = size, Scale = (settings.Scale[0], settings.Scale[1]), Ratio = (settings.Ratio[0], settings.Ratio[1]), Interpolation = interpolation,
            HorizontalFlip = Probability("hflip", settings.Hflip), VerticalFlip = Probability("vflip", settings.Vflip),
            ColorJitter = colorJitter, Normalization = normalization,
        };
        TrainPresetOptions preset = Preset(jitter);
        ComposeBuilder builder;
        try { builder = Presets.TrainBuilder(preset); }
        catch (ArgumentException e) { throw Usage($"--scale/--ratio/--hflip/--vflip/--color-jitter: {e.Message}"); }
        if (settings.AugSplits > 1)
        {
            // timm's AugMixDataset: crop and flip once, split 0 clean, the other splits through jitter/--aa and erasing.
            ComposeBuilder shared;
            try { shared = Presets.TrainBuilder(Preset(null)); }
            catch (ArgumentException e) { throw Usage($"--scale/--ratio/--hflip/--vflip: {e.Message}"); }
            var augmentation = new List<ITransform>();
            if (jitter is double cj) augmentation.Add(new ColorJitter(cj, cj, cj));
            if (settings.Aa is { Length: > 0 } splitPolicy) augmentation.Add(Policy(splitPolicy));
            return new SplitSampleEncoder(shared.Build(), new Compose([.. augmentation]), size, size, normalization, settings.AugSplits, Erasing(settings));
        }
        if (settings.Aa is { Length: > 0 } aa) builder.Add(Policy(aa));
        return builder.BuildEncoder(size, size, normalization, Erasing(settings));
    }

    /// <summary>Mixup/CutMix from <c>--mixup</c>, <c>--cutmix</c>, <c>--mixup-prob</c>, <c>--mixup-switch-prob</c>, <c>--mixup-mode</c>, <c>--smoothing</c>; null when both alphas are 0.</summary>
    public static MixupCutMix? Mixing(TrainSettings settings, int classes)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (NonNegative("mixup", settings.Mixup) == 0 && NonNegative("cutmix", settings.Cutmix) == 0) return null;
        MixMode mode = settings.MixupMode.ToLowerInvariant() switch
        {
            "batch" => MixMode.Batch,
            "pair" => MixMode.Pair,
            "elem" => MixMode.Elem,
            _ => throw Usage($"--mixup-mode must be batch, pair or elem (was '{settings.MixupMode}')."),
        };
        return new MixupCutMix(new MixupCutMixOptions
        {
            MixupAlpha = settings.Mixup, CutMixAlpha = settings.Cutmix, Probability = Probability("mixup-prob", settings.MixupProb),
            SwitchProbability = Probability("mixup-switch-prob", settings.MixupSwitchProb), Mode = mode,
            LabelSmoothing = Probability("smoothing", settings.Smoothing), NumClasses = classes,
        });
    }

    /// <summary>
    /// The training loss timm picks: <c>--jsd-loss</c> (JsdCrossEntropy over <c>--aug-splits</c>), <c>--bce-loss</c>
    /// (BinaryCrossEntropy with <c>--smoothing</c>, <c>--bce-target-thresh</c>), the label-smoothing default (null:
    /// the trainer's), and around it DeiT's distillation (<c>--distillation-type soft|hard</c> with a teacher file).
    /// </summary>
    public static LossFunction? Loss(TrainSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        LossFunction? loss = null;
        if (settings.JsdLoss)
        {
            if (settings.AugSplits < 2) throw Usage($"--jsd-loss needs --aug-splits ≥ 2 (was {settings.AugSplits}).");
            loss = new JsdCrossEntropy(settings.AugSplits, smoothing: settings.Smoothing);
        }
        else if (settings.BceLoss)
        {
            loss = new BinaryCrossEntropy(Probability("smoothing", settings.Smoothing), settings.BceTargetThresh);
        }
        DistillationType type = settings.DistillationType.ToLowerInvariant() switch
        {
            "none" => Training.Losses.DistillationType.None,
            "soft" => Training.Losses.DistillationType.Soft,
            "hard" => Training.Losses.DistillationType.Hard,
            _ => throw Usage($"--distillation-type must be none, soft or hard (was '{settings.DistillationType}')."),
        };
        if (type == Training.Losses.DistillationType.None)
        {
            return settings.TeacherModelFile is null ? loss : throw Usage("--teacher-model-file needs --distillation-type soft or hard.");
        }
        string teacher = settings.TeacherModelFile ?? throw Usage($"--distillation-type {settings.DistillationType} needs --teacher-model-file FILE (a one-file model).");
        if (!File.Exists(teacher)) throw Usage($"--teacher-model-file '{teacher}' does not exist.");
        // timm's DeiT: the base criterion is label-smoothing cross entropy unless --jsd-loss/--bce-loss chose another.
        double smoothing = Probability("smoothing", settings.Smoothing);
        loss ??= smoothing > 0 ? new LabelSmoothingCrossEntropy(smoothing) : null;
        return DistillationLoss.FromFile(teacher, type, Probability("distillation-alpha", settings.DistillationAlpha), Positive("distillation-tau", settings.DistillationTau), loss);
    }

    /// <summary><c>--amp</c> with <c>--amp-dtype float16|bfloat16</c>; float32 without <c>--amp</c>.</summary>
    public static TrainingPrecision Precision(TrainSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        TrainingPrecision amp = settings.AmpDtype.ToLowerInvariant() switch
        {
            "float16" or "fp16" or "half" => TrainingPrecision.Float16,
            "bfloat16" or "bf16" => TrainingPrecision.BFloat16,
            _ => throw Usage($"--amp-dtype must be float16 or bfloat16 (was '{settings.AmpDtype}')."),
        };
        return settings.Amp ? amp : TrainingPrecision.Float32;
    }

    /// <summary><c>--device</c> (null: CUDA when available, else the CPU; timm's default <c>cuda</c> in an args.yaml means the same).</summary>
    public static TorchSharp.torch.Device? Device(TrainSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Device is not { } spec) return null;
        try { return TorchBackend.ParseDevice(spec); }
        catch (ArgumentException e) { throw Usage($"--device: {e.Message}"); }
    }

    /// <summary>
    /// The trainer's options: epochs, batch, accumulation, optimizer, schedule, layer decay, clipping, precision, mixing,
    /// smoothing, loss, SAM, EMA, repeated augmentation, seed, workers, device; callbacks and the recovery checkpoint are the caller's.
    /// </summary>
    public static TrainerOptions TrainerOptions(TrainSettings settings, int classes)
    {
        Check(settings);
        var (norm, value, agc) = settings.ClipGrad is double clip
            ? settings.ClipMode.ToLowerInvariant() switch
            {
                "norm" => ((double?)Positive("clip-grad", clip), (double?)null, (double?)null),
                "value" => (null, Positive("clip-grad", clip), null),
                "agc" => (null, null, Positive("clip-grad", clip)),
                _ => throw Usage($"--clip-mode must be norm, value or agc (was '{settings.ClipMode}')."),
            }
            : (null, null, null);
        double? layerDecay = settings.LayerDecay is double ld ? Positive("layer-decay", ld) : null;
        LossFunction? loss = Loss(settings);
        double wd = settings.WeightDecay;
        return new TrainerOptions
        {
            Epochs = settings.Epochs,
            MaxSteps = settings.MaxSteps,
            BatchSize = settings.BatchSize,
            GradientAccumulation = settings.GradAccumSteps,
            GradCheckpointing = settings.GradCheckpointing,
            Workers = settings.Workers == 0 ? 1 : settings.Workers,
            Optimizer = Optimizer(settings),
            Schedule = Schedule(settings),
            ParameterGroups = layerDecay is double decay ? m => LayerParameterGroups.LayerDecay(m, decay, new ParameterGroupOptions { WeightDecay = wd }) : null,
            ClipGradNorm = norm, ClipGradValue = value, ClipGradAgc = agc,
            Precision = Precision(settings),
            Mixing = Mixing(settings, classes),
            // --smoothing goes to the trainer's default loss, or into the loss --jsd-loss/--bce-loss/distillation builds.
            LabelSmoothing = loss is null ? Probability("smoothing", settings.Smoothing) : 0,
            Loss = loss,
            Sam = Sam(settings),
            Ema = settings.ModelEma ? new EmaOptions { Decay = Probability("model-ema-decay", settings.ModelEmaDecay), UseWarmup = settings.ModelEmaWarmup } : null,
            Sampler = NonNegative("aug-repeats", settings.AugRepeats) > 0 ? new RepeatAugSampler { Repeats = settings.AugRepeats } : null,
            Seed = settings.Seed,
            Device = Device(settings),
        };
    }

    /// <summary>Checks the settings that need neither data nor model (run before either is opened): counts, optimizer, schedule, erasing, precision, device.</summary>
    /// <exception cref="RecipeUsageException">A setting is invalid (the message names the option).</exception>
    public static void Check(TrainSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Epochs < 1) throw Usage($"--epochs must be ≥ 1 (was {settings.Epochs}).");
        if (settings.BatchSize < 1) throw Usage($"--batch-size must be ≥ 1 (was {settings.BatchSize}).");
        if (settings.GradAccumSteps < 1) throw Usage($"--grad-accum-steps must be ≥ 1 (was {settings.GradAccumSteps}).");
        if (settings.Workers < 0) throw Usage($"--workers must be ≥ 0 (was {settings.Workers}).");
        if (settings.MaxSteps is < 1) throw Usage($"--max-steps must be ≥ 1 (was {settings.MaxSteps}).");
        Optimizer(settings);
        Schedule(settings);
        Erasing(settings);
        Precision(settings);
        Device(settings);
        if (settings.Aa is { Length: > 0 } aa) Policy(aa);
    }

    /// <summary>
    /// The model: <c>--pretrained-path</c> as a one-file model (its architecture and configuration; the classifier is
    /// replaced when <paramref name="classes"/> differs), or <c>--model</c> with <c>--model-kwargs</c>, <c>--img-size</c>,
    /// <c>--drop</c>, <c>--drop-path</c> and <paramref name="classes"/> outputs, loading <c>--pretrained-path</c> with timm's
    /// pretrained rule; then LoRA (<c>--lora-r</c>) or freezing (<c>--freeze</c>).
    /// </summary>
    public static VisionModel CreateModel(TrainSettings settings, int classes, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        VisionModel model = IsModelFile(settings.PretrainedPath)
            ? VisionModels.Load(settings.PretrainedPath!, numClasses: ModelFile.ReadInfo(settings.PretrainedPath!).Config.NumClasses == classes ? null : classes, seed: settings.Seed)
            : Create(settings, classes);
        try
        {
            Adapt(model, settings, log);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static VisionModel Create(TrainSettings settings, int classes)
    {
        string name = settings.Model ?? throw Usage("--model NAME is required (a registry architecture such as vit_tiny_patch16_224), or --pretrained-path with a one-file model.");
        if (settings.PretrainedPath is { } p && !File.Exists(p) && !Directory.Exists(p)) throw Usage($"--pretrained-path '{p}' does not exist.");
        ModelConfig Configure(ModelConfig c)
        {
            ModelConfig o;
            try { o = c.WithOverrides(settings.ModelKwargs); }
            catch (ArgumentException e) { throw Usage($"--model-kwargs: {e.Message}"); }
            return o with
            {
                NumClasses = classes, ImgSize = settings.ImgSize ?? o.ImgSize, DropRate = settings.Drop ?? o.DropRate, DropPathRate = settings.DropPath ?? o.DropPathRate,
            };
        }
        try
        {
            ModelRegistry.Get(name);
        }
        catch (Exception e) when (e is KeyNotFoundException or ArgumentException)
        {
            throw Usage($"--model: {e.Message}");
        }
        return VisionModels.Create<ModelConfig>(name, Configure, settings.PretrainedPath, seed: settings.Seed);
    }

    private static bool IsModelFile(string? path)
    {
        if (path is null || !(File.Exists(path) || Directory.Exists(path))) return false;
        try
        {
            ModelFile.ReadInfo(path);
            return true;
        }
        catch (WeightsFormatException)
        {
            return false;
        }
    }

    /// <summary>LoRA (<c>--lora-r</c>, <c>--lora-alpha</c>, <c>--lora-dropout</c>, <c>--lora-targets</c>) or freezing (<c>--freeze</c>, <c>--unfreeze-blocks</c>) on <paramref name="model"/>.</summary>
    public static void Adapt(VisionModel model, TrainSettings settings, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        string freeze = settings.Freeze.ToLowerInvariant();
        if (freeze is not ("none" or "head-only" or "last-blocks")) throw Usage($"--freeze must be none, head-only or last-blocks (was '{settings.Freeze}').");
        if (settings.LoraR is int rank)
        {
            if (rank < 1) throw Usage($"--lora-r must be ≥ 1 (was {rank}).");
            if (freeze != "none") throw Usage("--lora-r trains adapters on a frozen backbone; give it without --freeze.");
            var targets = settings.LoraTargets.ToLowerInvariant() switch
            {
                "qv" => LoraTargets.QueryValue,
                "attn" => LoraTargets.Attention,
                "attn-mlp" => LoraTargets.AttentionAndMlp,
                _ => throw Usage($"--lora-targets must be qv, attn or attn-mlp (was '{settings.LoraTargets}')."),
            };
            var adapters = Lora.Apply(model, new LoraOptions
            {
                Rank = rank, Alpha = settings.LoraAlpha ?? rank, Dropout = Probability("lora-dropout", settings.LoraDropout), Targets = targets, Seed = settings.Seed,
            });
            log.WriteLine($"LoRA r={rank} on {settings.LoraTargets} of {adapters.Adapters.Count} layers; trainable: {adapters.Report()}");
            return;
        }
        if (freeze == "none") return;
        var freezer = new Freezer(model);
        if (freeze == "head-only") freezer.HeadOnly();
        else
        {
            if (settings.UnfreezeBlocks < 0) throw Usage($"--unfreeze-blocks must be ≥ 0 (was {settings.UnfreezeBlocks}).");
            freezer.UnfreezeLastBlocks(settings.UnfreezeBlocks);
        }
        log.WriteLine($"freeze {settings.Freeze}: {freezer.Report()}");
    }

    /// <summary>
    /// The training and validation images: Tiny ImageNet (<c>wnids.txt</c>: its train and val sets), a folder with
    /// <c>train/</c> and <c>val/</c> or <c>validation/</c> ImageFolders (timm's layout), or one ImageFolder; <c>--val-data</c>
    /// replaces the validation set and <c>--val-split</c> holds out a stratified fraction of the training images.
    /// </summary>
    public static (IImageDataset Train, IImageDataset? Validation, string Layout) OpenData(TrainSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string root = settings.Data ?? throw Usage("--data DIR is required (an ImageFolder, train/ + val/ ImageFolders, or Tiny ImageNet).");
        if (!Directory.Exists(root)) throw Usage($"--data '{root}' is not a folder.");
        if (settings.ValData is not null && settings.ValSplit is not null) throw Usage("give --val-data or --val-split, not both.");
        IImageDataset train;
        IImageDataset? validation = null;
        string layout;
        if (File.Exists(Path.Combine(root, "wnids.txt")))
        {
            var tiny = TinyImageNet.Open(root);
            (train, validation, layout) = (tiny.Train, tiny.Validation, "tiny-imagenet");
        }
        else if (Directory.Exists(Path.Combine(root, "train")) && new[] { "val", "validation" }.Select(v => Path.Combine(root, v)).FirstOrDefault(Directory.Exists) is { } val)
        {
            (train, validation, layout) = (ImageFolder.Open(Path.Combine(root, "train")), ImageFolder.Open(val), "train/val imagefolder");
        }
        else
        {
            (train, layout) = (ImageFolder.Open(root), "imagefolder");
        }
        if (settings.ValData is { } valData)
        {
            if (!Directory.Exists(valData)) throw Usage($"--val-data '{valData}' is not a folder.");
            validation = ImageFolder.Open(valData);
            if (!validation.ClassNames.SequenceEqual(train.ClassNames))
                throw Usage($"--val-data '{valData}' has the classes [{string.Join(", ", validation.ClassNames.Take(5))}…], not the training classes [{string.Join(", ", train.ClassNames.Take(5))}…].");
        }
        else if (settings.ValSplit is double split)
        {
            if (!(split > 0 && split < 1)) throw Usage($"--val-split must be between 0 and 1 (was {split.ToString(CultureInfo.InvariantCulture)}).");
            var (t, v) = train.StratifiedSplit(1 - split, settings.Seed);
            (train, validation) = (t, v);
        }
        return (train, validation, layout);
    }

    private static RecipeUsageException Usage(string message) => new("train: " + message);

    private static double Positive(string option, double value) =>
        value > 0 && double.IsFinite(value) ? value : throw Usage($"--{option} must be a positive number (was {value.ToString(CultureInfo.InvariantCulture)}).");

    private static double NonNegative(string option, double value) =>
        value >= 0 && double.IsFinite(value) ? value : throw Usage($"--{option} must be ≥ 0 (was {value.ToString(CultureInfo.InvariantCulture)}).");

    private static double Probability(string option, double value) =>
        value is >= 0 and <= 1 ? value : throw Usage($"--{option} must be between 0 and 1 (was {value.ToString(CultureInfo.InvariantCulture)}).");
}
