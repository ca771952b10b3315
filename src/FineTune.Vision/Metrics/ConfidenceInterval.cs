using System.Globalization;
using MathNet.Numerics.Distributions;

namespace FineTune.Vision.Metrics;

/// <summary>How <see cref="ConfidenceInterval"/> bounds a proportion.</summary>
public enum IntervalMethod
{
    /// <summary>Clopper–Pearson (exact; from the binomial distribution through Beta quantiles): never shorter than its level promises.</summary>
    ClopperPearson,

    /// <summary>Wilson score interval: shorter, with coverage close to the level on average.</summary>
    Wilson,
}

/// <summary>
/// A confidence interval for a proportion (an accuracy: <c>successes</c> of <c>trials</c>), as
/// <c>scipy.stats.binomtest(k, n).proportion_ci(level, method)</c> computes it.
/// </summary>
/// <param name="Lower">The lower bound, in [0, 1].</param>
/// <param name="Upper">The upper bound, in [0, 1].</param>
/// <param name="Level">The confidence level (0.95 for 95 %).</param>
/// <param name="Method">How the bounds were computed.</param>
public readonly record struct ConfidenceInterval(double Lower, double Upper, double Level, IntervalMethod Method)
{
    /// <summary>The interval for <paramref name="successes"/> of <paramref name="trials"/> at <paramref name="level"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative counts, more successes than trials, no trials, or a level outside (0, 1).</exception>
    public static ConfidenceInterval ForProportion(long successes, long trials, double level = 0.95, IntervalMethod method = IntervalMethod.ClopperPearson)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trials);
        if (successes < 0 || successes > trials)
            throw new ArgumentOutOfRangeException(nameof(successes), successes, $"Successes must be in [0, {trials}].");
        if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), level, "The level must be in (0, 1), e.g. 0.95.");
        double alpha = 1 - level;
        double k = successes, n = trials;
        switch (method)
        {
            case IntervalMethod.ClopperPearson:
                double lower = successes == 0 ? 0 : Beta.InvCDF(k, n - k + 1, alpha / 2);
                double upper = successes == trials ? 1 : Beta.InvCDF(k + 1, n - k, 1 - alpha / 2);
                return new ConfidenceInterval(lower, upper, level, method);
            case IntervalMethod.Wilson:
                double z = Normal.InvCDF(0, 1, 1 - alpha / 2), p = k / n, z2 = z * z;
                double denominator = 1 + z2 / n;
                double centre = (p + z2 / (2 * n)) / denominator;
                double half = z / denominator * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n));
                return new ConfidenceInterval(Math.Max(0, centre - half), Math.Min(1, centre + half), level, method);
            default:
                throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown interval method.");
        }
    }

    /// <summary>The bounds in percent with one decimal: <c>[84.1, 91.6]</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{100 * Lower:F1}, {100 * Upper:F1}]");
}

/// <summary>
/// An accuracy with its uncertainty: <paramref name="Correct"/> of <paramref name="Total"/> and the 95 % Clopper–Pearson
/// interval, printed as <c>88.3 % [84.1, 91.6]</c>. 300 validation images at 88 % leave ±3.6 points either way.
/// </summary>
/// <param name="Correct">Correct predictions.</param>
/// <param name="Total">Predictions.</param>
public sealed record AccuracyEstimate(long Correct, long Total)
{
    /// <summary>Correct / total (NaN with no predictions).</summary>
    public double Value => Total == 0 ? double.NaN : (double)Correct / Total;

    /// <summary>The 95 % Clopper–Pearson interval (null with no predictions).</summary>
    public ConfidenceInterval? Interval => Total == 0 ? null : ConfidenceInterval.ForProportion(Correct, Total);

    /// <summary>The interval at another level or by another method.</summary>
    public ConfidenceInterval IntervalAt(double level, IntervalMethod method = IntervalMethod.ClopperPearson) =>
        ConfidenceInterval.ForProportion(Correct, Total, level, method);

    /// <summary>The estimate from an accuracy measured on <paramref name="total"/> samples (the correct count rounded).</summary>
    public static AccuracyEstimate FromAccuracy(double accuracy, long total)
    {
        if (!(accuracy >= 0 && accuracy <= 1)) throw new ArgumentOutOfRangeException(nameof(accuracy), accuracy, "An accuracy in [0, 1] is needed.");
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        return new AccuracyEstimate((long)Math.Round(accuracy * total), total);
    }

    /// <summary><c>88.3 % [84.1, 91.6]</c> (95 % Clopper–Pearson), or <c>n/a</c> with no predictions.</summary>
    public override string ToString() =>
        Total == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{100 * Value:F1} % {Interval}");
}
