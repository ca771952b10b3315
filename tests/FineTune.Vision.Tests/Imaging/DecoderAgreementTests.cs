using FineTune.Vision.Imaging;
using Xunit.Abstractions;

namespace FineTune.Vision.Tests.Imaging;

/// <summary>
/// The two decoders against each other on the same files: lossless formats give the same bytes; JPEG differs by the
/// IDCT and chroma upsampling (libjpeg-turbo in Skia against ImageSharp's own), within the limits stated in
/// docs/input-pipeline.md, "Decoders".
/// </summary>
public class DecoderAgreementTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("gray.png")]
    [InlineData("palette.png")]
    [InlineData("rgba.png")]
    [InlineData("rgb24.bmp")]
    [InlineData("lossless.webp")]
    [InlineData("animated.gif")]
    public void Lossless_files_decode_to_the_same_bytes(string file)
    {
        using RgbImage skia = ImageDecoder.Decode(ImagingFixtures.Path("decode", file), SkiaImageDecoder.Instance);
        using RgbImage sharp = ImageDecoder.Decode(ImagingFixtures.Path("decode", file), ImageSharpImageDecoder.Instance);
        Assert.Equal(skia.Pixels.ToArray(), sharp.Pixels.ToArray());
    }

    [Fact]
    public void Generated_pngs_decode_to_the_same_bytes()
    {
        using RgbImage photo = ImagingFixtures.Load("decode", "photo.jpg");
        byte[] png = ImageEncoder.EncodePng(photo);
        using RgbImage skia = SkiaImageDecoder.Instance.Decode(png, "photo.png", ImageDecoder.MaxPixels);
        using RgbImage sharp = ImageSharpImageDecoder.Instance.Decode(png, "photo.png", ImageDecoder.MaxPixels);
        Assert.Equal(photo.Pixels.ToArray(), skia.Pixels.ToArray());
        Assert.Equal(photo.Pixels.ToArray(), sharp.Pixels.ToArray());
    }

    // The limits hold for libjpeg-style 4:2:0 files (what Skia's encoder and most cameras write) and the 4:4:4 files
    // Pillow writes at quality > 90; measured values are printed.
    [Theory]
    [InlineData("photo.jpg", 0, 1.0, 12)]
    [InlineData("cmyk.jpg", 0, 1.0, 12)]
    [InlineData("photo.jpg", 90, 1.0, 12)]
    [InlineData("photo.jpg", 75, 1.0, 12)]
    [InlineData("photo.jpg", 95, 1.0, 12)]
    public void Jpeg_pixels_agree_within_a_small_tolerance(string file, int reencodeQuality, double meanLimit, int maxLimit)
    {
        byte[] jpeg = File.ReadAllBytes(ImagingFixtures.Path("decode", file));
        if (reencodeQuality > 0)
        {
            using RgbImage source = ImagingFixtures.Load("decode", file);
            jpeg = ImageEncoder.EncodeJpeg(source, reencodeQuality);
        }
        using RgbImage skia = SkiaImageDecoder.Instance.Decode(jpeg, file, ImageDecoder.MaxPixels);
        using RgbImage sharp = ImageSharpImageDecoder.Instance.Decode(jpeg, file, ImageDecoder.MaxPixels);
        (double mean, int max) = ImagingFixtures.Difference(skia, sharp);
        output.WriteLine($"{file} (quality {reencodeQuality}): mean abs diff {mean:F3}, max {max}");
        Assert.True(mean <= meanLimit && max <= maxLimit, $"{file} q{reencodeQuality}: mean {mean:F3}, max {max} (limits {meanLimit}, {maxLimit})");
    }
}
