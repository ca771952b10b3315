using System.CommandLine;
using System.CommandLine.Parsing;
using FineTune.Vision.Recipes;

namespace FineTune.Vision.Cli;

/// <summary>
/// <c>train</c>: a generic training run with timm <c>train.py</c>'s option names (<see cref="TrainSettings"/>, run by
/// <see cref="GenericTraining.Run"/>), optionally read from the <c>args.yaml</c> that timm writes (<c>--config</c>; the
/// command line overrides it); or, with <c>--recipe NAME</c>, one of the seed recipes with its own options.
/// </summary>
public static class TrainVerb
{
    /// <summary>One option of the generic <c>train</c>: its timm <c>args.yaml</c> key, the option, how it sets <see cref="TrainSettings"/>, and the library API it ends in.</summary>
    /// <param name="Key">timm's <c>args</c> key (the option's name with underscores).</param>
    /// <param name="Option">The System.CommandLine option.</param>
    /// <param name="Apply">Sets the value of a parse result that holds the option.</param>
    /// <param name="Api">Where the value goes in the library (for the docs' mapping table).</param>
    public sealed record Field(string Key, Option Option, Func<TrainSettings, ParseResult, TrainSettings> Apply, string Api);

    /// <summary><c>--config FILE</c>: timm's args.yaml.</summary>
    private static readonly Option<string> ConfigOption = Opts.Text("--config", "timm train.py's args.yaml (or a YAML of the same keys); options on the command line override it; unsupported keys are listed.", "FILE");

    /// <summary><c>--recipe NAME</c>: a seed recipe instead of the generic run.</summary>
    private static readonly Option<string> RecipeOption = Opts.Text("--recipe", $"Run a seed recipe ({string.Join(", ", RecipeRunner.All.Select(r => r.Name))}) with its own options instead (ftv train --recipe NAME --help).", "NAME");

    /// <summary>Every option of the generic run, in help order.</summary>
    public static IReadOnlyList<Field> Fields { get; } = BuildFields();

    /// <summary>The <c>train</c> command; <paramref name="cancellationToken"/> stops a run after its current step.</summary>
    public static Command Command(CancellationToken cancellationToken)
    {
        var command = new Command("train",
            "Train a model with timm train.py's option names (or its args.yaml: --config). Writes OUT/last.safetensors and OUT/best.safetensors (one-file models), "
            + "OUT/summary.csv, OUT/tensorboard/ and OUT/checkpoints/. Ctrl+C stops after the current step with a recovery checkpoint; --resume continues it. "
            + "With --recipe NAME, runs a seed recipe instead.")
        {
            TreatUnmatchedTokensAsErrors = false,   // a recipe's own options; the generic run refuses them itself
        };
        command.Add(ConfigOption);
        command.Add(RecipeOption);
        foreach (Field field in Fields) command.Add(field.Option);
        command.SetAction(parse => Run(parse, parse.InvocationConfiguration.Output, cancellationToken));
        return command;
    }

    /// <summary>Runs the verb: a recipe, or the generic run of <see cref="Settings(ParseResult, TextWriter)"/>.</summary>
    public static int Run(ParseResult parse, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(output);
        if (parse.GetValue(RecipeOption) is { } recipeName) return RunRecipe(parse, recipeName, output, cancellationToken);
        TrainSettings settings = Settings(parse, output);
        GenericTrainingResult result = GenericTraining.Run(settings, output, cancellationToken);
        if (result.Fit.StopReason.Kind == Training.StopKind.Cancelled) throw new OperationCanceledException($"training cancelled; continue with --resume {result.Checkpoint}");
        if (result.MainProcess)
            output.WriteLine($"done: {result.Fit.StopReason}; {result.Fit.Steps} steps"
                             + (result.LastModel is null ? "" : $"; models {result.LastModel}, {result.BestModel}") + $"; checkpoint {result.Checkpoint}");
        return 0;
    }

    /// <summary>
    /// The settings of a parsed <c>train</c> command line: timm's defaults, then the <c>--config</c> YAML (its unsupported
    /// keys are written to <paramref name="log"/>), then the options given on the command line.
    /// </summary>
    /// <exception cref="UsageException">An unknown option, or a YAML value that does not parse (the message names the key).</exception>
    public static TrainSettings Settings(ParseResult parse, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(log);
        if (parse.UnmatchedTokens.Count > 0)
            throw new UsageException($"train: unknown option(s) or argument(s) {string.Join(" ", parse.UnmatchedTokens)}; see ftv train --help.");
        var settings = new TrainSettings();
        if (parse.GetValue(ConfigOption) is { } config)
        {
            var (tokens, ignored) = TimmArgsYaml.ToTokens(config, Fields.Select(f => f.Key).ToHashSet(StringComparer.Ordinal));
            ParseResult fromFile = Command(CancellationToken.None).Parse(tokens);
            if (fromFile.Errors.Count > 0 || fromFile.UnmatchedTokens.Count > 0)
                throw new UsageException($"train: --config '{config}': {string.Join(" ", fromFile.Errors.Select(e => e.Message).Concat(fromFile.UnmatchedTokens.Select(t => $"unexpected '{t}'.")))}");
            settings = Apply(settings, fromFile);
            log.WriteLine($"config {config}: read {Fields.Count(f => Given(fromFile, f.Option))} option(s); ignored (not supported by ftv train): {(ignored.Count == 0 ? "none" : string.Join(", ", ignored))}");
        }
        return Apply(settings, parse);
    }

    /// <summary>The settings of <c>ftv train ARGS</c> (for tests and hosts): parse, then <see cref="Settings(ParseResult, TextWriter)"/>.</summary>
    /// <exception cref="UsageException">The arguments do not parse.</exception>
    public static TrainSettings Settings(IReadOnlyList<string> args, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(args);
        ParseResult parse = Command(CancellationToken.None).Parse(args);
        if (parse.Errors.Count > 0) throw new UsageException(string.Join(" ", parse.Errors.Select(e => e.Message)));
        return Settings(parse, log);
    }

    private static TrainSettings Apply(TrainSettings settings, ParseResult parse)
    {
        foreach (Field field in Fields)
            if (Given(parse, field.Option)) settings = field.Apply(settings, parse);
        return settings;
    }

    private static bool Given(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };

    /// <summary>
    /// Writes a recipe's own usage for <c>train --recipe NAME --help</c> (System.CommandLine's help would describe the
    /// generic run); returns whether <paramref name="args"/> asked for it.
    /// </summary>
    public static bool RecipeHelp(IReadOnlyList<string> args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        if (args.Count < 4 || args[0] != "train" || !args.Any(a => a is "--help" or "-h" or "-?")) return false;
        int at = args.ToList().IndexOf("--recipe");
        if (at < 0 || at + 1 >= args.Count) return false;
        IRecipe recipe;
        try { recipe = RecipeRunner.Get(args[at + 1]); }
        catch (RecipeUsageException e) { throw new UsageException("train: " + e.Message); }
        RecipeRunner.WriteUsage(recipe, output);
        return true;
    }

    private static int RunRecipe(ParseResult parse, string name, TextWriter output, CancellationToken cancellationToken)
    {
        IRecipe recipe;
        try { recipe = RecipeRunner.Get(name); }
        catch (RecipeUsageException e) { throw new UsageException("train: " + e.Message); }
        var tokens = parse.Tokens.Select(t => t.Value).ToList();
        int verb = tokens.IndexOf("train");
        tokens = tokens.Skip(verb + 1).ToList();
        int at = tokens.IndexOf("--recipe");
        string[] rest = [.. tokens.Take(at), .. tokens.Skip(at + 2)];
        if (rest.Any(a => a is "--help" or "-h"))
        {
            RecipeRunner.WriteUsage(recipe, output);
            return 0;
        }
        try
        {
            RecipeRunner.Run(recipe, rest, output, cancellationToken);
            return 0;
        }
        catch (RecipeUsageException e)
        {
            var usage = new StringWriter();
            RecipeRunner.WriteUsage(recipe, usage);
            throw new UsageException($"{e.Message}\n{usage.ToString().TrimEnd()}");
        }
    }

    private static List<Field> BuildFields()
    {
        var f = new List<Field>();
        void Text(string key, string help, string helpName, Func<TrainSettings, string, TrainSettings> set, string api)
        {
            var o = Opts.Text(Name(key), help, helpName);
            f.Add(new Field(key, o, (s, p) => set(s, p.GetValue(o)!), api));
        }
        void Int(string key, string help, Func<TrainSettings, int, TrainSettings> set, string api)
        {
            var o = Opts.Int(Name(key), help);
            f.Add(new Field(key, o, (s, p) => set(s, p.GetValue(o)), api));
        }
        void Num(string key, string help, Func<TrainSettings, double, TrainSettings> set, string api)
        {
            var o = Opts.Number(Name(key), help);
            f.Add(new Field(key, o, (s, p) => set(s, p.GetValue(o)), api));
        }
        void Flag(string key, string help, Func<TrainSettings, bool, TrainSettings> set, string api)
        {
            var o = Opts.Flag(Name(key), help);
            f.Add(new Field(key, o, (s, p) => set(s, p.GetValue(o)), api));
        }
        void Nums(string key, string help, Func<TrainSettings, double[], TrainSettings> set, string api)
        {
            var o = new Option<double[]>(Name(key)) { Description = help, HelpName = "X", AllowMultipleArgumentsPerToken = true };
            f.Add(new Field(key, o, (s, p) => set(s, p.GetValue(o) ?? []), api));
        }

        Text("data", "Training images: an ImageFolder, a folder with train/ and val/ ImageFolders, or Tiny ImageNet (wnids.txt). Required.", "DIR", (s, v) => s with { Data = v }, "ImageFolder.Open / TinyImageNet.Open");
        Text("val_data", "Validation ImageFolder with the training classes.", "DIR", (s, v) => s with { ValData = v }, "ImageFolder.Open");
        Num("val_split", "Hold out this fraction of --data (stratified) for validation.", (s, v) => s with { ValSplit = v }, "IImageDataset.StratifiedSplit");
        Text("model", "Registry architecture (timm name), e.g. vit_tiny_patch16_224.", "NAME", (s, v) => s with { Model = v }, "VisionModels.Create");
        var kwargs = Opts.Many(Name("model_kwargs"), "Architecture overrides in timm's kwarg names: --model-kwargs depth=2 embed_dim=96.", "KEY=VALUE", perToken: true);
        f.Add(new Field("model_kwargs", kwargs, (s, p) => s with { ModelKwargs = VerbInput.ParseKeyValues("train", "model-kwargs", p.GetValue(kwargs) ?? []) }, "ModelConfig.WithOverrides"));
        Text("pretrained_path", "Pretrained weights (timm/Hugging Face/torchvision checkpoint) or a one-file model to fine-tune.", "FILE", (s, v) => s with { PretrainedPath = v }, "VisionModels.Create(pretrained:) / VisionModels.Load");
        Int("num_classes", "Classifier outputs (default: the data's class count).", (s, v) => s with { NumClasses = v }, "ModelConfig.NumClasses");
        Int("img_size", "Input size (default: the model's).", (s, v) => s with { ImgSize = v }, "ModelConfig.ImgSize");
        Int("batch_size", "Batch size (default 128).", (s, v) => s with { BatchSize = v }, "TrainerOptions.BatchSize");
        Int("epochs", "Epochs (default 300).", (s, v) => s with { Epochs = v }, "TrainerOptions.Epochs");
        Text("opt", $"Optimizer: {string.Join(", ", TrainSetup.OptimizerNames)}, or lookahead_ + one of them, e.g. lookahead_adamw (default sgd: Nesterov).", "NAME", (s, v) => s with { Opt = v }, "Optimizers.Sgd/AdamW/Adam/Lamb/Lars/Lion/Lookahead, TrainerOptions.Sam");
        Num("opt_eps", "Optimizer epsilon (default: the optimizer's).", (s, v) => s with { OptEps = v }, "OptimizerConfig.Eps");
        Nums("opt_betas", "Optimizer betas: B1 B2 (default: the optimizer's).", (s, v) => s with { OptBetas = v }, "OptimizerConfig.Beta1/Beta2");
        Num("lr", "Learning rate (default: lr-base × batch / lr-base-size, as timm).", (s, v) => s with { Lr = v }, "OptimizerConfig.Lr");
        Num("lr_base", "Base rate for the batch-size rule (default 0.1).", (s, v) => s with { LrBase = v }, "OptimizerConfig.Lr");
        Int("lr_base_size", "Batch size of --lr-base (default 256).", (s, v) => s with { LrBaseSize = v }, "OptimizerConfig.Lr");
        Text("lr_base_scale", "linear or sqrt (default: sqrt for adaptive optimizers).", "RULE", (s, v) => s with { LrBaseScale = v }, "OptimizerConfig.Lr");
        Num("weight_decay", "Weight decay (default 2e-5).", (s, v) => s with { WeightDecay = v }, "OptimizerConfig.WeightDecay");
        Num("momentum", "SGD/LARS momentum (default 0.9).", (s, v) => s with { Momentum = v }, "OptimizerConfig.Momentum");
        Text("sched", $"Schedule: {string.Join(", ", TrainSetup.ScheduleNames)} (default cosine).", "NAME", (s, v) => s with { Sched = v }, "ScheduleFactory (CosineWithRestarts, LinearWithWarmup), StepLR, MultiStepLR, Warmup, EpochStepped");
        Flag("sched_on_updates", "Change the rate every optimizer step instead of every epoch.", (s, v) => s with { SchedOnUpdates = v }, "EpochStepped (off)");
        Int("warmup_epochs", "Linear warm-up epochs (default 5).", (s, v) => s with { WarmupEpochs = v }, "Warmup");
        Num("warmup_lr", "Rate the warm-up starts from (default 1e-5).", (s, v) => s with { WarmupLr = v }, "Warmup(startLr)");
        Flag("warmup_prefix", "The schedule starts after the warm-up.", (s, v) => s with { WarmupPrefix = v }, "Warmup(prefix)");
        Num("min_lr", "Cosine floor (default 0).", (s, v) => s with { MinLr = v }, "CosineWithRestartsOptions.LrMin");
        Num("decay_epochs", "step: epochs between decays (default 90).", (s, v) => s with { DecayEpochs = v }, "StepLR");
        var milestones = new Option<int[]>(Name("decay_milestones")) { Description = "multistep: epochs of the decays (default 90 180 270).", HelpName = "N", AllowMultipleArgumentsPerToken = true };
        f.Add(new Field("decay_milestones", milestones, (s, p) => s with { DecayMilestones = p.GetValue(milestones) ?? [] }, "MultiStepLR"));
        Num("decay_rate", "step/multistep: factor per decay (default 0.1).", (s, v) => s with { DecayRate = v }, "StepLR/MultiStepLR gamma");
        Text("aa", "Augmentation policy: rand-m9-mstd0.5-inc1, original, v0r-mstd0.5, augmix-m3-w3, … (default none).", "SPEC", (s, v) => s with { Aa = v }, "RandAugment / TimmAutoAugment / AugMix");
        Num("reprob", "Random-erasing probability (default 0).", (s, v) => s with { Reprob = v }, "RandomErasingOptions.Probability");
        Text("remode", "Random-erasing fill: const, rand or pixel (default pixel).", "MODE", (s, v) => s with { Remode = v }, "RandomErasingOptions.Mode");
        Int("recount", "Random-erasing count (default 1).", (s, v) => s with { Recount = v }, "RandomErasingOptions.MaxCount");
        Num("hflip", "Horizontal-flip probability (default 0.5).", (s, v) => s with { Hflip = v }, "TrainPresetOptions.HorizontalFlip");
        Num("vflip", "Vertical-flip probability (default 0).", (s, v) => s with { Vflip = v }, "TrainPresetOptions.VerticalFlip");
        Num("color_jitter", "Colour jitter without --aa (default 0.4).", (s, v) => s with { ColorJitter = v }, "TrainPresetOptions.ColorJitter");
        Nums("scale", "RandomResizedCrop area range: MIN MAX (default 0.08 1).", (s, v) => s with { Scale = v }, "TrainPresetOptions.Scale");
        Nums("ratio", "RandomResizedCrop aspect range: MIN MAX (default 3/4 4/3).", (s, v) => s with { Ratio = v }, "TrainPresetOptions.Ratio");
        Num("mixup", "Mixup alpha (default 0: off).", (s, v) => s with { Mixup = v }, "MixupCutMixOptions.MixupAlpha");
        Num("cutmix", "CutMix alpha (default 0: off).", (s, v) => s with { Cutmix = v }, "MixupCutMixOptions.CutMixAlpha");
        Num("mixup_prob", "Probability of mixing a batch (default 1).", (s, v) => s with { MixupProb = v }, "MixupCutMixOptions.Probability");
        Num("mixup_switch_prob", "Probability of CutMix when both are on (default 0.5).", (s, v) => s with { MixupSwitchProb = v }, "MixupCutMixOptions.SwitchProbability");
        Text("mixup_mode", "batch, pair or elem (default batch).", "MODE", (s, v) => s with { MixupMode = v }, "MixupCutMixOptions.Mode");
        Num("smoothing", "Label smoothing (default 0.1).", (s, v) => s with { Smoothing = v }, "TrainerOptions.LabelSmoothing / MixupCutMixOptions.LabelSmoothing");
        Flag("bce_loss", "Binary cross entropy (timm's).", (s, v) => s with { BceLoss = v }, "BinaryCrossEntropy");
        Num("bce_target_thresh", "Binarise soft targets at this threshold.", (s, v) => s with { BceTargetThresh = v }, "BinaryCrossEntropy(targetThreshold)");
        Flag("jsd_loss", "Jensen-Shannon consistency loss (with --aug-splits).", (s, v) => s with { JsdLoss = v }, "JsdCrossEntropy");
        Int("aug_splits", "Augmentation splits for --jsd-loss (default 0).", (s, v) => s with { AugSplits = v }, "JsdCrossEntropy(numSplits)");
        Num("aug_repeats", "Repeated augmentation count (default 0: off).", (s, v) => s with { AugRepeats = v }, "RepeatAugSampler");
        Text("distillation_type", "DeiT distillation: none (default), soft or hard; needs --teacher-model-file.", "TYPE", (s, v) => s with { DistillationType = v }, "DistillationLoss");
        Text("teacher_model_file", "The teacher, a one-file model.", "FILE", (s, v) => s with { TeacherModelFile = v }, "DistillationLoss.FromFile");
        Num("distillation_alpha", "Weight of the distillation term (default 0.5).", (s, v) => s with { DistillationAlpha = v }, "DistillationLoss(alpha)");
        Num("distillation_tau", "Soft-distillation temperature (default 1).", (s, v) => s with { DistillationTau = v }, "DistillationLoss(tau)");
        Num("drop", "Dropout before the classifier (default: the model's).", (s, v) => s with { Drop = v }, "ModelConfig.DropRate");
        Num("drop_path", "Stochastic depth (default: the model's).", (s, v) => s with { DropPath = v }, "ModelConfig.DropPathRate");
        Flag("model_ema", "Keep an EMA of the weights (validated too).", (s, v) => s with { ModelEma = v }, "TrainerOptions.Ema");
        Num("model_ema_decay", "EMA decay (default 0.9998).", (s, v) => s with { ModelEmaDecay = v }, "EmaOptions.Decay");
        Flag("model_ema_warmup", "EMA decay warm-up.", (s, v) => s with { ModelEmaWarmup = v }, "EmaOptions.UseWarmup");
        Flag("amp", "Mixed precision in --amp-dtype.", (s, v) => s with { Amp = v }, "TrainerOptions.Precision");
        Text("amp_dtype", "float16 (default) or bfloat16.", "DTYPE", (s, v) => s with { AmpDtype = v }, "TrainingPrecision.Float16/BFloat16");
        Int("grad_accum_steps", "Micro-batches per optimizer step (default 1).", (s, v) => s with { GradAccumSteps = v }, "TrainerOptions.GradientAccumulation");
        Flag("grad_checkpointing", "Activation checkpointing (less memory).", (s, v) => s with { GradCheckpointing = v }, "TrainerOptions.GradCheckpointing");
        Num("clip_grad", "Gradient clipping threshold (default off).", (s, v) => s with { ClipGrad = v }, "TrainerOptions.ClipGradNorm/ClipGradValue/ClipGradAgc");
        Text("clip_mode", "norm (default), value or agc.", "MODE", (s, v) => s with { ClipMode = v }, "TrainerOptions.ClipGradNorm/ClipGradValue/ClipGradAgc");
        Num("layer_decay", "Layer-wise rate decay (default off).", (s, v) => s with { LayerDecay = v }, "LayerParameterGroups.LayerDecay");
        Text("device", "cpu, cuda, cuda:N or auto (default: CUDA when available).", "DEVICE", (s, v) => s with { Device = v }, "TrainerOptions.Device");
        Text("resume", "Continue from a checkpoint of a run: OUT/checkpoints/last.safetensors or recovery.safetensors.", "FILE", (s, v) => s with { Resume = v }, "Trainer.LoadCheckpoint");
        Text("output", "Output folder (default output/train).", "DIR", (s, v) => s with { Output = v }, "ModelFile.Save, CsvLogger, TensorBoardLogger, ModelCheckpoint");
        Int("seed", "Seed of data order, augmentation and initialisation (default 42).", (s, v) => s with { Seed = v }, "TrainerOptions.Seed");
        Int("workers", "Data-loader threads (default 4).", (s, v) => s with { Workers = v }, "TrainerOptions.Workers");
        Int("lora_r", "LoRA rank: train adapters on a frozen backbone (default off).", (s, v) => s with { LoraR = v }, "Lora.Apply, LoraOptions.Rank");
        Num("lora_alpha", "LoRA alpha (default: the rank).", (s, v) => s with { LoraAlpha = v }, "LoraOptions.Alpha");
        Num("lora_dropout", "LoRA dropout (default 0).", (s, v) => s with { LoraDropout = v }, "LoraOptions.Dropout");
        Text("lora_targets", "qv (default), attn or attn-mlp.", "SET", (s, v) => s with { LoraTargets = v }, "LoraTargets.QueryValue/Attention/AttentionAndMlp");
        Text("freeze", "none (default), head-only (linear probe) or last-blocks.", "MODE", (s, v) => s with { Freeze = v }, "Freezer.HeadOnly / Freezer.UnfreezeLastBlocks");
        Int("unfreeze_blocks", "Blocks trained with --freeze last-blocks (default 2).", (s, v) => s with { UnfreezeBlocks = v }, "Freezer.UnfreezeLastBlocks");
        Int("max_steps", "Stop after this many optimizer steps (default: the epochs).", (s, v) => s with { MaxSteps = v }, "TrainerOptions.MaxSteps");
        return f;
    }

    private static string Name(string key) => "--" + key.Replace('_', '-');
}
