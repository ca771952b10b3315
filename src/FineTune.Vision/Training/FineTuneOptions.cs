using FineTune.Vision.Adaptation;
using FineTune.Vision.Optim;

namespace FineTune.Vision.Training;

/// <summary>
/// Options of <see cref="FineTuner"/>, with fastai's <c>fine_tune</c> defaults (<c>base_lr=2e-3, freeze_epochs=1,
/// lr_mult=100, pct_start=0.3, div=5</c>). The strategies that unfreeze (<see cref="FineTuneStrategy.Full"/>,
/// <see cref="FineTuneStrategy.LastBlocks"/>, <see cref="FineTuneStrategy.GradualUnfreezing"/>) train
/// <see cref="FreezeEpochs"/> + <see cref="Epochs"/> epochs; <see cref="FineTuneStrategy.HeadOnly"/> and
/// <see cref="FineTuneStrategy.Lora"/> train <see cref="Epochs"/>.
/// </summary>
public sealed class FineTuneOptions
{
    /// <summary>What trains. <value>Default: <see cref="FineTuneStrategy.Full"/>.</value></summary>
    public FineTuneStrategy Strategy { get; init; } = FineTuneStrategy.Full;

    /// <summary>Epochs of the main phase (after the head-only warm-up). <value>Default: 1.</value></summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Head-only warm-up epochs before unfreezing (fastai <c>freeze_epochs</c>; 0 unfreezes at once). <value>Default: 1.</value></summary>
    public int FreezeEpochs { get; init; } = 1;

    /// <summary>
    /// The optimizer; its <see cref="OptimizerConfig.Lr"/> is fastai's <c>base_lr</c> and its weight decay is used for
    /// the decayed parameters of every group. <value>Default: AdamW, lr 2e-3, weight decay 0.01 (fastai's Adam with true weight decay).</value>
    /// </summary>
    public OptimizerConfig Optimizer { get; init; } = Optimizers.AdamW(2e-3);

    /// <summary>The stem's rate is the unfrozen phase's head rate divided by this (fastai <c>lr_mult</c>). <value>Default: 100.</value></summary>
    public double LrMult { get; init; } = 100;

    /// <summary>Rising fraction of the unfrozen phase's one-cycle (fastai <c>pct_start</c>). <value>Default: 0.3.</value></summary>
    public double PctStart { get; init; } = 0.3;

    /// <summary>The unfrozen phase starts at its peak rate / this (fastai <c>div</c>). <value>Default: 5.</value></summary>
    public double Div { get; init; } = 5;

    /// <summary>Blocks unfrozen by <see cref="FineTuneStrategy.LastBlocks"/>. <value>Default: 2.</value></summary>
    public int LastBlocks { get; init; } = 2;

    /// <summary>Groups unfrozen per epoch by <see cref="FineTuneStrategy.GradualUnfreezing"/>. <value>Default: 1.</value></summary>
    public int GroupsPerEpoch { get; init; } = 1;

    /// <summary>The adapters of <see cref="FineTuneStrategy.Lora"/>. <value>Default: rank 8 on q and v, head trained.</value></summary>
    public LoraOptions Lora { get; init; } = new();

    /// <summary>The layer groups counted and whether frozen norms train. <value>Default: the model's groups, norms frozen.</value></summary>
    public FreezeOptions Freeze { get; init; } = new();

    /// <summary>
    /// Everything else about the run (batch size, seed, precision, device, mixing, EMA, callbacks, ...). Its
    /// <see cref="TrainerOptions.Epochs"/>, <see cref="TrainerOptions.Optimizer"/>, <see cref="TrainerOptions.Schedule"/> and
    /// <see cref="TrainerOptions.ParameterGroups"/> are replaced by the fine-tuning plan. <value>Default: the trainer's defaults.</value>
    /// </summary>
    public TrainerOptions Training { get; init; } = new();

    /// <summary>Epochs the run trains: <see cref="FreezeEpochs"/> + <see cref="Epochs"/>, or <see cref="Epochs"/> for head-only and LoRA.</summary>
    public int TotalEpochs => Strategy is FineTuneStrategy.HeadOnly or FineTuneStrategy.Lora ? Epochs : FreezeEpochs + Epochs;

    /// <summary>Checks every option (the trainer does it once, when it is created); throws one exception listing all problems.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public void Validate()
    {
        List<string> errors = [];
        if (!Enum.IsDefined(Strategy)) errors.Add($"{nameof(Strategy)} {(int)Strategy} is not a {nameof(FineTuneStrategy)}.");
        if (Epochs < 1) errors.Add($"{nameof(Epochs)} must be ≥ 1 (was {Epochs}).");
        if (FreezeEpochs < 0) errors.Add($"{nameof(FreezeEpochs)} must be ≥ 0 (was {FreezeEpochs}).");
        if (Optimizer is null) errors.Add($"{nameof(Optimizer)} must not be null; e.g. Optimizers.AdamW(2e-3).");
        if (!(LrMult >= 1) || double.IsInfinity(LrMult)) errors.Add($"{nameof(LrMult)} must be ≥ 1 and finite (was {LrMult}).");
        if (PctStart is <= 0 or >= 1) errors.Add($"{nameof(PctStart)} must be in (0, 1) (was {PctStart}).");
        if (!(Div > 0)) errors.Add($"{nameof(Div)} must be > 0 (was {Div}).");
        if (LastBlocks < 0) errors.Add($"{nameof(LastBlocks)} must be ≥ 0 (was {LastBlocks}).");
        if (GroupsPerEpoch < 1) errors.Add($"{nameof(GroupsPerEpoch)} must be ≥ 1 (was {GroupsPerEpoch}).");
        if (Lora is null) errors.Add($"{nameof(Lora)} must not be null.");
        if (Freeze is null) errors.Add($"{nameof(Freeze)} must not be null.");
        if (Training is null) errors.Add($"{nameof(Training)} must not be null.");
        try { Training?.Validate(); }
        catch (ArgumentException e) { errors.Add(e.Message); }
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(FineTuneOptions)}:\n  " + string.Join("\n  ", errors));
    }
}
