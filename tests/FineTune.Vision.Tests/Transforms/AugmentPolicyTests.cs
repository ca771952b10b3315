using FineTune.Vision.Core;
using FineTune.Vision.Imaging;
using FineTune.Vision.Tests.Imaging;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Tests.Transforms;

/// <summary>RandAugment (both dialects), AutoAugment and TrivialAugmentWide on a real photograph.</summary>
public sealed class AugmentPolicyTests
{
    public static TheoryData<string> Policies() => ["timm", "timm-inc", "timm-weighted", "torchvision", "autoaugment", "trivial"];

    private static ITransform Create(string name) => name switch
    {
        "timm" => RandAugment.FromConfig("rand-m9-mstd0.5"),
        "timm-inc" => RandAugment.FromConfig("rand-m9-mstd0.5-inc1-n3-p1"),
        "timm-weighted" => RandAugment.FromConfig("rand-m9-tweights"),
        "torchvision" => new TorchvisionRandAugment(),
        "autoaugment" => new AutoAugment(),
        _ => new TrivialAugmentWide(),
    };

    private static byte[] Run(ITransform t, Random rng)
    {
        using RgbImage result = t.Apply(ColorOpsTests.Load("photo.rgb"), rng);
        Assert.Equal((48, 32), (result.Width, result.Height));
        return result.Pixels.ToArray();
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void Same_seed_gives_the_same_image_and_samples_of_a_batch_differ(string policy)
    {
        ITransform t = Create(policy);
        Assert.Equal(Run(t, SeedMixer.Create(42, 0, 3)), Run(t, SeedMixer.Create(42, 0, 3)));
        byte[] original = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Transforms", "color_ops", "photo.rgb"));
        var outputs = Enumerable.Range(0, 16).Select(i => Convert.ToHexString(Run(t, SeedMixer.Create(42, 0, i)))).ToList();
        int distinct = outputs.Distinct().Count();
        Assert.True(distinct >= 8, $"{policy}: only {distinct} distinct results for 16 samples of a batch");
        Assert.Contains(outputs, o => o != Convert.ToHexString(original));
    }

    [Fact]
    public void Translate_moves_content_and_brings_in_the_fill()
    {
        using RgbImage source = ColorOpsTests.Load("photo.rgb");
        using RgbImage moved = AugmentOpRunner.Apply(source.Clone(), AugmentOp.TranslateX, 5, Interpolation.Nearest, RgbColor.Gray(128));
        for (int y = 0; y < 32; y++)
        {
            Assert.All(moved.Row(y)[..15].ToArray(), v => Assert.Equal(128, v));
            Assert.Equal(source.Row(y)[..(43 * 3)].ToArray(), moved.Row(y)[15..].ToArray());
        }
    }

    [Fact]
    public void Colour_ops_of_the_policies_are_the_pillow_ports()
    {
        using RgbImage a = ColorOpsTests.Load("photo.rgb");
        using RgbImage b = ColorOpsTests.Load("photo.rgb");
        AugmentOpSpec solarize = AugmentOpTables.Timm["SolarizeIncreasing"];
        double threshold = solarize.ArgumentAtLevel(0.9, a.Width, a.Height, negate: false);
        using RgbImage c = AugmentOpRunner.Apply(a, solarize.Op, threshold, Interpolation.Nearest, default);
        ColorOps.Solarize(b, 26);
        Assert.Equal(b.Pixels.ToArray(), c.Pixels.ToArray());
    }

    [Fact]
    public void Zero_ops_or_zero_probability_leave_the_image_unchanged()
    {
        byte[] original = Run(new TorchvisionRandAugment(new TorchvisionRandAugmentOptions { NumOps = 0 }), new Random(1));
        Assert.Equal(original, Run(new RandAugment(new RandAugmentOptions { Probability = 0 }), new Random(1)));
    }

    [Fact]
    public void Invalid_settings_name_the_option()
    {
        var e = Assert.Throws<ArgumentException>(() => new TorchvisionRandAugment(new TorchvisionRandAugmentOptions { Magnitude = 31 }));
        Assert.Contains("Magnitude", e.Message);
        Assert.Contains("[0, 31)", e.Message);
        e = Assert.Throws<ArgumentException>(() => new TrivialAugmentWide(new TrivialAugmentWideOptions { Interpolation = (Interpolation)7 }));
        Assert.Contains("Interpolation", e.Message);
        Assert.Contains("(was 7)", e.Message);
        e = Assert.Throws<ArgumentException>(() => new RandAugment(new RandAugmentOptions { Interpolations = [(Interpolation)7], NumOps = -1 }));
        Assert.Contains("Interpolations", e.Message);
        Assert.Contains("NumOps", e.Message);
    }

    [Fact]
    public void AutoAugment_imagenet_policy_has_25_sub_policies_over_known_ops()
    {
        var aa = new AutoAugment();
        Assert.Equal(25, aa.SubPolicies.Count);
        var names = AugmentOpTables.TorchvisionAutoAugment.Select(s => s.Name).ToHashSet();
        Assert.All(aa.SubPolicies, p => Assert.True(names.Contains(p.First.Op) && names.Contains(p.Second.Op)));
        foreach (AutoAugmentPolicy policy in Enum.GetValues<AutoAugmentPolicy>())
            Assert.All(new AutoAugment(new AutoAugmentOptions { Policy = policy }).SubPolicies, p => Assert.True(names.Contains(p.First.Op) && names.Contains(p.Second.Op)));
    }

    [Fact]
    public void Timm_default_filters_pick_bilinear_or_bicubic_per_geometric_op()
    {
        // One op, always applied, no noise: the draws are op, sign, then (geometric ops only, two filters) the filter,
        // so with timm's default [Bilinear, Bicubic] each seed reproduces the single-filter run of the one it picked.
        static byte[] One(IReadOnlyList<Interpolation> filters, int seed) =>
            Run(new RandAugment(new RandAugmentOptions { NumOps = 1, Probability = 1, Magnitude = 9, Interpolations = filters }), new Random(seed));
        Assert.Equal([Interpolation.Bilinear, Interpolation.Bicubic], new RandAugmentOptions().Interpolations);
        int bilinear = 0, bicubic = 0;
        for (int seed = 0; seed < 60; seed++)
        {
            byte[] both = One(new RandAugmentOptions().Interpolations, seed);
            byte[] onlyBilinear = One([Interpolation.Bilinear], seed), onlyBicubic = One([Interpolation.Bicubic], seed);
            Assert.True(both.AsSpan().SequenceEqual(onlyBilinear) || both.AsSpan().SequenceEqual(onlyBicubic), $"seed {seed}");
            if (onlyBilinear.AsSpan().SequenceEqual(onlyBicubic)) continue;
            if (both.AsSpan().SequenceEqual(onlyBicubic)) bicubic++;
            else bilinear++;
        }
        Assert.True(bilinear > 0 && bicubic > 0, $"geometric ops with bilinear {bilinear}, bicubic {bicubic}");
    }
}
