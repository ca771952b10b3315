namespace FineTune.Vision.Recipes;

/// <summary>
/// One training run described with timm <c>train.py</c>'s option names and defaults (the properties are timm's
/// <c>args</c> in PascalCase: <c>--warmup-epochs</c> is <see cref="WarmupEpochs"/>), plus LoRA and freezing. What
/// <c>ftv train</c> parses into, what <c>--config args.yaml</c> fills, and what <see cref="TrainSetup"/> turns into
/// the library's <c>TrainerOptions</c>, model and data pipelines.
/// </summary>
public sealed record TrainSettings
{
    /// <summary><c>--data DIR</c>: an ImageFolder (class subfolders), a folder with <c>train/</c> and <c>val/</c> (or <c>validation/</c>) ImageFolders, or Tiny ImageNet (<c>wnids.txt</c>).</summary>
    public string? Data { get; init; }

    /// <summary><c>--val-data DIR</c>: an ImageFolder of validation images with the training classes.</summary>
    public string? ValData { get; init; }

    /// <summary><c>--val-split F</c>: the fraction of <see cref="Data"/> held out (stratified) for validation.</summary>
    public double? ValSplit { get; init; }

    /// <summary><c>--model NAME</c>: a registry architecture (timm name).</summary>
    public string? Model { get; init; }

    /// <summary><c>--model-kwargs k=v …</c>: architecture overrides in timm's kwarg names (<c>depth=2</c>).</summary>
    public IReadOnlyDictionary<string, string> ModelKwargs { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary><c>--pretrained-path FILE</c>: pretrained weights (timm, Hugging Face or torchvision checkpoint), or a one-file model (its architecture wins over <see cref="Model"/>).</summary>
    public string? PretrainedPath { get; init; }

    /// <summary><c>--num-classes N</c> (null: the data's class count).</summary>
    public int? NumClasses { get; init; }

    /// <summary><c>--img-size N</c> (null: the model's).</summary>
    public int? ImgSize { get; init; }

    /// <summary><c>--batch-size N</c>. timm default 128.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary><c>--epochs N</c>. timm default 300.</summary>
    public int Epochs { get; init; } = 300;

    /// <summary><c>--opt</c>: sgd, momentum, nesterov, adam, adamw, lamb, lars, lion, lookahead_adamw (any <c>lookahead_</c> prefix), sam (SAM around SGD) or sam_adamw. timm default sgd.</summary>
    public string Opt { get; init; } = "sgd";

    /// <summary><c>--opt-eps</c> (null: the optimizer's default).</summary>
    public double? OptEps { get; init; }

    /// <summary><c>--opt-betas B1 B2</c> (null: the optimizer's defaults).</summary>
    public IReadOnlyList<double>? OptBetas { get; init; }

    /// <summary><c>--lr</c> (null: <see cref="LrBase"/> scaled by batch size / <see cref="LrBaseSize"/>, as timm does).</summary>
    public double? Lr { get; init; }

    /// <summary><c>--lr-base</c>. timm default 0.1.</summary>
    public double LrBase { get; init; } = 0.1;

    /// <summary><c>--lr-base-size</c>. timm default 256.</summary>
    public int LrBaseSize { get; init; } = 256;

    /// <summary><c>--lr-base-scale</c>: linear or sqrt (empty: sqrt for adaptive optimizers, else linear, as timm).</summary>
    public string LrBaseScale { get; init; } = "";

    /// <summary><c>--weight-decay</c>. timm default 2e-5.</summary>
    public double WeightDecay { get; init; } = 2e-5;

    /// <summary><c>--momentum</c>. timm default 0.9.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary><c>--sched</c>: cosine, step, multistep, linear or none. timm default cosine.</summary>
    public string Sched { get; init; } = "cosine";

    /// <summary><c>--sched-on-updates</c>: the rate changes every optimizer step instead of every epoch.</summary>
    public bool SchedOnUpdates { get; init; }

    /// <summary><c>--warmup-epochs</c>. timm default 5.</summary>
    public int WarmupEpochs { get; init; } = 5;

    /// <summary><c>--warmup-lr</c>: the rate the warm-up starts from. timm default 1e-5.</summary>
    public double WarmupLr { get; init; } = 1e-5;

    /// <summary><c>--warmup-prefix</c>: the schedule starts after the warm-up instead of overlapping it.</summary>
    public bool WarmupPrefix { get; init; }

    /// <summary><c>--min-lr</c>: the cosine floor. timm default 0.</summary>
    public double MinLr { get; init; }

    /// <summary><c>--decay-epochs</c> (step). timm default 90.</summary>
    public double DecayEpochs { get; init; } = 90;

    /// <summary><c>--decay-milestones</c> (multistep). timm default 90 180 270.</summary>
    public IReadOnlyList<int> DecayMilestones { get; init; } = [90, 180, 270];

    /// <summary><c>--decay-rate</c> (step, multistep). timm default 0.1.</summary>
    public double DecayRate { get; init; } = 0.1;

    /// <summary><c>--aa</c>: a timm policy string (<c>rand-m9-mstd0.5-inc1</c>, <c>original</c>, <c>v0r-mstd0.5</c>, <c>augmix-m3-w3</c>) or null.</summary>
    public string? Aa { get; init; }

    /// <summary><c>--reprob</c>: random-erasing probability. timm default 0.</summary>
    public double Reprob { get; init; }

    /// <summary><c>--remode</c>: const, rand or pixel. timm default pixel.</summary>
    public string Remode { get; init; } = "pixel";

    /// <summary><c>--recount</c>: random-erasing count. timm default 1.</summary>
    public int Recount { get; init; } = 1;

    /// <summary><c>--hflip</c>. timm default 0.5.</summary>
    public double Hflip { get; init; } = 0.5;

    /// <summary><c>--vflip</c>. timm default 0.</summary>
    public double Vflip { get; init; }

    /// <summary><c>--color-jitter</c> (ignored when <see cref="Aa"/> is set, as in timm). timm default 0.4.</summary>
    public double ColorJitter { get; init; } = 0.4;

    /// <summary><c>--scale MIN MAX</c> of RandomResizedCrop. timm default 0.08 1.</summary>
    public IReadOnlyList<double> Scale { get; init; } = [0.08, 1.0];

    /// <summary><c>--ratio MIN MAX</c> of RandomResizedCrop. timm default 3/4 4/3.</summary>
    public IReadOnlyList<double> Ratio { get; init; } = [3.0 / 4.0, 4.0 / 3.0];

    /// <summary><c>--mixup</c> alpha (0: off).</summary>
    public double Mixup { get; init; }

    /// <summary><c>--cutmix</c> alpha (0: off).</summary>
    public double Cutmix { get; init; }

    /// <summary><c>--mixup-prob</c>. timm default 1.</summary>
    public double MixupProb { get; init; } = 1.0;

    /// <summary><c>--mixup-switch-prob</c>. timm default 0.5.</summary>
    public double MixupSwitchProb { get; init; } = 0.5;

    /// <summary><c>--mixup-mode</c>: batch, pair or elem. timm default batch.</summary>
    public string MixupMode { get; init; } = "batch";

    /// <summary><c>--smoothing</c>: label smoothing. timm default 0.1.</summary>
    public double Smoothing { get; init; } = 0.1;

    /// <summary><c>--bce-loss</c>: timm's binary cross entropy.</summary>
    public bool BceLoss { get; init; }

    /// <summary><c>--bce-target-thresh</c> (null: soft targets).</summary>
    public double? BceTargetThresh { get; init; }

    /// <summary><c>--jsd-loss</c>: Jensen–Shannon consistency with AugMix splits (<see cref="AugSplits"/>).</summary>
    public bool JsdLoss { get; init; }

    /// <summary><c>--aug-splits</c> for <see cref="JsdLoss"/>. timm default 0.</summary>
    public int AugSplits { get; init; }

    /// <summary><c>--aug-repeats</c>: repeated augmentation (0: off).</summary>
    public double AugRepeats { get; init; }

    /// <summary><c>--distillation-type</c>: none, soft or hard (DeiT's names); needs <see cref="TeacherModelFile"/>.</summary>
    public string DistillationType { get; init; } = "none";

    /// <summary><c>--teacher-model-file FILE</c>: the teacher as a one-file model.</summary>
    public string? TeacherModelFile { get; init; }

    /// <summary><c>--distillation-alpha</c> (DeiT default 0.5).</summary>
    public double DistillationAlpha { get; init; } = 0.5;

    /// <summary><c>--distillation-tau</c> (DeiT default 1).</summary>
    public double DistillationTau { get; init; } = 1.0;

    /// <summary><c>--drop</c>: dropout before the classifier (null: the model's).</summary>
    public double? Drop { get; init; }

    /// <summary><c>--drop-path</c>: stochastic depth (null: the model's).</summary>
    public double? DropPath { get; init; }

    /// <summary><c>--model-ema</c>.</summary>
    public bool ModelEma { get; init; }

    /// <summary><c>--model-ema-decay</c>. timm default 0.9998.</summary>
    public double ModelEmaDecay { get; init; } = 0.9998;

    /// <summary><c>--model-ema-warmup</c>.</summary>
    public bool ModelEmaWarmup { get; init; }

    /// <summary><c>--amp</c>: mixed precision in <see cref="AmpDtype"/>.</summary>
    public bool Amp { get; init; }

    /// <summary><c>--amp-dtype</c>: float16 or bfloat16. timm default float16.</summary>
    public string AmpDtype { get; init; } = "float16";

    /// <summary><c>--grad-accum-steps</c>. timm default 1.</summary>
    public int GradAccumSteps { get; init; } = 1;

    /// <summary>
    /// Processes training together (not an option: the launcher decides, see docs/distributed.md). timm's rate rule scales
    /// with the global batch, <see cref="BatchSize"/> × this × <see cref="GradAccumSteps"/>. Default 1.
    /// </summary>
    public int WorldSize { get; init; } = 1;

    /// <summary><c>--grad-checkpointing</c>.</summary>
    public bool GradCheckpointing { get; init; }

    /// <summary><c>--clip-grad</c> (null: off).</summary>
    public double? ClipGrad { get; init; }

    /// <summary><c>--clip-mode</c>: norm, value or agc. timm default norm.</summary>
    public string ClipMode { get; init; } = "norm";

    /// <summary><c>--layer-decay</c> (null: off).</summary>
    public double? LayerDecay { get; init; }

    /// <summary><c>--device</c>: cpu, cuda, cuda:N or null (CUDA when available).</summary>
    public string? Device { get; init; }

    /// <summary><c>--resume FILE</c>: a checkpoint written by a run (<c>OUT/checkpoints/last.safetensors</c> or the recovery checkpoint of a cancelled run).</summary>
    public string? Resume { get; init; }

    /// <summary><c>--output DIR</c>: where the run writes. timm default: <c>./output/train</c>.</summary>
    public string Output { get; init; } = Path.Combine("output", "train");

    /// <summary><c>--seed</c>. timm default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary><c>--workers</c>: data-loader threads. timm default 4.</summary>
    public int Workers { get; init; } = 4;

    /// <summary><c>--lora-r N</c>: LoRA rank (null: no LoRA).</summary>
    public int? LoraR { get; init; }

    /// <summary><c>--lora-alpha</c> (null: the rank).</summary>
    public double? LoraAlpha { get; init; }

    /// <summary><c>--lora-dropout</c>.</summary>
    public double LoraDropout { get; init; }

    /// <summary><c>--lora-targets</c>: qv (query, value), attn (every attention projection) or attn-mlp.</summary>
    public string LoraTargets { get; init; } = "qv";

    /// <summary><c>--freeze</c>: none, head-only (linear probe) or last-blocks (with <see cref="UnfreezeBlocks"/>).</summary>
    public string Freeze { get; init; } = "none";

    /// <summary><c>--unfreeze-blocks N</c> for <c>--freeze last-blocks</c>. Default 2.</summary>
    public int UnfreezeBlocks { get; init; } = 2;

    /// <summary><c>--max-steps N</c>: stop after this many optimizer steps (smoke runs; null: the epochs).</summary>
    public long? MaxSteps { get; init; }
}
