using FineTune.Vision.Transforms;

namespace FineTune.Vision.Tests.Transforms;

public sealed class RandAugmentOptionsTests
{
    [Fact]
    public void Parses_timms_config_strings()
    {
        RandAugmentOptions o = RandAugmentOptions.Parse("rand-m9-mstd0.5-inc1");
        Assert.Equal(9, o.Magnitude);
        Assert.Equal(0.5, o.MagnitudeStd);
        Assert.True(o.Increasing);
        Assert.Equal(2, o.NumOps);
        Assert.Equal(0.5, o.Probability);

        o = RandAugmentOptions.Parse("rand-n3-m7-p0.8-mmax15-mstd101-tweights");
        Assert.Equal((3, 7.0, 0.8, 15.0), (o.NumOps, o.Magnitude, o.Probability, o.MagnitudeMax!.Value));
        Assert.True(double.IsPositiveInfinity(o.MagnitudeStd));
        Assert.True(o.Weighted);

        o = RandAugmentOptions.Parse("rand");
        Assert.Equal(new RandAugmentOptions().Magnitude, o.Magnitude);
        Assert.False(RandAugmentOptions.Parse("rand-inc0").Increasing);
    }

    [Fact]
    public void Unmentioned_settings_come_from_the_defaults_given()
    {
        var defaults = new RandAugmentOptions { Fill = new(124, 116, 104), TranslatePct = 0.3 };
        RandAugmentOptions o = RandAugmentOptions.Parse("rand-m9", defaults);
        Assert.Equal(new FineTune.Vision.Imaging.RgbColor(124, 116, 104), o.Fill);
        Assert.Equal(0.3, o.TranslatePct);
        Assert.Equal(9, o.Magnitude);
    }

    [Theory]
    [InlineData("augmix-m9", "'augmix'")]
    [InlineData("rand-m9-x3", "'x3'")]
    [InlineData("rand-m9--n2", "empty section")]
    [InlineData("rand-m", "'m'")]
    [InlineData("rand-m9.5", "'m9.5'")]
    [InlineData("rand-mstd0.5.1", "'mstd0.5.1'")]
    [InlineData("rand-t3a", "'t3a'")]
    [InlineData("rand-9", "'9'")]
    [InlineData("rand-p1.5", "Probability")]
    public void Malformed_strings_name_the_bad_part(string config, string expected)
    {
        var e = Assert.Throws<FormatException>(() => RandAugmentOptions.Parse(config));
        Assert.Contains(expected, e.Message);
        Assert.Contains(config, e.Message);
    }
}
