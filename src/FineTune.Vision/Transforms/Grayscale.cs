using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// Converts to grayscale with Pillow's luma weights, kept as three equal channels (torchvision's
/// <c>Grayscale(num_output_channels=3)</c>); wrap in <see cref="RandomApply"/> for <c>RandomGrayscale(p)</c> (p = 0.1 there).
/// </summary>
public sealed class Grayscale : ITransform
{
    /// <inheritdoc />
    public RgbImage Apply(RgbImage image, Random rng)
    {
        ColorOps.Grayscale(image);
        return image;
    }

    /// <inheritdoc />
    public override string ToString() => "Grayscale";
}
