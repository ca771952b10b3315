using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// torchvision's <c>RandomRotation</c> on PIL images (without <c>expand</c>): rotates counter-clockwise by an angle
/// uniform in [<see cref="MinDegrees"/>, <see cref="MaxDegrees"/>] about the centre (or a given point), same size,
/// uncovered pixels get <see cref="Fill"/>. Default interpolation: nearest, as torchvision.
/// </summary>
public sealed class RandomRotation : RandomTransform<double>
{
    /// <summary>Rotates by an angle uniform in [−<paramref name="degrees"/>, <paramref name="degrees"/>].</summary>
    public RandomRotation(double degrees, Interpolation interpolation = Interpolation.Nearest, RgbColor fill = default)
        : this(-Math.Abs(degrees), Math.Abs(degrees), interpolation, fill) { }

    /// <summary>Rotates by an angle uniform in [<paramref name="minDegrees"/>, <paramref name="maxDegrees"/>].</summary>
    /// <param name="minDegrees">Smallest angle.</param>
    /// <param name="maxDegrees">Largest angle.</param>
    /// <param name="interpolation">Nearest (default), bilinear or bicubic.</param>
    /// <param name="fill">Colour of uncovered pixels. Default black.</param>
    /// <param name="center">Rotation centre in pixels; default the image centre (W/2, H/2).</param>
    public RandomRotation(double minDegrees, double maxDegrees, Interpolation interpolation = Interpolation.Nearest,
                          RgbColor fill = default, (double X, double Y)? center = null)
    {
        if (!(minDegrees <= maxDegrees)) throw new ArgumentException($"minDegrees ({minDegrees}) must be <= maxDegrees ({maxDegrees}).");
        if (AugmentOpRunner.CheckInterpolation(interpolation, nameof(interpolation)) is string e) throw new ArgumentException(e, nameof(interpolation));
        (MinDegrees, MaxDegrees, Interpolation, Fill, Center) = (minDegrees, maxDegrees, interpolation, fill, center);
    }

    /// <summary>Smallest angle, degrees.</summary>
    public double MinDegrees { get; }

    /// <summary>Largest angle, degrees.</summary>
    public double MaxDegrees { get; }

    /// <summary>The resampling filter.</summary>
    public Interpolation Interpolation { get; }

    /// <summary>Colour of uncovered pixels.</summary>
    public RgbColor Fill { get; }

    /// <summary>Rotation centre, or null for the image centre.</summary>
    public (double X, double Y)? Center { get; }

    /// <summary>Draws the angle in degrees.</summary>
    public override double Sample(int width, int height, Random rng) => Uniform(rng, MinDegrees, MaxDegrees);

    /// <inheritdoc />
    public override RgbImage Apply(RgbImage image, in double parameters)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Replace(image, AffineWarp.Rotate(image, parameters, Interpolation, Fill, Center?.X, Center?.Y));
    }

    /// <inheritdoc />
    public override string ToString() => $"RandomRotation([{MinDegrees}, {MaxDegrees}], {Interpolation})";
}
