using FineTune.Vision.Imaging;

namespace FineTune.Vision.Tests.Imaging;

public class ImageDecoderTests
{
    [Theory]
    [InlineData("gray.png", "gray.expected.png")]
    [InlineData("palette.png", "palette.expected.png")]
    [InlineData("rgba.png", "rgba.expected.png")]
    [InlineData("rgb24.bmp", "rgb24.expected.png")]
    [InlineData("lossless.webp", "lossless.expected.png")]
    [InlineData("animated.gif", "animated.expected.png")]
    public void Decode_LosslessKinds_GiveExactRgb(string file, string expectedFile)
    {
        using RgbImage actual = ImagingFixtures.Load("decode", file);
        using RgbImage expected = ImagingFixtures.Load("decode", expectedFile);
        (double mean, int max) = ImagingFixtures.Difference(actual, expected);
        Assert.True(max == 0, $"{file}: mean {mean:F3}, max {max}");
    }

    [Theory]
    [InlineData("cmyk.jpg", "cmyk.expected.png", 1.0, 6)]
    [InlineData("photo.jpg", "photo.expected.png", 1.0, 8)]
    public void Decode_Jpeg_AgreesWithPillow(string file, string expectedFile, double meanLimit, int maxLimit)
    {
        using RgbImage actual = ImagingFixtures.Load("decode", file);
        using RgbImage expected = ImagingFixtures.Load("decode", expectedFile);
        (double mean, int max) = ImagingFixtures.Difference(actual, expected);
        Assert.True(mean <= meanLimit && max <= maxLimit, $"{file}: mean {mean:F3}, max {max} (limits {meanLimit}, {maxLimit})");
    }

    [Fact]
    public void Decode_TruncatedOrGarbage_NamesTheSource()
    {
        byte[] png = File.ReadAllBytes(ImagingFixtures.Path("decode", "palette.png"));
        var truncated = Assert.Throws<InvalidDataException>(() => ImageDecoder.Decode(png.AsSpan(0, png.Length / 2), "half.png"));
        Assert.Contains("half.png", truncated.Message);
        var garbage = Assert.Throws<InvalidDataException>(() => ImageDecoder.Decode(new byte[] { 1, 2, 3, 4, 5 }, "junk.bin"));
        Assert.Contains("junk.bin", garbage.Message);
        Assert.Throws<FileNotFoundException>(() => ImageDecoder.Decode(ImagingFixtures.Path("decode", "missing.png")));
    }
}
