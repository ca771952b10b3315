using FineTune.Vision.Models;

namespace FineTune.Vision.Adaptation;

/// <summary>Options of <see cref="LayerParameterGroups"/>.</summary>
public sealed class ParameterGroupOptions
{
    /// <summary>Weight decay of the decay groups (no decay on 1-D parameters and the model's no-decay set).</summary>
    /// <value>Default: 0.05 (timm's <c>param_groups_layer_decay</c>).</value>
    public double WeightDecay { get; init; } = 0.05;

    /// <summary>
    /// Include frozen parameters as idle groups, so that a later unfreeze trains them without rebuilding the optimizer
    /// (and schedules and resume stay aligned). Idle parameters get no gradient and are not updated, but TorchSharp's
    /// Adam and AdamW allocate their two moment buffers for every parameter when the optimizer is built: leave this off
    /// when the frozen part stays frozen (LoRA, linear probe) to save that memory.
    /// </summary>
    /// <value>Default: false (timm skips parameters without <c>requires_grad</c>).</value>
    public bool IncludeFrozen { get; init; }

    /// <summary>The layer groups, lowest first, head last; null uses the model's <see cref="IVisionModel.LayerGroups"/>.</summary>
    /// <value>Default: null.</value>
    public IReadOnlyList<LayerGroup>? Groups { get; init; }

    /// <summary>Extra parameter names (exact, or suffix after a '.') without weight decay.</summary>
    /// <value>Default: empty.</value>
    public IReadOnlyList<string> NoWeightDecay { get; init; } = [];

    /// <summary>Checks the options; every problem is listed in one exception.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public void Validate()
    {
        List<string> errors = [];
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay)) errors.Add($"{nameof(WeightDecay)} must be ≥ 0 and finite (was {WeightDecay}).");
        if (NoWeightDecay is null) errors.Add($"{nameof(NoWeightDecay)} must not be null (use an empty list).");
        if (Groups is { Count: 0 }) errors.Add($"{nameof(Groups)} must hold at least one layer group, or be null for the model's own.");
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(ParameterGroupOptions)}:\n  " + string.Join("\n  ", errors));
    }
}
