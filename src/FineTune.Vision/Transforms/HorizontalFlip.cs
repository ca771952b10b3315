using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>Mirrors the image left to right, in place (wrap in <see cref="RandomApply"/> for torchvision's <c>RandomHorizontalFlip(p)</c>).</summary>
public sealed class HorizontalFlip : ITransform
{
    /// <inheritdoc />
    public RgbImage Apply(RgbImage image, Random rng)
    {
        GeometryOps.FlipHorizontalInPlace(image);
        return image;
    }

    /// <inheritdoc />
    public override string ToString() => "HorizontalFlip";
}
