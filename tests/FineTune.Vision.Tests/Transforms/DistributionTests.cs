using FineTune.Vision.Transforms;
using MathNet.Numerics.Distributions;

namespace FineTune.Vision.Tests.Transforms;

/// <summary>
/// Kolmogorov–Smirnov checks of the augmentations' own random draws against MathNet.Numerics' CDFs: the Beta of
/// Mixup/CutMix, the Gamma under it, the normal of RandAugment's magnitude noise and of random erasing's pixel fill.
/// Fixed seeds, so a run is repeatable; the bound is the two-sided KS critical value at α = 0.001.
/// </summary>
public class DistributionTests
{
    private const int Draws = 20_000;

    /// <summary>The KS statistic sup |F_n(x) − F(x)| of <paramref name="samples"/> against <paramref name="cdf"/>.</summary>
    private static double KolmogorovSmirnov(IEnumerable<double> samples, Func<double, double> cdf)
    {
        double[] sorted = [.. samples.Order()];
        double n = sorted.Length, d = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            double f = cdf(sorted[i]);
            d = Math.Max(d, Math.Max((i + 1) / n - f, f - i / n));
        }
        return d;
    }

    /// <summary>c(α)/√n with c(α) = √(−ln(α/2)/2): exceeded with probability α when the draws do follow the CDF.</summary>
    private static double Critical(int n, double alpha = 1e-3) => Math.Sqrt(-Math.Log(alpha / 2) / 2) / Math.Sqrt(n);

    private static void AssertFollows(IReadOnlyCollection<double> samples, Func<double, double> cdf, string what)
    {
        double d = KolmogorovSmirnov(samples, cdf), critical = Critical(samples.Count);
        Assert.True(d < critical, $"{what}: KS D = {d:F5} ≥ {critical:F5} over {samples.Count} draws");
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(9.0, 0.5)] // RandAugment "rand-m9-mstd0.5": magnitude 9, noise std 0.5
    public void Gaussian_draws_follow_the_normal_cdf(double mean, double std)
    {
        var rng = new Random(11);
        double[] x = [.. Enumerable.Range(0, Draws).Select(_ => rng.Gaussian(mean, std))];
        AssertFollows(x, new Normal(mean, std).CumulativeDistribution, $"N({mean}, {std})");
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(0.8)]
    [InlineData(1.0)]
    [InlineData(3.5)]
    public void Gamma_draws_follow_the_gamma_cdf(double shape)
    {
        var rng = new Random(12);
        double[] x = [.. Enumerable.Range(0, Draws).Select(_ => rng.Gamma(shape))];
        AssertFollows(x, new Gamma(shape, 1.0).CumulativeDistribution, $"Gamma({shape}, 1)");
    }

    [Theory]
    [InlineData(0.2, 0.2)]
    [InlineData(0.8, 0.8)] // DeiT's Mixup alpha
    [InlineData(1.0, 1.0)] // DeiT's CutMix alpha
    [InlineData(2.0, 5.0)]
    public void Beta_draws_follow_the_beta_cdf(double a, double b)
    {
        var rng = new Random(13);
        double[] x = [.. Enumerable.Range(0, Draws).Select(_ => rng.Beta(a, b))];
        AssertFollows(x, new Beta(a, b).CumulativeDistribution, $"Beta({a}, {b})");
    }

    [Fact]
    public void A_wrong_distribution_is_caught()
    {
        // The check can fail: Beta(0.8, 0.8) draws are not Beta(1, 1) (uniform) draws.
        var rng = new Random(14);
        double[] x = [.. Enumerable.Range(0, Draws).Select(_ => rng.Beta(0.8, 0.8))];
        Assert.True(KolmogorovSmirnov(x, new Beta(1.0, 1.0).CumulativeDistribution) > Critical(Draws));
    }

    [Fact]
    public void Mixup_lambdas_per_element_follow_beta_alpha_alpha()
    {
        var mix = new MixupCutMix(new MixupCutMixOptions { MixupAlpha = 0.8, CutMixAlpha = 0, Mode = MixMode.Elem, NumClasses = 10 });
        double[] lambdas = [.. mix.Draw(Draws, 32, 32, new Random(15)).Select(d => d.Lambda)];
        AssertFollows(lambdas, new Beta(0.8, 0.8).CumulativeDistribution, "Mixup λ");
    }

    [Fact]
    public void Uncorrected_cutmix_lambdas_follow_beta_alpha_alpha()
    {
        var mix = new MixupCutMix(new MixupCutMixOptions { MixupAlpha = 0, CutMixAlpha = 1.0, Mode = MixMode.Elem, CorrectLambda = false, NumClasses = 10 });
        MixupCutMix.MixDraw[] draws = mix.Draw(Draws, 32, 32, new Random(16));
        Assert.All(draws, d => Assert.NotNull(d.Box));
        AssertFollows([.. draws.Select(d => d.Lambda)], new Beta(1.0, 1.0).CumulativeDistribution, "CutMix λ");
    }

    [Fact]
    public void Random_erasing_pixel_fill_follows_the_standard_normal()
    {
        var erasing = new RandomErasing(new RandomErasingOptions { Probability = 1.0, Mode = ErasingMode.Pixel, MinArea = 0.3, MaxArea = 0.4 });
        var rng = new Random(17);
        List<double> filled = [];
        float[] chw = new float[3 * 64 * 64];
        while (filled.Count < Draws)
        {
            Array.Fill(chw, 1000f); // far outside what the fill draws
            erasing.Apply(chw, 3, 64, 64, rng);
            filled.AddRange(chw.Where(v => v != 1000f).Select(v => (double)v));
        }
        AssertFollows(filled, new Normal(0, 1).CumulativeDistribution, "erasing pixel fill");
    }
}
