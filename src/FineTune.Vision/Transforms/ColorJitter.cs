using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// torchvision's <c>ColorJitter</c> on PIL images: draws a random order of the four adjustments, then a brightness,
/// contrast and saturation factor uniform in [max(0, 1 − v), 1 + v] and a hue shift uniform in [−h, h] (each only
/// if enabled), and applies them in the drawn order with Pillow's arithmetic (<see cref="ColorOps"/>).
/// A value of 0 disables that adjustment. timm's train default is 0.4 for the first three, no hue.
/// </summary>
public sealed class ColorJitter : RandomTransform<ColorJitterParameters>
{
    private readonly (double Min, double Max)? _brightness, _contrast, _saturation, _hue;

    /// <summary>Creates the transform; every argument defaults to 0 (off).</summary>
    /// <param name="brightness">Brightness jitter v ≥ 0: factor in [max(0, 1 − v), 1 + v].</param>
    /// <param name="contrast">Contrast jitter v ≥ 0.</param>
    /// <param name="saturation">Saturation jitter v ≥ 0.</param>
    /// <param name="hue">Hue jitter h in [0, 0.5]: shift in [−h, h].</param>
    public ColorJitter(double brightness = 0, double contrast = 0, double saturation = 0, double hue = 0)
    {
        _brightness = FactorRange(brightness, nameof(brightness));
        _contrast = FactorRange(contrast, nameof(contrast));
        _saturation = FactorRange(saturation, nameof(saturation));
        if (hue is < 0 or > 0.5) throw new ArgumentOutOfRangeException(nameof(hue), hue, "Hue jitter must be in [0, 0.5].");
        _hue = hue == 0 ? null : (-hue, hue);
    }

    /// <summary>torchvision's <c>get_params</c>: permutation of the four, then b, c, s, h in that fixed order.</summary>
    public override ColorJitterParameters Sample(int width, int height, Random rng)
    {
        Span<int> order = [0, 1, 2, 3];
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        int packed = order[0] | order[1] << 2 | order[2] << 4 | order[3] << 6;
        return new ColorJitterParameters(packed, Draw(_brightness, rng), Draw(_contrast, rng), Draw(_saturation, rng), Draw(_hue, rng));
    }

    /// <inheritdoc />
    public override RgbImage Apply(RgbImage image, in ColorJitterParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(image);
        for (int position = 0; position < 4; position++)
        {
            switch (parameters.OpAt(position))
            {
                case 0 when parameters.Brightness is { } b: ColorOps.Brightness(image, b); break;
                case 1 when parameters.Contrast is { } c: ColorOps.Contrast(image, c); break;
                case 2 when parameters.Saturation is { } s: ColorOps.Color(image, s); break;
                case 3 when parameters.Hue is { } h: ColorOps.Hue(image, h); break;
            }
        }
        return image;
    }

    private static double? Draw((double Min, double Max)? range, Random rng) =>
        range is { } r ? Uniform(rng, r.Min, r.Max) : null;

    private static (double, double)? FactorRange(double value, string name)
    {
        if (!(value >= 0)) throw new ArgumentOutOfRangeException(name, value, $"{name} jitter must be >= 0.");
        return value == 0 ? null : (Math.Max(0, 1 - value), 1 + value);
    }

    /// <inheritdoc />
    public override string ToString() => $"ColorJitter(b={_brightness}, c={_contrast}, s={_saturation}, h={_hue})";
}
