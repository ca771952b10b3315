using FineTune.Vision.Optim;
using FineTune.Vision.Training.Callbacks;
using FineTune.Vision.Training.Losses;
using FineTune.Vision.Training.Precision;
using FineTune.Vision.Transforms;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace FineTune.Vision.Training;

/// <summary>How a <see cref="Trainer"/> trains: length, batches, optimizer, schedule, precision, regularisation, callbacks.</summary>
/// <remarks>
/// Validated once, when the trainer is created; every problem is listed in one exception. A record: <c>options with { Epochs = 3 }</c>
/// copies every setting, and the copy gets its own <see cref="Callbacks"/> list (the callbacks in it are the same objects).
/// </remarks>
public sealed record TrainerOptions
{
    /// <summary>Default options.</summary>
    public TrainerOptions() { }

    /// <summary>The copy made by <c>with</c>: every setting, and a new <see cref="Callbacks"/> list holding the same callbacks.</summary>
    private TrainerOptions(TrainerOptions original)
    {
        (Epochs, MaxSteps, BatchSize, Workers, Optimizer, ParameterGroups, Schedule) =
            (original.Epochs, original.MaxSteps, original.BatchSize, original.Workers, original.Optimizer, original.ParameterGroups, original.Schedule);
        (GradientAccumulation, GradCheckpointing, ClipGradNorm, ClipGradValue, Precision, LossScaler, Mixing, LabelSmoothing) =
            (original.GradientAccumulation, original.GradCheckpointing, original.ClipGradNorm, original.ClipGradValue, original.Precision, original.LossScaler, original.Mixing, original.LabelSmoothing);
        (Ema, Seed, UInt8Normalization, Device, RecoveryCheckpoint, SkipUnreadable, Monitor, PlateauMonitor) =
            (original.Ema, original.Seed, original.UInt8Normalization, original.Device, original.RecoveryCheckpoint, original.SkipUnreadable, original.Monitor, original.PlateauMonitor);
        (EvalEverySteps, KeepBestModel, Sampler, Sam) = (original.EvalEverySteps, original.KeepBestModel, original.Sampler, original.Sam);
        (Loss, ClipGradAgc, Logger, ProcessGroup) = (original.Loss, original.ClipGradAgc, original.Logger, original.ProcessGroup);
        Callbacks = original.Callbacks is null ? null! : [.. original.Callbacks];
    }

    /// <summary>Epochs to train. <value>Default: 10.</value></summary>
    public int Epochs { get; init; } = 10;

    /// <summary>A budget of optimizer steps; training stops when it is reached (null: only <see cref="Epochs"/> counts).</summary>
    public long? MaxSteps { get; init; }

    /// <summary>Samples per batch when the trainer makes its own data loaders from sample sources. <value>Default: 32.</value></summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Worker threads of loaders the trainer makes (null: the loader's default).</summary>
    public int? Workers { get; init; }

    /// <summary>The optimizer and its base rate. <value>Default: AdamW, lr 1e-3, weight decay 0.01.</value></summary>
    public OptimizerConfig Optimizer { get; init; } = new();

    /// <summary>
    /// The optimizer's parameter groups (layer decay, discriminative rates, frozen groups kept idle for a later unfreeze);
    /// null: one weight-decay split over the trainable parameters (no decay on 1-D parameters and the model's no-decay set,
    /// decay <see cref="OptimizerConfig.EffectiveWeightDecay"/>). Each group's own weight decay and rate scale are used.
    /// </summary>
    /// <value>Default: null.</value>
    public ParameterGroupFactory? ParameterGroups { get; init; }

    /// <summary>The learning-rate schedule, made once the run length is known. <value>Default: <see cref="LrSchedules.Constant"/>.</value></summary>
    public LrScheduleFactory Schedule { get; init; } = LrSchedules.Constant();

    /// <summary>Micro-batches whose gradients are summed before each optimizer step. <value>Default: 1.</value></summary>
    public int GradientAccumulation { get; init; } = 1;

    /// <summary>
    /// Turns on the model's <see cref="Models.IVisionModel.GradCheckpointing"/> when the trainer is created (the Hugging Face
    /// Trainer's <c>gradient_checkpointing</c>): less activation memory for one more forward per step. False leaves the
    /// model's own setting as it is.
    /// </summary>
    /// <value>Default: false.</value>
    public bool GradCheckpointing { get; init; }

    /// <summary>Clip the global gradient L2 norm to this value (null: no clipping).</summary>
    public double? ClipGradNorm { get; init; }

    /// <summary>Clip each gradient element to ±this value (null: no clipping).</summary>
    public double? ClipGradValue { get; init; }

    /// <summary>
    /// Adaptive gradient clipping with this clip factor λ (timm's <c>--clip-mode agc --clip-grad λ</c>; see
    /// <see cref="Optim.AdaptiveGradientClipping"/>), applied before <see cref="ClipGradValue"/> and <see cref="ClipGradNorm"/>;
    /// null: off.
    /// </summary>
    public double? ClipGradAgc { get; init; }

    /// <summary>The compute format. <value>Default: <see cref="TrainingPrecision.Float32"/>.</value></summary>
    public TrainingPrecision Precision { get; init; } = TrainingPrecision.Float32;

    /// <summary>Loss-scaler settings for <see cref="TrainingPrecision.Float16"/>. <value>Default: GradScaler's.</value></summary>
    public LossScalerOptions LossScaler { get; init; } = new();

    /// <summary>A batch transform such as Mixup/CutMix; its soft targets switch the loss to soft-target cross entropy.</summary>
    public IBatchTransform? Mixing { get; init; }

    /// <summary>
    /// Label smoothing of the default training loss on hard labels (not used with <see cref="Mixing"/>, which smooths
    /// itself). Only with <see cref="Loss"/> null: a loss given there carries its own smoothing.
    /// </summary>
    /// <value>Default: 0.</value>
    public double LabelSmoothing { get; init; }

    /// <summary>
    /// The sampler of the training loader that <see cref="Trainer"/> makes from a sample source (e.g.
    /// <see cref="Data.RepeatAugSampler"/> for repeated augmentation, <see cref="Data.WeightedRandomSampler.ClassBalanced"/>
    /// for imbalanced classes); loaders you build yourself take <see cref="Data.DataLoaderOptions.Sampler"/>.
    /// </summary>
    /// <value>Default: null (every training image once per epoch, shuffled).</value>
    public Data.ISampler? Sampler { get; init; }

    /// <summary>
    /// The training loss (cross entropy with class weights, timm's binary cross entropy, focal loss, DeiT's distillation,
    /// or your own <see cref="LossFunction"/>). Null: the default, <see cref="SoftTargetCrossEntropy"/> on the soft targets
    /// of <see cref="Mixing"/>, else <see cref="LabelSmoothingCrossEntropy"/> with <see cref="LabelSmoothing"/>. The
    /// validation loss is always plain cross entropy. The trainer does not dispose the loss.
    /// </summary>
    /// <value>Default: null.</value>
    public LossFunction? Loss { get; init; }

    /// <summary>
    /// Sharpness-aware minimization around <see cref="Optimizer"/> (two forward/backward passes per step; see
    /// <see cref="Optim.SamOptions"/>). Needs <see cref="GradientAccumulation"/> 1; runs in fp32 or bf16 (not fp16).
    /// </summary>
    /// <value>Default: null (off).</value>
    public Optim.SamOptions? Sam { get; init; }

    /// <summary>Model EMA (null: off).</summary>
    public EmaOptions? Ema { get; init; }

    /// <summary>Seeds the data order, the augmentations, the batch transform and the torch generator (dropout, drop path). <value>Default: 0.</value></summary>
    public long Seed { get; init; }

    /// <summary>
    /// Mean and std that turn uint8 batches (<see cref="Data.DatasetExtensions.WithUInt8"/> sources) into normalised
    /// float32 on the device; null uses the model's <see cref="Models.PretrainedConfig"/> mean and std. Float batches
    /// are used as they come.
    /// </summary>
    public Normalization? UInt8Normalization { get; init; }

    /// <summary>
    /// The device to train on; the model is moved there when the trainer is created. Null: CUDA when a GPU and a CUDA
    /// backend package are present (<see cref="Core.TorchBackend.DefaultDevice"/>), else the CPU.
    /// </summary>
    public Device? Device { get; init; }

    /// <summary>
    /// Where a cancelled <see cref="Trainer.Fit(Data.DataLoader, Data.DataLoader?, CancellationToken)"/> saves a recovery
    /// checkpoint (weights path; the training state goes beside it) before returning; null: none is saved.
    /// </summary>
    public string? RecoveryCheckpoint { get; init; }

    /// <summary>
    /// Where the trainer logs the run (for ASP.NET Core and worker-service hosts, an <c>ILogger&lt;T&gt;</c> from
    /// dependency injection): at Information the start, one line per epoch with every metric, validations inside an
    /// epoch, each checkpoint saved and how the run ended (Warning when it was cancelled or stopped on a non-finite
    /// loss); at Warning each unreadable image skipped (<see cref="SkipUnreadable"/>) by the loaders the trainer makes
    /// from sources. See docs/training.md, "Logging".
    /// </summary>
    /// <value>Default: null (nothing is logged; <see cref="ProgressDisplay"/> and the other callbacks are unaffected).</value>
    public ILogger? Logger { get; init; }

    /// <summary>
    /// The processes to train with, data-parallel (docs/distributed.md). Null: the group the launcher started this
    /// process in (<c>mpiexec</c>, <c>srun</c>: <see cref="Distributed.ProcessGroup.FromEnvironment"/>), so a program runs
    /// distributed under a launcher with no change, and as a single process otherwise;
    /// <see cref="Distributed.ProcessGroup.Single"/> trains alone even under a launcher.
    /// </summary>
    /// <value>Default: null (from the environment).</value>
    public Distributed.ProcessGroup? ProcessGroup { get; init; }

    /// <summary>Callbacks, run in <see cref="Callback.Order"/> and then list order.</summary>
    public IList<Callback> Callbacks { get; init; } = [];

    /// <summary>
    /// Whether an unreadable training or validation image (missing, corrupt, truncated) is skipped instead of failing the
    /// fit, in the loaders the trainer makes from sample sources (<see cref="Data.DataLoaderOptions.SkipUnreadable"/>).
    /// Skipped files are listed per epoch in <see cref="EpochResult.Skipped"/> and on <see cref="ProgressDisplay"/>'s epoch line.
    /// </summary>
    /// <value>Default: false (the first unreadable image fails the fit, naming the file).</value>
    public bool SkipUnreadable { get; init; }

    /// <summary>
    /// Validates every this many optimizer steps inside the epochs as well as at each epoch's end (the Hugging Face
    /// Trainer's <c>eval_strategy="steps"</c> with <c>eval_steps</c>), when <see cref="Trainer.Fit(Data.DataLoader, Data.DataLoader?, CancellationToken)"/> has validation data.
    /// Every validation is listed in <see cref="FitResult.Evaluations"/>; those inside an epoch raise
    /// <see cref="TrainingEvent.StepValidationEnd"/> and leave the epoch's metrics alone.
    /// </summary>
    /// <value>Default: null (at the end of each epoch only).</value>
    public int? EvalEverySteps { get; init; }

    /// <summary>
    /// At the end of <see cref="Trainer.Fit(Data.DataLoader, Data.DataLoader?, CancellationToken)"/>, puts back the weights of the validation with the best
    /// <see cref="Monitor"/> value (the Hugging Face Trainer's <c>load_best_model_at_end</c>), kept in memory (one copy of
    /// the weights) whenever a validation improves on the best so far; <see cref="FitResult.RestoredBest"/> says which.
    /// The optimizer state stays at the last step. With <see cref="EvalEverySteps"/> the monitor must be a validation
    /// metric (<see cref="Metric.ValLoss"/>, <see cref="Metric.ValTop1"/> or <see cref="Metric.ValTop5"/>).
    /// </summary>
    /// <value>Default: false (the model keeps the last step's weights).</value>
    public bool KeepBestModel { get; init; }

    /// <summary>The metric that picks <see cref="FitResult.BestEpoch"/>. <value>Default: <see cref="Metric.ValTop1"/>.</value></summary>
    public Metric Monitor { get; init; } = Metric.ValTop1;

    /// <summary>
    /// The metric a <see cref="Optim.Schedules.ReduceLROnPlateau"/> schedule is given after each epoch; its mode must agree
    /// with the schedule's. Null: <see cref="Metric.ValLoss"/>, or <see cref="Metric.TrainLoss"/> without validation data.
    /// </summary>
    /// <value>Default: null.</value>
    public Metric? PlateauMonitor { get; init; }

    /// <summary>Checks every option (the trainer does it once, when it is created); throws one exception listing all problems.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public void Validate()
    {
        List<string> errors = [];
        if (Epochs <= 0) errors.Add($"{nameof(Epochs)} must be > 0 (was {Epochs}).");
        if (MaxSteps is <= 0) errors.Add($"{nameof(MaxSteps)} must be > 0 or null (was {MaxSteps}).");
        if (BatchSize <= 0) errors.Add($"{nameof(BatchSize)} must be > 0 (was {BatchSize}).");
        if (Workers is <= 0) errors.Add($"{nameof(Workers)} must be > 0 or null (was {Workers}).");
        if (Optimizer is null) errors.Add($"{nameof(Optimizer)} must not be null; e.g. Optimizers.AdamW(1e-3).");
        if (Schedule is null) errors.Add($"{nameof(Schedule)} must not be null; e.g. LrSchedules.Constant().");
        if (GradientAccumulation <= 0) errors.Add($"{nameof(GradientAccumulation)} must be ≥ 1 (was {GradientAccumulation}).");
        if (ClipGradNorm is { } n && !(n > 0)) errors.Add($"{nameof(ClipGradNorm)} must be positive or null (was {n}).");
        if (ClipGradValue is { } v && !(v > 0)) errors.Add($"{nameof(ClipGradValue)} must be positive or null (was {v}).");
        if (!Enum.IsDefined(Precision)) errors.Add($"{nameof(Precision)} {(int)Precision} is not a {nameof(TrainingPrecision)}.");
        if (!(LabelSmoothing is >= 0 and < 1)) errors.Add($"{nameof(LabelSmoothing)} must be in [0, 1) (was {LabelSmoothing}).");
        else if (Loss is not null && LabelSmoothing != 0)
            errors.Add($"{nameof(LabelSmoothing)} ({LabelSmoothing}) applies to the default loss only, but {nameof(Loss)} is a {Loss.GetType().Name}: give the smoothing to the loss (e.g. new LabelSmoothingCrossEntropy({LabelSmoothing}) or new CrossEntropy(labelSmoothing: {LabelSmoothing})) and leave {nameof(LabelSmoothing)} at 0.");
        if (ClipGradAgc is { } agc && !(agc > 0 && double.IsFinite(agc))) errors.Add($"{nameof(ClipGradAgc)} must be positive or null (was {agc}).");
        if (LossScaler is null) errors.Add($"{nameof(LossScaler)} must not be null.");
        if (RecoveryCheckpoint is not null && string.IsNullOrWhiteSpace(RecoveryCheckpoint)) errors.Add($"{nameof(RecoveryCheckpoint)} must be a file path or null (was '{RecoveryCheckpoint}').");
        if (Callbacks is null) errors.Add($"{nameof(Callbacks)} must not be null.");
        else if (Callbacks.Any(c => c is null)) errors.Add($"{nameof(Callbacks)} contains null.");
        if (Ema is not null) errors.AddRange(Ema.Errors());
        if (Monitor.Name is null) errors.Add($"{nameof(Monitor)} must name a metric, e.g. Metric.ValTop1.");
        if (Sam is not null)
        {
            errors.AddRange(Sam.Errors());
            if (GradientAccumulation != 1) errors.Add($"{nameof(Sam)} needs {nameof(GradientAccumulation)} 1 (was {GradientAccumulation}): its two passes perturb the weights per micro-batch.");
            if (Precision == TrainingPrecision.Float16) errors.Add($"{nameof(Sam)} runs in {nameof(TrainingPrecision.Float32)} or {nameof(TrainingPrecision.BFloat16)}, not with the fp16 loss scaler (was {Precision}).");
        }
        if (EvalEverySteps is <= 0) errors.Add($"{nameof(EvalEverySteps)} must be > 0 or null (was {EvalEverySteps}).");
        if (KeepBestModel && EvalEverySteps is not null && Monitor.Name is not null && !Trainer.IsValidationMetric(Monitor))
            errors.Add($"{nameof(KeepBestModel)} with {nameof(EvalEverySteps)} needs a validation {nameof(Monitor)} (val_loss, val_top1 or val_top5); was {Monitor.Name}.");
        if (PlateauMonitor is { Name: null }) errors.Add($"{nameof(PlateauMonitor)} must name a metric or be null.");
        try { Optimizer?.Validate(); }
        catch (ArgumentException e) { errors.Add(e.Message); }
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(TrainerOptions)}:\n  " + string.Join("\n  ", errors));
    }
}
