using TorchSharp.Modules;

namespace FineTune.Vision.Adaptation;

/// <summary>
/// One optimizer parameter group as the Adaptation layer builds it: parameters with their model names, a weight decay and
/// a multiplier on the scheduled learning rate. It has the shape of <c>Optim.ParameterGroup</c> (which sits in a higher
/// layer): <c>new ParameterGroup(s.Name, s.Parameters, s.WeightDecay, s.LrScale)</c>.
/// </summary>
/// <param name="Name">A label (<c>blocks.3</c>, <c>blocks.3/no_decay</c>, <c>head</c>).</param>
/// <param name="Parameters">The parameters with their names in the model.</param>
/// <param name="WeightDecay">Weight decay for this group.</param>
/// <param name="LrScale">Multiplier on the scheduled rate.</param>
/// <param name="LayerId">Index of the layer group it came from (0 = stem; the head is last).</param>
public sealed record ParameterGroupSpec(string Name, IReadOnlyList<(string Name, Parameter Parameter)> Parameters, double WeightDecay, double LrScale, int LayerId)
{
    /// <summary>Number of scalar values in the group.</summary>
    public long NumElements => Parameters.Sum(p => p.Parameter.numel());

    /// <summary>Whether no parameter of the group currently requires a gradient (an idle, frozen group).</summary>
    public bool IsIdle => Parameters.All(p => !p.Parameter.requires_grad);
}
