using FineTune.Vision.Imaging;
using FineTune.Vision.Transforms;

namespace CustomAugmentation;

/// <summary>
/// A user-written augmentation: permutes the R, G and B channels. Deriving from <see cref="RandomTransform{TParams}"/>
/// keeps the two halves apart: <see cref="Sample"/> draws every random value from the generator the data loader
/// seeds per sample (so runs are reproducible whatever the worker count), and <see cref="Apply(RgbImage, in ChannelOrder)"/>
/// is deterministic. Implementing <see cref="ITransform"/> directly works too: it is one method.
/// </summary>
public sealed class RandomChannelShuffle : RandomTransform<ChannelOrder>
{
    private static readonly ChannelOrder[] Orders = [new(0, 2, 1), new(1, 0, 2), new(1, 2, 0), new(2, 0, 1), new(2, 1, 0)];

    /// <inheritdoc />
    public override ChannelOrder Sample(int width, int height, Random rng) => Orders[rng.Next(Orders.Length)];

    /// <inheritdoc />
    public override RgbImage Apply(RgbImage image, in ChannelOrder order)
    {
        Span<byte> pixels = image.Pixels;              // edit in place: the transform owns its input
        for (int i = 0; i < pixels.Length; i += 3)
        {
            byte r = pixels[i], g = pixels[i + 1], b = pixels[i + 2];
            ReadOnlySpan<byte> rgb = [r, g, b];
            pixels[i] = rgb[order.R];
            pixels[i + 1] = rgb[order.G];
            pixels[i + 2] = rgb[order.B];
        }
        return image;
    }
}

/// <summary>Which source channel goes to R, G and B.</summary>
public readonly record struct ChannelOrder(int R, int G, int B);
