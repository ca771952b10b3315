using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>Mirrors the image top to bottom, in place (wrap in <see cref="RandomApply"/> for <c>RandomVerticalFlip(p)</c>).</summary>
public sealed class VerticalFlip : ITransform
{
    /// <inheritdoc />
    public RgbImage Apply(RgbImage image, Random rng)
    {
        GeometryOps.FlipVerticalInPlace(image);
        return image;
    }

    /// <inheritdoc />
    public override string ToString() => "VerticalFlip";
}
