namespace FineTune.Vision.Weights;

/// <summary>A checkpoint tensor that was adapted to the model's shape while loading.</summary>
/// <param name="Key">The model's key (timm naming).</param>
/// <param name="From">The checkpoint's shape.</param>
/// <param name="To">The model's shape.</param>
/// <param name="Method">How it was adapted, e.g. "pos_embed 14x14 -> 24x24, bicubic, antialias".</param>
public sealed record TensorResize(string Key, long[] From, long[] To, string Method)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Key}: [{string.Join(", ", From)}] -> [{string.Join(", ", To)}] ({Method})";
}
