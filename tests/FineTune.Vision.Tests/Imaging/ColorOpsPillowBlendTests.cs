using FineTune.Vision.Imaging;

namespace FineTune.Vision.Tests.Imaging;

public class ColorOpsPillowBlendTests
{
    private static RgbImage Source() => ImagingFixtures.Load("resize", "chelsea.png");

    private static (double Mean, int Max) CompareTo(RgbImage actual, string fixture)
    {
        using RgbImage expected = ImagingFixtures.Load("color", fixture);
        return ImagingFixtures.Difference(actual, expected);
    }

    [Fact]
    public void Grayscale_MatchesPillowL()
    {
        using RgbImage image = Source();
        ColorOps.Grayscale(image);
        Assert.Equal((0.0, 0), CompareTo(image, "chelsea.gray.png"));
    }

    [Theory]
    [InlineData("brightness", 1.3)]
    [InlineData("brightness", 0.6)]
    [InlineData("contrast", 1.4)]
    [InlineData("contrast", 0.5)]
    [InlineData("saturation", 1.7)]
    [InlineData("saturation", 0.3)]
    public void Enhance_MatchesTorchvisionOnPil(string op, double factor)
    {
        using RgbImage image = Source();
        Action<RgbImage, double> apply = op switch
        {
            "brightness" => ColorOps.Brightness,
            "contrast" => ColorOps.Contrast,
            _ => ColorOps.Color,
        };
        apply(image, factor);
        (double mean, int max) = CompareTo(image, $"chelsea.{op}{factor.ToString(System.Globalization.CultureInfo.InvariantCulture)}.png");
        Assert.True(max == 0, $"{op} {factor}: mean {mean:F4}, max {max}");
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(-0.13)]
    public void Hue_MatchesTorchvisionOnPil(double factor)
    {
        using RgbImage image = Source();
        ColorOps.Hue(image, factor);
        (double mean, int max) = CompareTo(image, $"chelsea.hue{factor.ToString(System.Globalization.CultureInfo.InvariantCulture)}.png");
        Assert.True(mean <= 0.05 && max <= 1, $"hue {factor}: mean {mean:F4}, max {max}");
    }

    [Fact]
    public void GaussianBlur_MatchesTorchvision()
    {
        using RgbImage image = Source();
        using RgbImage blurred = BlurOps.GaussianBlur(image, 5, 7, 1.2, 0.8);
        (double mean, int max) = CompareTo(blurred, "chelsea.blur5x7.png");
        Assert.True(mean <= 0.05 && max <= 1, $"blur: mean {mean:F4}, max {max}");
    }

    [Fact]
    public void Hue_OutOfRange_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ColorOps.Hue(new RgbImage(1, 1), 0.7));
}
