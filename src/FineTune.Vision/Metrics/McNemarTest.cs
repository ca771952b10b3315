using System.Globalization;
using MathNet.Numerics.Distributions;

namespace FineTune.Vision.Metrics;

/// <summary>
/// The exact McNemar test between two models' predictions on the same images: only the discordant pairs count
/// (<see cref="OnlyFirstCorrect"/>, <see cref="OnlySecondCorrect"/>), and under "both models are equally accurate" each
/// is a fair coin, so the two-sided p-value is the binomial tail, doubled and capped at 1 (as
/// <c>statsmodels.stats.contingency_tables.mcnemar(exact=True)</c> and <c>scipy.stats.binomtest(min(b, c), b + c)</c>).
/// </summary>
/// <param name="OnlyFirstCorrect">Images the first model gets right and the second wrong (b).</param>
/// <param name="OnlySecondCorrect">Images the second model gets right and the first wrong (c).</param>
/// <param name="BothCorrect">Images both get right.</param>
/// <param name="BothWrong">Images both get wrong.</param>
public sealed record McNemarTest(long OnlyFirstCorrect, long OnlySecondCorrect, long BothCorrect, long BothWrong)
{
    /// <summary>Compares per-image correctness (same images, same order).</summary>
    /// <exception cref="ArgumentException">The lists differ in length.</exception>
    public static McNemarTest Compare(IReadOnlyList<bool> firstCorrect, IReadOnlyList<bool> secondCorrect)
    {
        ArgumentNullException.ThrowIfNull(firstCorrect);
        ArgumentNullException.ThrowIfNull(secondCorrect);
        if (firstCorrect.Count != secondCorrect.Count)
            throw new ArgumentException($"Both models must be scored on the same images: {firstCorrect.Count} and {secondCorrect.Count} results.", nameof(secondCorrect));
        long b = 0, c = 0, both = 0, neither = 0;
        for (int i = 0; i < firstCorrect.Count; i++)
        {
            switch (firstCorrect[i], secondCorrect[i])
            {
                case (true, false): b++; break;
                case (false, true): c++; break;
                case (true, true): both++; break;
                default: neither++; break;
            }
        }
        return new McNemarTest(b, c, both, neither);
    }

    /// <summary>Compares two models' predicted labels against the true labels.</summary>
    public static McNemarTest Compare(IReadOnlyList<int> labels, IReadOnlyList<int> firstPredicted, IReadOnlyList<int> secondPredicted)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(firstPredicted);
        ArgumentNullException.ThrowIfNull(secondPredicted);
        if (firstPredicted.Count != labels.Count || secondPredicted.Count != labels.Count)
            throw new ArgumentException($"{labels.Count} labels, {firstPredicted.Count} and {secondPredicted.Count} predictions: they must be the same images.");
        return Compare([.. labels.Select((y, i) => firstPredicted[i] == y)], [.. labels.Select((y, i) => secondPredicted[i] == y)]);
    }

    /// <summary>The exact two-sided p-value (1 when no image is discordant).</summary>
    public double PValue
    {
        get
        {
            long n = OnlyFirstCorrect + OnlySecondCorrect;
            if (n == 0) return 1.0;
            double tail = Binomial.CDF(0.5, (int)n, Math.Min(OnlyFirstCorrect, OnlySecondCorrect));
            return Math.Min(1.0, 2 * tail);
        }
    }

    /// <summary><c>p = 0.0123 (first only right on 20, second only on 7)</c>, or <c>p &lt; 1e-6 (…)</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"p {(PValue < 1e-6 ? "" : "= ")}{FormatP(PValue)} (first only right on {OnlyFirstCorrect}, second only on {OnlySecondCorrect})");

    /// <summary>A p-value as people print it: four significant digits, or <c>&lt; 1e-6</c>.</summary>
    public static string FormatP(double p) => p < 1e-6 ? "< 1e-6" : p.ToString(p < 0.001 ? "0.###e+0" : "0.####", CultureInfo.InvariantCulture);
}
