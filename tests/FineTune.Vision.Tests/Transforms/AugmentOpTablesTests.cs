using FineTune.Vision.Transforms;

namespace FineTune.Vision.Tests.Transforms;

/// <summary>The tables reproduce timm's LEVEL_TO_ARG functions and torchvision's magnitude bins.</summary>
public sealed class AugmentOpTablesTests
{
    private static double Timm(string name, double magnitude, bool negate = false) =>
        AugmentOpTables.Timm[name].ArgumentAtLevel(magnitude / 10.0, 100, 60, negate);

    [Fact]
    public void Timm_levels_match_its_level_to_arg_functions()
    {
        Assert.Equal(27.0, Timm("Rotate", 9), 12);
        Assert.Equal(-27.0, Timm("Rotate", 9, negate: true), 12);
        Assert.Equal(3, Timm("Posterize", 9));             // int(0.9 * 4)
        Assert.Equal(1, Timm("PosterizeIncreasing", 9));   // 4 - int(3.6)
        Assert.Equal(7, Timm("PosterizeOriginal", 9));     // int(3.6) + 4
        Assert.Equal(230, Timm("Solarize", 9));            // int(230.4)
        Assert.Equal(26, Timm("SolarizeIncreasing", 9));   // 256 - 230
        Assert.Equal(0, Timm("SolarizeIncreasing", 15));   // clamped
        Assert.Equal(99, Timm("SolarizeAdd", 9));          // int(99.0)
        Assert.Equal(128, Timm("SolarizeAdd", 15));        // min(128, 165)
        Assert.Equal(0.9 * 1.8 + 0.1, Timm("Color", 9), 12);
        Assert.Equal(1.81, Timm("ContrastIncreasing", 9), 12);
        Assert.Equal(1 - 0.81, Timm("ContrastIncreasing", 9, negate: true), 12);
        Assert.Equal(0.1, Timm("BrightnessIncreasing", 20, negate: true), 12); // max(0.1, 1 - 1.8)
        Assert.Equal(0.27, Timm("ShearX", 9), 12);
        // timm's pixels = pct·side go into Image.transform's (1, 0, pixels, ...): positive moves the content left (up),
        // so AugmentOp.TranslateX's argument (positive: right) is its negation (pinned against timm in TimmAugmentParityTests).
        Assert.Equal(-0.45 * 0.9 * 100, Timm("TranslateXRel", 9), 9);
        Assert.Equal(-0.45 * 0.9 * 60, Timm("TranslateYRel", 9), 9);
    }

    [Fact]
    public void Timm_op_sets_are_timms()
    {
        Assert.Equal(15, AugmentOpTables.TimmRandAugment.Count);
        Assert.Equal(15, AugmentOpTables.TimmRandAugmentIncreasing.Count);
        Assert.Contains("SolarizeIncreasing", AugmentOpTables.TimmRandAugmentIncreasing);
        Assert.DoesNotContain("Solarize", AugmentOpTables.TimmRandAugmentIncreasing);
        Assert.All(AugmentOpTables.TimmRandAugmentIncreasing.Concat(AugmentOpTables.TimmRandAugment),
                   n => Assert.True(AugmentOpTables.Timm.ContainsKey(n), n));
    }

    private static double Tv(IReadOnlyList<AugmentOpSpec> table, string name, int bin, int bins = 31, bool negate = false) =>
        table.Single(s => s.Name == name).ArgumentAtBin(bin, bins, 100, 60, negate);

    [Fact]
    public void Torchvision_bins_match_its_augmentation_spaces()
    {
        var ra = AugmentOpTables.TorchvisionRandAugment;
        Assert.Equal(14, ra.Count);
        Assert.Equal("Identity", ra[0].Name);
        Assert.Equal(9.0, Tv(ra, "Rotate", 9), 5);                  // linspace(0, 30, 31)[9]
        Assert.Equal(-9.0, Tv(ra, "Rotate", 9, negate: true), 5);
        Assert.Equal(1.27, Tv(ra, "Brightness", 9), 5);             // 1 + linspace(0, 0.9, 31)[9]
        Assert.Equal(1 - 0.27, Tv(ra, "Color", 9, negate: true), 5);
        Assert.Equal(7, Tv(ra, "Posterize", 9));                    // round(8 - 9 / 7.5)
        Assert.Equal(4, Tv(ra, "Posterize", 30));
        Assert.Equal(178.5, Tv(ra, "Solarize", 9), 3);              // 255 * linspace(1, 0, 31)[9]
        Assert.Equal(13, Tv(ra, "TranslateX", 9));                  // int(150/331 * 100 * 9/30) = int(13.6)
        Assert.Equal(-8, Tv(ra, "TranslateY", 9, negate: true));    // -int(150/331 * 60 * 0.3) = -int(8.16)
        Assert.Equal(0.09, Tv(ra, "ShearX", 9), 6);

        var ta = AugmentOpTables.TorchvisionTrivialAugmentWide;
        Assert.Equal(2, Tv(ta, "Posterize", 30));                   // round(8 - 30 / 5)
        Assert.Equal(135.0, Tv(ta, "Rotate", 30), 4);
        Assert.Equal(32, Tv(ta, "TranslateX", 30));
        Assert.Contains(AugmentOpTables.TorchvisionAutoAugment, s => s.Op == AugmentOp.Invert);
        Assert.DoesNotContain(AugmentOpTables.TorchvisionAutoAugment, s => s.Op == AugmentOp.Identity);
    }
}
