using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>Settings of <see cref="RandomAffine"/>, with torchvision's defaults (every part off).</summary>
public sealed class RandomAffineOptions
{
    /// <summary>Rotation range in degrees (counter-clockwise positive).</summary>
    /// <value>Default: (0, 0).</value>
    public (double Min, double Max) Degrees { get; init; } = (0, 0);

    /// <summary>Maximum absolute translation as fractions of width and height, or null for none.</summary>
    /// <value>Default: null.</value>
    public (double X, double Y)? Translate { get; init; }

    /// <summary>Scale range, or null for 1.</summary>
    /// <value>Default: null.</value>
    public (double Min, double Max)? Scale { get; init; }

    /// <summary>Shear parallel to the x axis, degrees, or null for none.</summary>
    /// <value>Default: null.</value>
    public (double Min, double Max)? ShearX { get; init; }

    /// <summary>Shear parallel to the y axis, degrees, or null for none (torchvision's 4-value shear).</summary>
    /// <value>Default: null.</value>
    public (double Min, double Max)? ShearY { get; init; }

    /// <summary>Nearest, bilinear or bicubic (Pillow's transform filters, as torchvision's PIL path uses them).</summary>
    /// <value>Default: <see cref="Interpolation.Nearest"/>.</value>
    public Interpolation Interpolation { get; init; } = Interpolation.Nearest;

    /// <summary>Colour of uncovered pixels.</summary>
    /// <value>Default: black.</value>
    public RgbColor Fill { get; init; }

    internal void Validate()
    {
        List<string> errors = [];
        if (!(Degrees.Min <= Degrees.Max)) errors.Add($"{nameof(Degrees)} must have min <= max (was {Degrees}).");
        if (Translate is { } t && !(t.X >= 0 && t.X <= 1 && t.Y >= 0 && t.Y <= 1))
            errors.Add($"{nameof(Translate)} fractions must be in [0, 1] (was {t}).");
        if (Scale is { } s && !(s.Min > 0 && s.Min <= s.Max)) errors.Add($"{nameof(Scale)} must satisfy 0 < min <= max (was {s}).");
        if (ShearX is { } sx && !(sx.Min <= sx.Max)) errors.Add($"{nameof(ShearX)} must have min <= max (was {sx}).");
        if (ShearY is { } sy && !(sy.Min <= sy.Max)) errors.Add($"{nameof(ShearY)} must have min <= max (was {sy}).");
        if (AugmentOpRunner.CheckInterpolation(Interpolation, nameof(Interpolation)) is string e) errors.Add(e);
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(RandomAffineOptions)}:\n  " + string.Join("\n  ", errors));
    }
}
