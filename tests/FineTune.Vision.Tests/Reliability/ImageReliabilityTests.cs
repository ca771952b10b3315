using FineTune.Vision.Imaging;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Tests.Imaging;

namespace FineTune.Vision.Tests.Reliability;

/// <summary>
/// Broken and unusual image files through <see cref="ImageDecoder.Decode(string)"/>: each decodes correctly or throws
/// <see cref="InvalidDataException"/> naming the file; headers declaring huge sizes are refused before decoding.
/// (Grayscale, palette, CMYK and alpha files against Pillow are in Imaging/ImageDecoderTests.)
/// </summary>
public sealed class ImageReliabilityTests : IDisposable
{
    private readonly TempDir _dir = new();

    /// <summary>Deletes the temporary files.</summary>
    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(2, 3)]    // RGB, 16 bits per sample
    [InlineData(0, 1)]    // grayscale, 16 bits
    [InlineData(4, 2)]    // grayscale + alpha, 16 bits
    [InlineData(6, 4)]    // RGBA, 16 bits
    public void Sixteen_bit_pngs_decode_to_their_high_bytes(byte colorType, int channels)
    {
        const int w = 7, h = 5;
        var rng = new Random(colorType);
        byte[] samples = new byte[w * h * channels * 2];
        rng.NextBytes(samples);
        if (channels is 2 or 4)
            for (int i = 0; i < w * h; i++) (samples[(i * channels + channels - 1) * 2], samples[(i * channels + channels - 1) * 2 + 1]) = (255, 255); // opaque
        string path = Write($"deep{colorType}.png", PngWriter.Write(w, h, colorType, 16, samples));
        using RgbImage image = ImageDecoder.Decode(path);
        Assert.Equal((w, h), (image.Width, image.Height));
        for (int i = 0; i < w * h; i++)
            for (int c = 0; c < 3; c++)
            {
                int source = channels <= 2 ? 0 : c;
                int expected = samples[(i * channels + source) * 2];
                Assert.True(Math.Abs(image.Pixels[i * 3 + c] - expected) <= 1, $"pixel {i} channel {c}: {image.Pixels[i * 3 + c]} vs {expected}");
            }
    }

    [Fact]
    public void Gray_alpha_png_drops_the_alpha_and_keeps_the_gray()
    {
        byte[] samples = [10, 255, 20, 128, 30, 0, 40, 255];
        using RgbImage image = ImageDecoder.Decode(Write("ga.png", PngWriter.Write(2, 2, 4, 8, samples)));
        Assert.Equal(new byte[] { 10, 10, 10, 20, 20, 20, 30, 30, 30, 40, 40, 40 }, image.Pixels.ToArray());
    }

    [Theory]
    [InlineData(100_000, 100_000)]
    [InlineData(1_000_000, 1_000)]
    [InlineData(20_000, 6_401)]
    public void A_png_declaring_huge_dimensions_is_refused_from_its_header(int width, int height)
    {
        string path = Write("bomb.png", PngWriter.Bomb(width, height));
        Assert.True(new FileInfo(path).Length < 200);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DecompressionBombException>(() => ImageDecoder.Decode(path));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "the decoder allocated pixel memory before refusing");
        Assert.Contains(path, e.Message);
        Assert.Contains("MaxPixels", e.Message);
        Assert.Equal(ImageDecoder.DefaultMaxPixels, e.Limit);
    }

    [Fact]
    public void A_jpeg_declaring_huge_dimensions_is_refused_and_the_limit_is_per_call_configurable()
    {
        byte[] jpeg = File.ReadAllBytes(ImagingFixtures.Path("decode", "photo.jpg"));
        int sof = FindStartOfFrame(jpeg);
        int height = jpeg[sof + 5] << 8 | jpeg[sof + 6], width = jpeg[sof + 7] << 8 | jpeg[sof + 8];
        byte[] bomb = [.. jpeg];
        (bomb[sof + 5], bomb[sof + 6], bomb[sof + 7], bomb[sof + 8]) = (0xEA, 0x60, 0xEA, 0x60); // 60000 x 60000
        var e = Assert.Throws<DecompressionBombException>(() => ImageDecoder.Decode(Write("bomb.jpg", bomb)));
        Assert.Equal((60000, 60000), (e.Width, e.Height));

        string photo = Write("photo.jpg", jpeg);
        Assert.Throws<DecompressionBombException>(() => ImageDecoder.Decode(photo, (long)width * height - 1));
        using RgbImage ok = ImageDecoder.Decode(photo, (long)width * height);
        Assert.Equal((width, height), (ok.Width, ok.Height));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageDecoder.MaxPixels = 0);
    }

    [Theory]
    [InlineData("photo.jpg", 0.5)]
    [InlineData("photo.jpg", 0.05)]
    [InlineData("rgba.png", 0.5)]
    [InlineData("palette.png", 0.3)]
    [InlineData("lossless.webp", 0.5)]
    public void Truncated_files_are_reported_with_their_path(string fixture, double keep)
    {
        byte[] bytes = File.ReadAllBytes(ImagingFixtures.Path("decode", fixture));
        string path = Write("cut-" + fixture, bytes[..(int)(bytes.Length * keep)]);
        var e = Assert.ThrowsAny<InvalidDataException>(() => ImageDecoder.Decode(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Zero_byte_and_non_image_files_are_reported_with_their_path()
    {
        foreach (var (name, bytes) in new[] { ("empty.jpg", Array.Empty<byte>()), ("text.png", "not an image"u8.ToArray()), ("zeros.jpg", new byte[4096]) })
        {
            string path = Write(name, bytes);
            var e = Assert.ThrowsAny<InvalidDataException>(() => ImageDecoder.Decode(path));
            Assert.Contains(path, e.Message);
        }
    }

    [Fact]
    public void The_content_decides_the_format_not_the_extension()
    {
        using RgbImage expected = ImagingFixtures.Load("decode", "rgba.png");
        using RgbImage png = ImageDecoder.Decode(Write("really-a-png.jpg", File.ReadAllBytes(ImagingFixtures.Path("decode", "rgba.png"))));
        Assert.Equal(expected.Pixels.ToArray(), png.Pixels.ToArray());
        using RgbImage jpeg = ImageDecoder.Decode(Write("really-a-jpeg.png", File.ReadAllBytes(ImagingFixtures.Path("decode", "photo.jpg"))));
        Assert.True(jpeg.Width > 0);
    }

    private string Write(string name, byte[] bytes)
    {
        string path = _dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static int FindStartOfFrame(byte[] jpeg)
    {
        for (int i = 2; i + 9 < jpeg.Length; i++)
            if (jpeg[i] == 0xFF && jpeg[i + 1] is 0xC0 or 0xC1 or 0xC2) return i;
        throw new InvalidDataException("no SOF marker");
    }
}
