using FineTune.Vision.Imaging;

namespace FineTune.Vision.Tests.Imaging;

public class ResamplerTests
{
    public static TheoryData<string, string, string> PillowCases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (string photo in new[] { "astronaut", "coffee", "chelsea" })
            foreach (string filter in new[] { "bilinear", "bicubic", "nearest" })
                foreach (string target in new[] { "down", "up", "mixed" })
                    data.Add(photo, filter, target);
        return data;
    }

    [Theory]
    [MemberData(nameof(PillowCases))]
    public void Resize_MatchesPillow(string photo, string filter, string target)
    {
        using RgbImage source = ImagingFixtures.Load("resize", photo + ".png");
        using RgbImage expected = ImagingFixtures.Load("resize", $"{photo}.{filter}.{target}.png");
        var interpolation = Enum.Parse<Interpolation>(filter, ignoreCase: true);
        using RgbImage actual = Resampler.Resize(source, expected.Width, expected.Height, interpolation);
        (double mean, int max) = ImagingFixtures.Difference(actual, expected);
        Assert.True(mean <= 1.0 && max <= 12, $"{photo} {filter} {target}: mean {mean:F3}, max {max} (limits 1, 12)");
        Assert.True(max == 0, $"{photo} {filter} {target}: expected Pillow's exact fixed-point result, max difference {max}");
    }

    [Theory]
    [InlineData(Interpolation.Bicubic)]
    [InlineData(Interpolation.Bilinear)]
    [InlineData(Interpolation.Nearest)]
    public void ResizeRegion_EqualsCropThenResize(Interpolation interpolation)
    {
        using RgbImage source = ImagingFixtures.Load("resize", "coffee.png");
        var region = new PixelRect(13, 7, 50, 41);
        using RgbImage cropped = GeometryOps.Crop(source, region);
        using RgbImage expected = Resampler.Resize(cropped, 77, 19, interpolation);
        using RgbImage actual = Resampler.Resize(source, region, 77, 19, interpolation);
        Assert.True(expected.Pixels.SequenceEqual(actual.Pixels));
    }

    [Fact]
    public void Resize_ConstantImage_StaysConstant()
    {
        using var source = new RgbImage(7, 5);
        GeometryOps.FillInPlace(source, new RgbColor(200, 10, 77));
        using RgbImage up = Resampler.Resize(source, 130, 61, Interpolation.Bicubic);
        for (int i = 0; i < up.Pixels.Length; i += 3)
            Assert.Equal((200, 10, 77), (up.Pixels[i], up.Pixels[i + 1], up.Pixels[i + 2]));
    }

    [Fact]
    public void Resize_RegionOutsideImage_Throws()
    {
        using var source = new RgbImage(10, 10);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Resampler.Resize(source, new PixelRect(5, 5, 6, 2), 4, 4, Interpolation.Bilinear));
        Assert.Contains("10x10", ex.Message);
    }
}
