namespace FineTune.Vision.Transforms;

/// <summary>
/// One row of an augmentation op table (data, not code): an op, and how a magnitude maps to its argument.
/// A magnitude picks a value in the range [<see cref="Low"/>, <see cref="High"/>] (scaled by the image side when
/// <see cref="Scale"/> says so), which is rounded (<see cref="Rounding"/>), negated with probability ½ when
/// <see cref="Signed"/>, and turned into the argument <c>Origin + Multiplier · value</c>, clamped to
/// [<see cref="Min"/>, <see cref="Max"/>].
/// </summary>
/// <param name="Name">The table's name for the row (timm's or torchvision's, e.g. <c>"SolarizeIncreasing"</c>).</param>
/// <param name="Op">The image operation.</param>
public sealed record AugmentOpSpec(string Name, AugmentOp Op)
{
    /// <summary>The range value at magnitude 0.</summary>
    public double Low { get; init; }

    /// <summary>The range value at full magnitude (timm: magnitude 10; torchvision: the last bin).</summary>
    public double High { get; init; }

    /// <summary>Whether the range value is negated with probability ½ (rotations, shears, translations, signed enhancements).</summary>
    public bool Signed { get; init; }

    /// <summary>How the range value is made an integer.</summary>
    public MagnitudeRounding Rounding { get; init; }

    /// <summary>What the range is measured in.</summary>
    public MagnitudeScale Scale { get; init; }

    /// <summary>Added to the (signed) value to give the argument, e.g. 1 for enhancement factors 1 ± m.</summary>
    public double Origin { get; init; }

    /// <summary>Multiplies the (signed) value, e.g. −1 for timm's "increasing" posterize and solarize, 255 for torchvision's solarize.</summary>
    public double Multiplier { get; init; } = 1.0;

    /// <summary>Lower clamp of the argument.</summary>
    public double Min { get; init; } = double.NegativeInfinity;

    /// <summary>Upper clamp of the argument.</summary>
    public double Max { get; init; } = double.PositiveInfinity;

    /// <summary>Whether the op uses its argument at all.</summary>
    public bool HasArgument => Op is not (AugmentOp.Identity or AugmentOp.AutoContrast or AugmentOp.Equalize or AugmentOp.Invert);

    /// <summary>
    /// timm's level-to-argument rule: the value is Low + (High − Low)·<paramref name="level"/>, where level is the
    /// magnitude divided by 10 (above 1 when a larger maximum magnitude is allowed).
    /// </summary>
    public double ArgumentAtLevel(double level, int width, int height, bool negate)
    {
        double side = SideFor(width, height);
        double low = Low * side, high = High * side;
        return Finish(Round(low + (high - low) * level), negate);
    }

    /// <summary>
    /// torchvision's rule: the value is bin <paramref name="bin"/> of <c>torch.linspace(Low, High, numBins)</c>,
    /// computed in single precision as torch does.
    /// </summary>
    public double ArgumentAtBin(int bin, int numBins, int width, int height, bool negate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numBins, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(bin);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(bin, numBins);
        double side = SideFor(width, height);
        return Finish(Round(Linspace32(Low * side, High * side, numBins, bin)), negate);
    }

    private double Finish(double value, bool negate) =>
        Math.Clamp(Origin + Multiplier * (negate && Signed ? -value : value), Min, Max);

    private double SideFor(int width, int height) => Scale switch
    {
        MagnitudeScale.ImageWidth => width,
        MagnitudeScale.ImageHeight => height,
        _ => 1.0,
    };

    private double Round(double value) => Rounding switch
    {
        MagnitudeRounding.Truncate => Math.Truncate(value),
        MagnitudeRounding.RoundHalfEven => Math.Round(value, MidpointRounding.ToEven),
        _ => value,
    };

    /// <summary>Element <paramref name="i"/> of <c>torch.linspace(start, end, steps)</c> in float32 (torch's two-sided formula).</summary>
    private static double Linspace32(double start, double end, int steps, int i)
    {
        float s = (float)start, e = (float)end;
        float step = (e - s) / (steps - 1);
        return i < steps / 2 ? s + step * i : e - step * (steps - i - 1);
    }
}
