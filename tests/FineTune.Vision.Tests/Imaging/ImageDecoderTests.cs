using FineTune.Vision.Imaging;

namespace FineTune.Vision.Tests.Imaging;

/// <summary>
/// Both decoders (<see cref="SkiaImageDecoder"/>, <see cref="ImageSharpImageDecoder"/>) against Pillow's output for the
/// same files (Fixtures/Imaging/make_fixtures.py). The expected PNGs are read with Skia, whose PNG reading is itself
/// checked here.
/// </summary>
public class ImageDecoderTests
{
    public static TheoryData<string, string, string> Lossless => Decoders.Cross(
        ("gray.png", "gray.expected.png"), ("palette.png", "palette.expected.png"), ("rgba.png", "rgba.expected.png"),
        ("rgb24.bmp", "rgb24.expected.png"), ("lossless.webp", "lossless.expected.png"), ("animated.gif", "animated.expected.png"));

    [Theory]
    [MemberData(nameof(Lossless))]
    public void Decode_LosslessKinds_GiveExactRgb(string file, string expectedFile, string decoder)
    {
        using RgbImage actual = ImageDecoder.Decode(ImagingFixtures.Path("decode", file), Decoders.Get(decoder));
        using RgbImage expected = ImageDecoder.Decode(ImagingFixtures.Path("decode", expectedFile), SkiaImageDecoder.Instance);
        (double mean, int max) = ImagingFixtures.Difference(actual, expected);
        Assert.True(max == 0, $"{decoder}, {file}: mean {mean:F3}, max {max}");
    }

    // ImageSharp's JPEG decoder is not libjpeg's (different IDCT and chroma upsampling): the limits against Pillow
    // (libjpeg-turbo) are wider for it; DecoderAgreementTests measures the two decoders against each other.
    public static TheoryData<string, string, double, int, string> Jpeg => new()
    {
        { "cmyk.jpg", "cmyk.expected.png", 1.0, 6, Decoders.Skia },
        { "photo.jpg", "photo.expected.png", 1.0, 8, Decoders.Skia },
        { "cmyk.jpg", "cmyk.expected.png", 1.5, 12, Decoders.ImageSharp },
        { "photo.jpg", "photo.expected.png", 1.5, 12, Decoders.ImageSharp },
    };

    [Theory]
    [MemberData(nameof(Jpeg))]
    public void Decode_Jpeg_AgreesWithPillow(string file, string expectedFile, double meanLimit, int maxLimit, string decoder)
    {
        using RgbImage actual = ImageDecoder.Decode(ImagingFixtures.Path("decode", file), Decoders.Get(decoder));
        using RgbImage expected = ImageDecoder.Decode(ImagingFixtures.Path("decode", expectedFile), SkiaImageDecoder.Instance);
        (double mean, int max) = ImagingFixtures.Difference(actual, expected);
        Assert.True(mean <= meanLimit && max <= maxLimit, $"{decoder}, {file}: mean {mean:F3}, max {max} (limits {meanLimit}, {maxLimit})");
    }

    [Theory]
    [MemberData(nameof(Decoders.All), MemberType = typeof(Decoders))]
    public void Decode_TruncatedOrGarbage_NamesTheSource(string decoder)
    {
        IImageDecoder d = Decoders.Get(decoder);
        byte[] png = File.ReadAllBytes(ImagingFixtures.Path("decode", "palette.png"));
        var truncated = Assert.Throws<InvalidDataException>(() => d.Decode(png.AsSpan(0, png.Length / 2), "half.png", ImageDecoder.MaxPixels));
        Assert.Contains("half.png", truncated.Message);
        var garbage = Assert.Throws<InvalidDataException>(() => d.Decode(new byte[] { 1, 2, 3, 4, 5 }, "junk.bin", ImageDecoder.MaxPixels));
        Assert.Contains("junk.bin", garbage.Message);
        Assert.Throws<FileNotFoundException>(() => ImageDecoder.Decode(ImagingFixtures.Path("decode", "missing.png"), d));
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Decode(png, "palette.png", 0));
    }

    [Fact]
    public void Default_is_skia_and_refuses_null()
    {
        Assert.Same(SkiaImageDecoder.Instance, ImageDecoder.Default);
        Assert.Throws<ArgumentNullException>(() => ImageDecoder.Default = null!);
    }
}
