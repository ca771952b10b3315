namespace FineTune.Vision.Models;

/// <summary>
/// One depth level of a model (timm's <c>group_matcher</c> idea): the stem, a block, the final norm or the head,
/// with the names of its parameters. Used for layer-wise learning-rate decay and gradual unfreezing.
/// </summary>
/// <param name="Name">A readable name (<c>stem</c>, <c>blocks.3</c>, <c>layers.2.blocks.0</c>, <c>norm</c>, <c>head</c>).</param>
/// <param name="ParameterNames">The state-dict names of the parameters in this group, in model order.</param>
public sealed record LayerGroup(string Name, IReadOnlyList<string> ParameterNames);
