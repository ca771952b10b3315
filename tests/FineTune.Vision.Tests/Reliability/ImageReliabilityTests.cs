using FineTune.Vision.Imaging;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Tests.Imaging;

namespace FineTune.Vision.Tests.Reliability;

/// <summary>
/// Broken and unusual image files through both decoders (<see cref="SkiaImageDecoder"/>, <see cref="ImageSharpImageDecoder"/>,
/// via <see cref="ImageDecoder.Decode(string, IImageDecoder)"/>): each decodes correctly or throws
/// <see cref="InvalidDataException"/> naming the file; headers declaring huge sizes are refused before decoding; an
/// animated image decodes its first frame only.
/// (Grayscale, palette, CMYK and alpha files against Pillow are in Imaging/ImageDecoderTests.)
/// </summary>
public sealed class ImageReliabilityTests : IDisposable
{
    private readonly TempDir _dir = new();

    /// <summary>Deletes the temporary files.</summary>
    public void Dispose() => _dir.Dispose();

    // (color type, channels): RGB, grayscale, grayscale + alpha, RGBA, all 16 bits per sample.
    public static TheoryData<byte, int, string> DeepPngs => Decoders.Cross<byte, int>((2, 3), (0, 1), (4, 2), (6, 4));

    [Theory]
    [MemberData(nameof(DeepPngs))]
    public void Sixteen_bit_pngs_decode_to_their_high_bytes(byte colorType, int channels, string decoder)
    {
        const int w = 7, h = 5;
        var rng = new Random(colorType);
        byte[] samples = new byte[w * h * channels * 2];
        rng.NextBytes(samples);
        if (channels is 2 or 4)
            for (int i = 0; i < w * h; i++) (samples[(i * channels + channels - 1) * 2], samples[(i * channels + channels - 1) * 2 + 1]) = (255, 255); // opaque
        string path = Write($"deep{colorType}.png", PngWriter.Write(w, h, colorType, 16, samples));
        using RgbImage image = ImageDecoder.Decode(path, Decoders.Get(decoder));
        Assert.Equal((w, h), (image.Width, image.Height));
        for (int i = 0; i < w * h; i++)
            for (int c = 0; c < 3; c++)
            {
                int source = channels <= 2 ? 0 : c;
                int expected = samples[(i * channels + source) * 2];
                Assert.True(Math.Abs(image.Pixels[i * 3 + c] - expected) <= 1, $"pixel {i} channel {c}: {image.Pixels[i * 3 + c]} vs {expected}");
            }
    }

    [Theory]
    [MemberData(nameof(Decoders.All), MemberType = typeof(Decoders))]
    public void Gray_alpha_png_drops_the_alpha_and_keeps_the_gray(string decoder)
    {
        byte[] samples = [10, 255, 20, 128, 30, 0, 40, 255];
        using RgbImage image = ImageDecoder.Decode(Write("ga.png", PngWriter.Write(2, 2, 4, 8, samples)), Decoders.Get(decoder));
        Assert.Equal(new byte[] { 10, 10, 10, 20, 20, 20, 30, 30, 30, 40, 40, 40 }, image.Pixels.ToArray());
    }

    public static TheoryData<int, int, string> BombSizes => Decoders.Cross<int, int>((100_000, 100_000), (1_000_000, 1_000), (20_000, 6_401));

    [Theory]
    [MemberData(nameof(BombSizes))]
    public void A_png_declaring_huge_dimensions_is_refused_from_its_header(int width, int height, string decoder)
    {
        string path = Write("bomb.png", PngWriter.Bomb(width, height));
        Assert.True(new FileInfo(path).Length < 200);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DecompressionBombException>(() => ImageDecoder.Decode(path, Decoders.Get(decoder)));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "the decoder allocated pixel memory before refusing");
        Assert.Contains(path, e.Message);
        Assert.Contains("MaxPixels", e.Message);
        Assert.Equal(ImageDecoder.DefaultMaxPixels, e.Limit);
    }

    [Theory]
    [MemberData(nameof(Decoders.All), MemberType = typeof(Decoders))]
    public void A_jpeg_declaring_huge_dimensions_is_refused_and_the_limit_is_per_call_configurable(string decoder)
    {
        IImageDecoder d = Decoders.Get(decoder);
        byte[] jpeg = File.ReadAllBytes(ImagingFixtures.Path("decode", "photo.jpg"));
        int sof = FindStartOfFrame(jpeg);
        int height = jpeg[sof + 5] << 8 | jpeg[sof + 6], width = jpeg[sof + 7] << 8 | jpeg[sof + 8];
        byte[] bomb = [.. jpeg];
        (bomb[sof + 5], bomb[sof + 6], bomb[sof + 7], bomb[sof + 8]) = (0xEA, 0x60, 0xEA, 0x60); // 60000 x 60000
        var e = Assert.Throws<DecompressionBombException>(() => ImageDecoder.Decode(Write("bomb.jpg", bomb), d));
        Assert.Equal((60000, 60000), (e.Width, e.Height));

        Assert.Throws<DecompressionBombException>(() => d.Decode(jpeg, "photo.jpg", (long)width * height - 1));
        using RgbImage ok = d.Decode(jpeg, "photo.jpg", (long)width * height);
        Assert.Equal((width, height), (ok.Width, ok.Height));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageDecoder.MaxPixels = 0);
    }

    public static TheoryData<string, double, string> Cuts => Decoders.Cross<string, double>(
        ("photo.jpg", 0.5), ("photo.jpg", 0.05), ("rgba.png", 0.5), ("palette.png", 0.3), ("lossless.webp", 0.5));

    [Theory]
    [MemberData(nameof(Cuts))]
    public void Truncated_files_are_reported_with_their_path(string fixture, double keep, string decoder)
    {
        byte[] bytes = File.ReadAllBytes(ImagingFixtures.Path("decode", fixture));
        string path = Write("cut-" + fixture, bytes[..(int)(bytes.Length * keep)]);
        var e = Assert.ThrowsAny<InvalidDataException>(() => ImageDecoder.Decode(path, Decoders.Get(decoder)));
        Assert.Contains(path, e.Message);
    }

    [Theory]
    [MemberData(nameof(Decoders.All), MemberType = typeof(Decoders))]
    public void Zero_byte_and_non_image_files_are_reported_with_their_path(string decoder)
    {
        foreach (var (name, bytes) in new[] { ("empty.jpg", Array.Empty<byte>()), ("text.png", "not an image"u8.ToArray()), ("zeros.jpg", new byte[4096]) })
        {
            string path = Write(name, bytes);
            var e = Assert.ThrowsAny<InvalidDataException>(() => ImageDecoder.Decode(path, Decoders.Get(decoder)));
            Assert.Contains(path, e.Message);
        }
    }

    [Theory]
    [MemberData(nameof(Decoders.All), MemberType = typeof(Decoders))]
    public void The_content_decides_the_format_not_the_extension(string decoder)
    {
        IImageDecoder d = Decoders.Get(decoder);
        using RgbImage expected = ImagingFixtures.Load("decode", "rgba.png");
        using RgbImage png = ImageDecoder.Decode(Write("really-a-png.jpg", File.ReadAllBytes(ImagingFixtures.Path("decode", "rgba.png"))), d);
        Assert.Equal(expected.Pixels.ToArray(), png.Pixels.ToArray());
        using RgbImage jpeg = ImageDecoder.Decode(Write("really-a-jpeg.png", File.ReadAllBytes(ImagingFixtures.Path("decode", "photo.jpg"))), d);
        Assert.True(jpeg.Width > 0);
    }

    [Theory]
    [MemberData(nameof(Decoders.All), MemberType = typeof(Decoders))]
    public void An_animated_gif_decodes_its_first_frame_and_never_reads_the_frames_after_it(string decoder)
    {
        // Two 32x32 frames (red, then blue), written by ImageSharp's GIF encoder, cut just after the introducer of the
        // second frame's image descriptor: a reader of every frame fails on it (checked below with ImageSharp's default,
        // all-frames configuration; it pads shorter cuts), a first-frame reader never gets there.
        const int size = 32;
        using var gif = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(size, size, new SixLabors.ImageSharp.PixelFormats.Rgb24(255, 0, 0));
        using (var blue = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(size, size, new SixLabors.ImageSharp.PixelFormats.Rgb24(0, 0, 255)))
            gif.Frames.AddFrame(blue.Frames.RootFrame);
        using var encoded = new MemoryStream();
        SixLabors.ImageSharp.ImageExtensions.SaveAsGif(gif, encoded);
        byte[] whole = encoded.ToArray();
        int second = GifImageDescriptors(whole)[1];
        byte[] cut = whole[..(second + 1)];
        Assert.ThrowsAny<Exception>(() => SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(cut).Dispose());

        using RgbImage image = ImageDecoder.Decode(Write("cut-animation.gif", cut), Decoders.Get(decoder));
        Assert.Equal((size, size), (image.Width, image.Height));
        for (int i = 0; i < size * size; i++)
            Assert.Equal((255, 0, 0), (image.Pixels[i * 3], image.Pixels[i * 3 + 1], image.Pixels[i * 3 + 2]));
    }

    [Fact]
    public void An_animated_webp_gives_its_first_frame_with_skia_and_is_refused_by_ImageSharp_2()
    {
        string path = ImagingFixtures.Path("decode", "animated.webp");
        using RgbImage expected = ImagingFixtures.Load("decode", "animated.expected.png");
        using RgbImage skia = ImageDecoder.Decode(path, SkiaImageDecoder.Instance);
        Assert.Equal(expected.Pixels.ToArray(), skia.Pixels.ToArray());
        var e = Assert.Throws<InvalidDataException>(() => ImageDecoder.Decode(path, ImageSharpImageDecoder.Instance));
        Assert.Contains(path, e.Message);
    }

    /// <summary>Offsets of the image descriptors (0x2C) of a GIF, found by walking its blocks.</summary>
    private static List<int> GifImageDescriptors(byte[] gif)
    {
        var found = new List<int>();
        int flags = gif[10], i = 13 + ((flags & 0x80) != 0 ? 3 << ((flags & 7) + 1) : 0);
        while (i < gif.Length && gif[i] != 0x3B)
        {
            if (gif[i] == 0x21) i += 2; // extension: introducer, label, then sub-blocks
            else
            {
                Assert.Equal(0x2C, gif[i]);
                found.Add(i);
                int local = gif[i + 9];
                i += 10 + ((local & 0x80) != 0 ? 3 << ((local & 7) + 1) : 0) + 1; // descriptor, local table, LZW code size
            }
            while (gif[i] != 0) i += gif[i] + 1;
            i++;
        }
        Assert.True(found.Count >= 2, $"{found.Count} frames in the encoded GIF");
        return found;
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
