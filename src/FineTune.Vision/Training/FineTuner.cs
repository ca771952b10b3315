using FineTune.Vision.Adaptation;
using FineTune.Vision.Data;
using FineTune.Vision.Models;
using FineTune.Vision.Optim.Schedules;

namespace FineTune.Vision.Training;

/// <summary>
/// fastai's <c>fine_tune</c> in one object (and <see cref="Run"/> in one call): freezes, adds LoRA or unfreezes as the
/// <see cref="FineTuneStrategy"/> says, and builds a <see cref="Trainer"/> whose optimizer holds every group that will
/// ever train from the start (frozen ones idle), whose schedule is two one-cycles in a row (head-only warm-up, then the
/// unfrozen phase at half the rate with discriminative rates), and whose <see cref="GradualUnfreezing"/> callback sets
/// the trainable groups of each epoch, so a checkpoint taken at any epoch resumes exactly.
/// </summary>
/// <remarks>
/// Apply it to a model with its new classifier (<see cref="IVisionModel.ResetClassifier"/>) and pretrained weights loaded.
/// It changes the model's trainable set (and, for LoRA, injects adapters); it does not own the model. Dispose it to
/// release the trainer's optimizer.
/// </remarks>
public sealed class FineTuner : IDisposable
{
    /// <summary>fastai's <c>div_final</c>: a one-cycle ends at its peak rate / 1e5.</summary>
    private const double FinalDiv = 1e5;

    /// <summary>Prepares fine-tuning of <paramref name="model"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid (every problem is listed), or LoRA targets match nothing.</exception>
    public FineTuner(IVisionModel model, FineTuneOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Options = options ?? new FineTuneOptions();
        Options.Validate();
        Model = model;
        var freezer = new Freezer(model, Options.Freeze);
        ParameterGroupFactory? groups = null;
        LrScheduleFactory schedule = (lr, total) => OneCycle(lr, total, pctStart: 0.25, div: 25);
        switch (Options.Strategy)
        {
            case FineTuneStrategy.Lora:
                Adapters = Lora.Apply(model, Options.Lora);
                break;
            case FineTuneStrategy.HeadOnly:
                freezer.HeadOnly();
                break;
            default:
                Unfreezing = new GradualUnfreezing(UnfreezingOptions(freezer));
                freezer.FreezeTo(freezer.GroupCount - Unfreezing.TrainableGroupsAt(0, freezer.GroupCount));
                double weightDecay = Options.Optimizer.EffectiveWeightDecay, mult = Options.LrMult;
                groups = m => LayerParameterGroups.Discriminative(m, 1.0 / mult, 1.0,
                    new ParameterGroupOptions { IncludeFrozen = true, WeightDecay = weightDecay, Groups = Options.Freeze.Groups });
                schedule = TwoPhase;
                break;
        }
        Callback[] extra = Unfreezing is null ? [] : [Unfreezing];
        Trainer = new Trainer(model, Options.Training with
        {
            Epochs = Options.TotalEpochs, Optimizer = Options.Optimizer, Schedule = schedule, ParameterGroups = groups,
            Callbacks = [.. extra, .. Options.Training.Callbacks ?? []],
        });
    }

    /// <summary>The options.</summary>
    public FineTuneOptions Options { get; }

    /// <summary>The model being fine-tuned.</summary>
    public IVisionModel Model { get; }

    /// <summary>The trainer (checkpoints, resume, evaluation, prediction).</summary>
    public Trainer Trainer { get; }

    /// <summary>The LoRA adapters (merge, save) with <see cref="FineTuneStrategy.Lora"/>; otherwise null.</summary>
    public LoraAdapters? Adapters { get; }

    /// <summary>The unfreezing callback of the strategies that unfreeze; otherwise null.</summary>
    public GradualUnfreezing? Unfreezing { get; }

    /// <summary>The current trainable-parameter report.</summary>
    public TrainableReport Report() => TrainableReport.Of(Model, Options.Freeze.Groups);

    /// <summary>Trains for the remaining epochs, validating after each when <paramref name="validation"/> is given.</summary>
    public FitResult Fit(DataLoader train, DataLoader? validation = null, CancellationToken cancellationToken = default) =>
        Trainer.Fit(train, validation, cancellationToken);

    /// <summary>Trains with loaders the trainer makes (<see cref="TrainerOptions.BatchSize"/>, shuffled by <see cref="TrainerOptions.Seed"/>).</summary>
    public FitResult Fit(SampleSource train, SampleSource? validation = null, CancellationToken cancellationToken = default) =>
        Trainer.Fit(train, validation, cancellationToken);

    /// <summary>
    /// The one call: prepares, trains and releases the trainer; returns the run's result (history, best and last validation).
    /// Use a <see cref="FineTuner"/> instance instead to keep the trainer (checkpoints) or the LoRA adapters (merge, save).
    /// </summary>
    public static FitResult Run(IVisionModel model, SampleSource train, SampleSource? validation = null, FineTuneOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        using var tuner = new FineTuner(model, options);
        return tuner.Fit(train, validation, cancellationToken);
    }

    /// <summary>Releases the trainer (not the model). Idempotent.</summary>
    public void Dispose() => Trainer.Dispose();

    private GradualUnfreezingOptions UnfreezingOptions(Freezer freezer)
    {
        int warmup = Options.FreezeEpochs;
        return Options.Strategy switch
        {
            FineTuneStrategy.LastBlocks => new()
            {
                UnfreezeEpochs = [warmup], GroupsPerUnfreeze = int.MaxValue, Freeze = Options.Freeze,
                MaxTrainableGroups = freezer.GroupCount - freezer.FirstGroupOfLastBlocks(Options.LastBlocks),
            },
            FineTuneStrategy.GradualUnfreezing => new()
            {
                UnfreezeEpochs = [.. Enumerable.Range(warmup, Options.Epochs)], GroupsPerUnfreeze = Options.GroupsPerEpoch, Freeze = Options.Freeze,
            },
            _ => new() { UnfreezeEpochs = [warmup], GroupsPerUnfreeze = int.MaxValue, Freeze = Options.Freeze },
        };
    }

    /// <summary>fastai: <c>fit_one_cycle(freeze_epochs, base_lr, pct_start=0.99)</c>, then <c>fit_one_cycle(epochs, base_lr/2, pct_start, div)</c>.</summary>
    private ILrSchedule TwoPhase(double lr, long total)
    {
        long frozen = (long)Math.Round((double)total * Options.FreezeEpochs / Options.TotalEpochs);
        ILrSchedule unfrozen = OneCycle(lr / 2, total - frozen, Options.PctStart, Options.Div);
        return frozen == 0 ? unfrozen : new SequentialLR([OneCycle(lr, frozen, pctStart: 0.99, div: 25), unfrozen], [frozen]);
    }

    private static OneCycleLR OneCycle(double peak, long steps, double pctStart, double div) => new(new OneCycleLROptions
    {
        MaxLr = peak, TotalSteps = Math.Max(2, steps), PctStart = pctStart, DivFactor = div, FinalDivFactor = FinalDiv / div,
    });
}
