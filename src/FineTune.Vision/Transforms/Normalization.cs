namespace FineTune.Vision.Transforms;

/// <summary>
/// Per-channel mean and standard deviation for ToTensor + Normalize: a byte v becomes (v / 255 − mean) / std,
/// in float32 as torchvision computes it.
/// </summary>
/// <param name="Mean">Red, green, blue means (in 0..1 units).</param>
/// <param name="Std">Red, green, blue standard deviations (positive).</param>
public readonly record struct Normalization((float R, float G, float B) Mean, (float R, float G, float B) Std)
{
    /// <summary>ImageNet statistics (timm's <c>IMAGENET_DEFAULT_MEAN/STD</c>): ViT (augreg excepted), DeiT, Swin, CaiT.</summary>
    public static Normalization ImageNet => new((0.485f, 0.456f, 0.406f), (0.229f, 0.224f, 0.225f));

    /// <summary>Mean 0.5, std 0.5 on every channel (timm's <c>IMAGENET_INCEPTION_MEAN/STD</c>): original ViT, BEiT; maps to [−1, 1].</summary>
    public static Normalization Inception => new((0.5f, 0.5f, 0.5f), (0.5f, 0.5f, 0.5f));

    /// <summary>Mean 0, std 1: ToTensor alone (values in [0, 1]).</summary>
    public static Normalization None => new((0f, 0f, 0f), (1f, 1f, 1f));

    /// <summary>Mean of channel <paramref name="c"/> (0 red, 1 green, 2 blue).</summary>
    public float MeanOf(int c) => c switch { 0 => Mean.R, 1 => Mean.G, 2 => Mean.B, _ => throw new ArgumentOutOfRangeException(nameof(c)) };

    /// <summary>Standard deviation of channel <paramref name="c"/>.</summary>
    public float StdOf(int c) => c switch { 0 => Std.R, 1 => Std.G, 2 => Std.B, _ => throw new ArgumentOutOfRangeException(nameof(c)) };

    /// <summary>A 3·256 lookup table: entry [c·256 + v] is the normalised value of byte v on channel c.</summary>
    public float[] BuildLookup()
    {
        var lut = new float[3 * 256];
        for (int c = 0; c < 3; c++)
        {
            float mean = MeanOf(c), std = StdOf(c);
            if (!(std > 0)) throw new ArgumentOutOfRangeException(nameof(Std), std, $"Standard deviation of channel {c} must be positive.");
            for (int v = 0; v < 256; v++) lut[c * 256 + v] = (v / 255f - mean) / std;
        }
        return lut;
    }
}
