using TorchSharp.Modules;

namespace FineTune.Vision.Adaptation;

/// <summary>
/// A named group of parameters with its own learning-rate scale and weight decay. The schedule's rate is multiplied by
/// <see cref="LrScale"/> for this group (discriminative learning rates, layer-wise decay).
/// </summary>
/// <param name="Name">A label for logs and checkpoints (e.g. "decay", "no_decay", "blocks.11").</param>
/// <param name="Parameters">The parameters, with their names in the model.</param>
/// <param name="WeightDecay">Weight decay for this group.</param>
/// <param name="LrScale">Multiplier on the scheduled rate (1 = the base rate).</param>
/// <param name="LayerId">Index of the model's layer group it came from (0 = stem, the head last), or −1 when not per layer.</param>
public sealed record ParameterGroup(string Name, IReadOnlyList<(string Name, Parameter Parameter)> Parameters, double WeightDecay, double LrScale = 1.0, int LayerId = -1)
{
    /// <summary>Number of scalar values in the group.</summary>
    public long NumElements => Parameters.Sum(p => p.Parameter.numel());

    /// <summary>Whether no parameter of the group currently requires a gradient (an idle, frozen group).</summary>
    public bool IsIdle => Parameters.All(p => !p.Parameter.requires_grad);
}
