using FineTune.Vision.Core;
using FineTune.Vision.Imaging;
using FineTune.Vision.Tests.Imaging;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Tests.Transforms;

/// <summary>Config strings, draws and shapes of timm's AutoAugment, AugMix and DeiT III's 3-Augment (pixels: <see cref="TimmAugmentParityTests"/>).</summary>
public sealed class TimmAugmentTests
{
    [Theory]
    [InlineData("original", TimmAutoAugmentPolicy.Original, 0.0)]
    [InlineData("originalr", TimmAutoAugmentPolicy.OriginalR, 0.0)]
    [InlineData("v0-mstd0.5", TimmAutoAugmentPolicy.V0, 0.5)]
    [InlineData("v0r-mstd1", TimmAutoAugmentPolicy.V0R, 1.0)]
    public void AutoAugment_config_strings(string config, TimmAutoAugmentPolicy policy, double mstd)
    {
        Assert.True(TimmAutoAugment.IsConfig(config));
        var aa = TimmAutoAugment.FromConfig(config);
        Assert.Equal((policy, mstd), (aa.Options.Policy, aa.Options.MagnitudeStd));
        Assert.Equal(25, aa.SubPolicies.Count);
        Assert.All(aa.SubPolicies, s => Assert.Equal(2, s.Count));
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("original-m9")]
    [InlineData("original-mstdx")]
    [InlineData("rand-m9")]
    public void AutoAugment_bad_strings_name_the_section(string config) =>
        Assert.Contains(config, Assert.Throws<FormatException>(() => TimmAutoAugment.FromConfig(config)).Message);

    [Fact]
    public void Research_posterize_variants_differ_only_in_posterize()
    {
        var pairs = new[] { ("original", "originalr", "PosterizeOriginal"), ("v0", "v0r", "Posterize") };
        foreach (var (baseName, r, posterize) in pairs)
        {
            var a = TimmAutoAugment.FromConfig(baseName).SubPolicies.SelectMany(s => s).ToList();
            var b = TimmAutoAugment.FromConfig(r).SubPolicies.SelectMany(s => s).ToList();
            for (int i = 0; i < a.Count; i++)
                Assert.Equal(a[i].Op == posterize ? a[i] with { Op = "PosterizeIncreasing" } : a[i], b[i]);
            Assert.Contains(a, s => s.Op == posterize);
        }
    }

    [Theory]
    [InlineData("augmix-m3-w3-d-1", 3, 3, -1, 1.0, false)]
    [InlineData("augmix-m5-w4-d2", 5, 4, 2, 1.0, false)]
    [InlineData("augmix-m9-mstd0.5-a0.5-b1", 9, 3, -1, 0.5, true)]
    [InlineData("augmix", 3, 3, -1, 1.0, false)]
    public void AugMix_config_strings(string config, int m, int w, int d, double alpha, bool blended)
    {
        Assert.True(AugMix.IsConfig(config));
        var o = AugMix.FromConfig(config).Options;
        Assert.Equal((m, w, d, alpha, blended), ((int)o.Magnitude, o.Width, o.Depth, o.Alpha, o.Blended));
        Assert.Equal(config.Contains("mstd") ? 0.5 : double.PositiveInfinity, o.MagnitudeStd);
        Assert.Equal(0.3, o.TranslatePct);
    }

    [Theory]
    [InlineData("augmix-w0")]
    [InlineData("augmix-x3")]
    [InlineData("augmix-m")]
    [InlineData("rand-m9")]
    public void AugMix_bad_strings_name_the_config(string config) =>
        Assert.Contains(config, Assert.Throws<FormatException>(() => AugMix.FromConfig(config)).Message);

    [Fact]
    public void AugMix_draws_dirichlet_weights_beta_blend_and_depths_1_to_3()
    {
        var augmix = AugMix.FromConfig("augmix-m3-w3");
        var depths = new HashSet<int>();
        double meanM = 0, meanW0 = 0;
        const int n = 2000;
        for (int i = 0; i < n; i++)
        {
            AugMix.Plan plan = augmix.Draw(SeedMixer.Create(5, 0, i));
            Assert.Equal(1f, plan.Weights.Sum(), 4);
            Assert.InRange(plan.Mix, 0f, 1f);
            meanM += plan.Mix / n;
            meanW0 += plan.Weights[0] / n;
            foreach (var chain in plan.Chains)
            {
                depths.Add(chain.Length);
                Assert.All(chain, s => Assert.InRange(s.Draw.Magnitude, 0, 3));
            }
        }
        Assert.Equal([1, 2, 3], depths.Order());
        Assert.InRange(meanM, 0.47, 0.53);     // Beta(1, 1): mean 1/2, sd 0.29/√2000 ≈ 0.0065
        Assert.InRange(meanW0, 0.31, 0.36);    // Dirichlet(1, 1, 1): mean 1/3
        Assert.All(Enumerable.Range(0, 50), i => Assert.Equal(2, AugMix.FromConfig("augmix-d2").Draw(new Random(i)).Chains[0].Length));
    }

    [Fact]
    public void AugMix_and_AutoAugment_are_reproducible_and_keep_the_size()
    {
        foreach (ITransform t in new ITransform[] { AugMix.FromConfig("augmix-m3-w3"), AugMix.FromConfig("augmix-b1"), TimmAutoAugment.FromConfig("original-mstd0.5") })
        {
            using RgbImage a = t.Apply(ColorOpsTests.Load("photo.rgb"), SeedMixer.Create(1, 2, 3));
            using RgbImage b = t.Apply(ColorOpsTests.Load("photo.rgb"), SeedMixer.Create(1, 2, 3));
            Assert.Equal((48, 32), (a.Width, a.Height));
            Assert.True(TransformFixtures.SamePixels(a, b));
        }
    }

    [Fact]
    public void ThreeAugment_is_crop_flip_one_of_three_then_jitter()
    {
        ComposeBuilder b = Presets.ThreeAugmentBuilder(new ThreeAugmentOptions { Size = 32 });
        Assert.IsType<RandomResizedCrop>(b.Transforms[0]);
        Assert.IsType<HorizontalFlip>(Assert.IsType<RandomApply>(b.Transforms[1]).Transform);
        var choice = Assert.IsType<RandomChoice>(b.Transforms[2]);
        Assert.Collection(choice.Transforms, t => Assert.IsType<Grayscale>(t), t => Assert.Equal(128, Assert.IsType<Solarize>(t).Threshold),
            t => Assert.Equal((0.1, 2.0), (Assert.IsType<GaussianBlur>(t).MinSigma, ((GaussianBlur)t).MaxSigma)));
        Assert.IsType<ColorJitter>(b.Transforms[3]);
        ComposeBuilder src = Presets.ThreeAugmentBuilder(new ThreeAugmentOptions { Size = 32, SimpleRandomCrop = true, ColorJitter = null });
        Assert.Equal([typeof(Resize), typeof(RandomCrop), typeof(RandomApply), typeof(RandomChoice)], src.Transforms.Select(t => t.GetType()));
        var encoder = Presets.ThreeAugment(new ThreeAugmentOptions { Size = 32 });
        var chw = new float[3 * 32 * 32];
        encoder.Encode(TransformFixtures.Chelsea(), chw, new Random(3));
        Assert.Contains(chw, v => v != 0);
    }

    [Fact]
    public void RandomChoice_draws_each_transform_and_Solarize_is_pillows()
    {
        using RgbImage photo = ColorOpsTests.Load("photo.rgb");
        using RgbImage solarized = new Solarize().Apply(photo.Clone(), new Random(0));
        for (int i = 0; i < photo.Pixels.Length; i++)
            Assert.Equal(photo.Pixels[i] < 128 ? photo.Pixels[i] : 255 - photo.Pixels[i], solarized.Pixels[i]);
        var choice = new RandomChoice(new Grayscale(), new Solarize());
        var seen = Enumerable.Range(0, 40).Select(i =>
        {
            using RgbImage r = choice.Apply(photo.Clone(), new Random(i));
            return TransformFixtures.SamePixels(r, solarized);
        }).ToHashSet();
        Assert.Equal(2, seen.Count);
    }
}
