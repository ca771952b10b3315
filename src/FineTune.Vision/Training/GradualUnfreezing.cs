using FineTune.Vision.Adaptation;
using FineTune.Vision.Models;

namespace FineTune.Vision.Training;

/// <summary>
/// Gradual unfreezing (ULMFiT, fastai's <c>freeze_to</c> per epoch, Lightning's <c>BackboneFinetuning</c>): at the start
/// of each epoch the trainable groups are set for that epoch with a <see cref="Freezer"/>: the head first, then one more
/// group (or several) each epoch or at given epochs, optionally at a lower rate while newly unfrozen.
/// </summary>
/// <remarks>
/// The optimizer must already hold every group that will be unfrozen, as idle groups: create the trainer with
/// <see cref="TrainerOptions.ParameterGroups"/> built with <see cref="ParameterGroupOptions.IncludeFrozen"/> (or before
/// freezing anything). Then the schedule, the optimizer state and the parameter-group layout stay the same across an
/// unfreeze, and a run resumed from a checkpoint continues exactly: the state of each epoch is derived from its index.
/// The fit fails at its start, naming the parameters, when the optimizer lacks a group it would unfreeze.
/// </remarks>
public sealed class GradualUnfreezing : Callback
{
    private Freezer? _freezer;
    private int[] _layerOfGroup = [];

    /// <summary>Creates the callback.</summary>
    /// <exception cref="ArgumentException">The options are invalid (every problem is listed).</exception>
    public GradualUnfreezing(GradualUnfreezingOptions? options = null)
    {
        Options = options ?? new GradualUnfreezingOptions();
        Options.Validate();
    }

    /// <summary>The options.</summary>
    public GradualUnfreezingOptions Options { get; }

    /// <summary>Groups trainable in the current epoch, counted from the head (0 before the first epoch starts).</summary>
    public int TrainableGroups { get; private set; }

    /// <summary>Groups trainable, counted from the head, in epoch <paramref name="epoch"/> of a model with <paramref name="groupCount"/> groups.</summary>
    public int TrainableGroupsAt(int epoch, int groupCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(groupCount);
        int unfreezes = Options.UnfreezeEpochs is { } at ? at.Count(e => e <= epoch) : epoch;
        long trainable = Options.InitialTrainableGroups + (long)unfreezes * Options.GroupsPerUnfreeze;
        return (int)Math.Min(trainable, Math.Min(Options.MaxTrainableGroups ?? groupCount, groupCount));
    }

    /// <summary>
    /// The rate multiplier of group <paramref name="group"/> (0-based, head last) in epoch <paramref name="epoch"/>:
    /// <see cref="GradualUnfreezingOptions.NewGroupLrScale"/> in the epoch it is unfrozen, rising geometrically to 1 over
    /// <see cref="GradualUnfreezingOptions.LrRampEpochs"/>; 1 for groups trainable from the start and for frozen groups.
    /// </summary>
    public double LrMultiplierAt(int epoch, int group, int groupCount)
    {
        if (group < groupCount - TrainableGroupsAt(epoch, groupCount)) return 1.0;
        int since = epoch;
        while (since > 0 && group >= groupCount - TrainableGroupsAt(since - 1, groupCount)) since--;
        int age = epoch - since;
        if (since == 0 || age >= Options.LrRampEpochs) return 1.0;
        return Math.Pow(Options.NewGroupLrScale, 1.0 - (double)age / Options.LrRampEpochs);
    }

    /// <inheritdoc />
    public override void OnFitStart(TrainingContext context)
    {
        _freezer = new Freezer(context.Model, Options.Freeze);
        var groups = _freezer.Groups;
        var layerOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < groups.Count; i++)
            foreach (string name in groups[i].ParameterNames) layerOf.TryAdd(name, i);
        CheckOptimizerHolds(context, groups);
        _layerOfGroup = [.. context.Optimizer.Groups.Select(g => g.Parameters.Select(p => layerOf.GetValueOrDefault(p.Name, -1)).Distinct().ToList() is [int only] ? only : -1)];
        if (Options.NewGroupLrScale != 1.0 && _layerOfGroup.Contains(-1))
            throw new InvalidOperationException(
                $"{nameof(GradualUnfreezingOptions.NewGroupLrScale)} = {Options.NewGroupLrScale} needs one optimizer group per layer group, but group "
                + $"'{context.Optimizer.Groups[Array.IndexOf(_layerOfGroup, -1)].Name}' spans several. Set TrainerOptions.ParameterGroups = m => LayerParameterGroups.Uniform(m, new() {{ IncludeFrozen = true }}).");
    }

    /// <inheritdoc />
    public override void OnEpochStart(TrainingContext context)
    {
        var freezer = _freezer ?? throw new InvalidOperationException($"{nameof(GradualUnfreezing)} saw an epoch start before the fit start.");
        int count = freezer.GroupCount;
        TrainableGroups = TrainableGroupsAt(context.Epoch, count);
        freezer.FreezeTo(count - TrainableGroups);
        SyncOptimizer(context);
        for (int i = 0; i < _layerOfGroup.Length; i++)
            if (_layerOfGroup[i] >= 0) context.Optimizer.SetLrMultiplier(i, LrMultiplierAt(context.Epoch, _layerOfGroup[i], count));
    }

    private void CheckOptimizerHolds(TrainingContext context, IReadOnlyList<LayerGroup> groups)
    {
        var held = context.Optimizer.Groups.SelectMany(g => g.Parameters.Select(p => p.Name)).ToHashSet(StringComparer.Ordinal);
        var existing = context.Model.Module.named_parameters().Select(p => p.name).ToHashSet(StringComparer.Ordinal);
        int most = TrainableGroupsAt(Math.Max(0, context.Epochs - 1), groups.Count);
        var missing = groups.Skip(groups.Count - most).SelectMany(g => g.ParameterNames).Where(n => existing.Contains(n) && !held.Contains(n)).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException(
                $"{nameof(GradualUnfreezing)} will unfreeze {missing.Count} parameters that the optimizer does not hold (e.g. {string.Join(", ", missing.Take(3))}): "
                + "it was built over the trainable parameters only, so they would never be updated. Create the trainer with TrainerOptions.ParameterGroups = "
                + "m => LayerParameterGroups.Uniform(m, new() { IncludeFrozen = true }) (or Discriminative/LayerDecay with IncludeFrozen), or before freezing.");
    }

    /// <summary>The optimizer's parameters (fp32 masters under mixed precision) follow the model's trainable set.</summary>
    private static void SyncOptimizer(TrainingContext context)
    {
        var trainable = context.Model.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter.requires_grad, StringComparer.Ordinal);
        foreach (var group in context.Optimizer.Groups)
            foreach (var (name, p) in group.Parameters)
                if (trainable.TryGetValue(name, out bool value) && p.requires_grad != value) p.requires_grad = value;
    }
}
