namespace FineTune.Vision.Transforms;

/// <summary>
/// One draw of <see cref="ColorJitter"/>: the order of the four adjustments and each factor (null when that
/// adjustment is off).
/// </summary>
/// <param name="Order">The four adjustment indices (0 brightness, 1 contrast, 2 saturation, 3 hue), 2 bits each, first in the low bits.</param>
/// <param name="Brightness">Brightness factor, or null.</param>
/// <param name="Contrast">Contrast factor, or null.</param>
/// <param name="Saturation">Saturation factor, or null.</param>
/// <param name="Hue">Hue shift in [−0.5, 0.5], or null.</param>
public readonly record struct ColorJitterParameters(int Order, double? Brightness, double? Contrast, double? Saturation, double? Hue)
{
    /// <summary>The adjustment applied at position <paramref name="position"/> (0..3).</summary>
    public int OpAt(int position) => (Order >> (2 * position)) & 3;
}
