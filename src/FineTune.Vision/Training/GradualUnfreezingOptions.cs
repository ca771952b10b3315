using FineTune.Vision.Adaptation;

namespace FineTune.Vision.Training;

/// <summary>
/// Options of <see cref="GradualUnfreezing"/>. Groups count from the end (the head is the last group): with the
/// defaults only the head trains in epoch 0, and one more group is unfrozen at the start of each later epoch.
/// </summary>
public sealed class GradualUnfreezingOptions
{
    /// <summary>Trainable groups, counted from the head, in the first epochs. <value>Default: 1 (head only).</value></summary>
    public int InitialTrainableGroups { get; init; } = 1;

    /// <summary>
    /// The epochs (0-based) at whose start <see cref="GroupsPerUnfreeze"/> more groups are unfrozen; null unfreezes at
    /// every epoch from 1 on (fastai's <c>freeze_to(-k)</c> per epoch, ULMFiT). Lightning's <c>BackboneFinetuning</c>
    /// is <c>[10]</c> with <see cref="GroupsPerUnfreeze"/> = <see cref="int.MaxValue"/>.
    /// </summary>
    /// <value>Default: null.</value>
    public IReadOnlyList<int>? UnfreezeEpochs { get; init; }

    /// <summary>Groups unfrozen at each unfreezing epoch. <value>Default: 1.</value></summary>
    public int GroupsPerUnfreeze { get; init; } = 1;

    /// <summary>At most this many groups, counted from the head, ever train (null: all). <value>Default: null.</value></summary>
    public int? MaxTrainableGroups { get; init; }

    /// <summary>
    /// Learning-rate multiplier of a group in the epoch it is unfrozen (Lightning's <c>backbone_initial_ratio_lr</c>),
    /// rising geometrically back to 1 over <see cref="LrRampEpochs"/>. Needs one optimizer group per layer group
    /// (<see cref="LayerParameterGroups"/>). <value>Default: 1 (no change).</value>
    /// </summary>
    public double NewGroupLrScale { get; init; } = 1.0;

    /// <summary>Epochs over which a newly unfrozen group's multiplier returns to 1. <value>Default: 1.</value></summary>
    public int LrRampEpochs { get; init; } = 1;

    /// <summary>The groups counted and whether norms of frozen groups still train. <value>Default: the model's layer groups, norms frozen.</value></summary>
    public FreezeOptions Freeze { get; init; } = new();

    internal void Validate()
    {
        List<string> errors = [];
        if (InitialTrainableGroups < 0) errors.Add($"{nameof(InitialTrainableGroups)} must be ≥ 0 (was {InitialTrainableGroups}).");
        if (GroupsPerUnfreeze < 1) errors.Add($"{nameof(GroupsPerUnfreeze)} must be ≥ 1 (was {GroupsPerUnfreeze}).");
        if (MaxTrainableGroups is < 1) errors.Add($"{nameof(MaxTrainableGroups)} must be ≥ 1 or null (was {MaxTrainableGroups}).");
        if (UnfreezeEpochs is not null && UnfreezeEpochs.Any(e => e < 0))
            errors.Add($"{nameof(UnfreezeEpochs)} must be ≥ 0 (was [{string.Join(", ", UnfreezeEpochs)}]).");
        if (!(NewGroupLrScale > 0) || double.IsInfinity(NewGroupLrScale)) errors.Add($"{nameof(NewGroupLrScale)} must be positive and finite (was {NewGroupLrScale}).");
        if (LrRampEpochs < 1) errors.Add($"{nameof(LrRampEpochs)} must be ≥ 1 (was {LrRampEpochs}).");
        if (Freeze is null) errors.Add($"{nameof(Freeze)} must not be null.");
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(GradualUnfreezingOptions)}:\n  " + string.Join("\n  ", errors));
    }
}
