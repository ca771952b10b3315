namespace FineTune.Vision.Adaptation;

/// <summary>Parameter counts of one layer group in a <see cref="TrainableReport"/>.</summary>
/// <param name="Name">The group name (<c>stem</c>, <c>blocks.3</c>, <c>head</c>).</param>
/// <param name="Total">Scalar parameters in the group.</param>
/// <param name="Trainable">Scalar parameters with <c>requires_grad</c>.</param>
public sealed record GroupCount(string Name, long Total, long Trainable);
