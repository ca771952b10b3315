using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>Applies one <see cref="AugmentOp"/> with a resolved argument; consumes its input image.</summary>
internal static class AugmentOpRunner
{
    public static bool IsGeometric(AugmentOp op) =>
        op is AugmentOp.Rotate or AugmentOp.ShearX or AugmentOp.ShearY or AugmentOp.TranslateX or AugmentOp.TranslateY;

    /// <summary>Checks that <paramref name="interpolation"/> is a defined filter, naming the option at fault.</summary>
    public static string? CheckInterpolation(Interpolation interpolation, string option) =>
        Enum.IsDefined(interpolation)
            ? null
            : $"{option} must be Nearest, Bilinear or Bicubic (was {interpolation}).";

    /// <summary>torchvision's step: the magnitude of bin <paramref name="bin"/>, negated when signed and a draw ≤ ½, then the op.</summary>
    public static RgbImage ApplyAtBin(RgbImage image, AugmentOpSpec spec, int bin, int numBins, Random rng,
                                      Interpolation interpolation, RgbColor fill)
    {
        double arg = 0;
        if (spec.HasArgument)
        {
            bool negate = spec.Signed && rng.NextDouble() <= 0.5;
            arg = spec.ArgumentAtBin(bin, numBins, image.Width, image.Height, negate);
        }
        return Apply(image, spec.Op, arg, interpolation, fill);
    }

    /// <summary>
    /// timm's <c>AugmentOp.__call__</c>, draws in timm's order: the probability gate, magnitude noise (Gaussian, or
    /// uniform in [0, magnitude] when <paramref name="magnitudeStd"/> is +∞) clamped to [0, <paramref name="magnitudeMax"/>],
    /// the sign, and for geometric ops the filter.
    /// </summary>
    public static RgbImage ApplyTimm(RgbImage image, AugmentOpSpec spec, double probability, double magnitude, double magnitudeStd,
                                     double magnitudeMax, IReadOnlyList<Interpolation> interpolations, RgbColor fill, Random rng) =>
        DrawTimm(spec, probability, magnitude, magnitudeStd, magnitudeMax, interpolations, rng) is { } draw
            ? ApplyTimmAt(image, spec, draw, fill)
            : image;

    /// <summary>The random half of <see cref="ApplyTimm"/>: null when the probability gate skips the op.</summary>
    public static TimmOpDraw? DrawTimm(AugmentOpSpec spec, double probability, double magnitude, double magnitudeStd,
                                       double magnitudeMax, IReadOnlyList<Interpolation> interpolations, Random rng)
    {
        if (probability < 1.0 && rng.NextDouble() > probability) return null;
        if (double.IsPositiveInfinity(magnitudeStd)) magnitude = rng.Uniform(0, magnitude);
        else if (magnitudeStd > 0) magnitude = rng.Gaussian(magnitude, magnitudeStd);
        magnitude = Math.Clamp(magnitude, 0.0, magnitudeMax);
        bool negate = spec.HasArgument && spec.Signed && rng.NextDouble() > 0.5;
        Interpolation interpolation = interpolations[0];
        if (IsGeometric(spec.Op) && interpolations.Count > 1) interpolation = interpolations[rng.Next(interpolations.Count)];
        return new TimmOpDraw(magnitude, negate, interpolation);
    }

    /// <summary>timm's op with resolved draws: level = magnitude / 10, the argument, then the op.</summary>
    public static RgbImage ApplyTimmAt(RgbImage image, AugmentOpSpec spec, TimmOpDraw draw, RgbColor fill)
    {
        double arg = spec.HasArgument ? spec.ArgumentAtLevel(draw.Magnitude / 10.0, image.Width, image.Height, draw.Negate) : 0;
        return Apply(image, spec.Op, arg, draw.Interpolation, fill);
    }

    public static RgbImage Apply(RgbImage image, AugmentOp op, double arg, Interpolation interpolation, RgbColor fill)
    {
        if (IsGeometric(op)) return Warp(image, op, arg, interpolation, fill);
        switch (op)
        {
            case AugmentOp.Identity: break;
            case AugmentOp.AutoContrast: ColorOps.AutoContrast(image); break;
            case AugmentOp.Equalize: ColorOps.Equalize(image); break;
            case AugmentOp.Invert: ColorOps.Invert(image); break;
            case AugmentOp.Posterize: ColorOps.Posterize(image, (int)Math.Clamp(arg, 0, 8)); break;
            case AugmentOp.Solarize: ColorOps.Solarize(image, arg); break;
            case AugmentOp.SolarizeAdd: ColorOps.SolarizeAdd(image, (int)arg); break;
            case AugmentOp.Color: ColorOps.Color(image, arg); break;
            case AugmentOp.Contrast: ColorOps.Contrast(image, arg); break;
            case AugmentOp.Brightness: ColorOps.Brightness(image, arg); break;
            case AugmentOp.Sharpness: ColorOps.Sharpness(image, arg); break;
            default: throw new ArgumentOutOfRangeException(nameof(op), op, "Not an augmentation op.");
        }
        return image;
    }

    private static RgbImage Warp(RgbImage image, AugmentOp op, double arg, Interpolation interpolation, RgbColor fill)
    {
        try
        {
            if (op == AugmentOp.Rotate) return AffineWarp.Rotate(image, arg, interpolation, fill);
            AffineMatrix m = op switch
            {
                AugmentOp.ShearX => new AffineMatrix(1, arg, 0, 0, 1, 0),
                AugmentOp.ShearY => new AffineMatrix(1, 0, 0, arg, 1, 0),
                AugmentOp.TranslateX => new AffineMatrix(1, 0, -arg, 0, 1, 0),
                _ => new AffineMatrix(1, 0, 0, 0, 1, -arg),
            };
            return AffineWarp.Transform(image, m, image.Width, image.Height, interpolation, fill);
        }
        finally
        {
            image.Dispose();
        }
    }
}

/// <summary>The drawn values of one timm op application: magnitude (0–10 scale, after noise and clamp), sign and filter.</summary>
internal readonly record struct TimmOpDraw(double Magnitude, bool Negate, Interpolation Interpolation);
