using FineTune.Vision.Imaging;

namespace FineTune.Vision.Tests.Imaging;

/// <summary>Paths to the Imaging fixtures (made by Fixtures/Imaging/make_fixtures.py) and image comparisons.</summary>
internal static class ImagingFixtures
{
    public static string Path(params string[] parts) =>
        System.IO.Path.Combine([AppContext.BaseDirectory, "Fixtures", "Imaging", .. parts]);

    public static RgbImage Load(params string[] parts) => ImageDecoder.Decode(Path(parts));

    /// <summary>Mean and max absolute difference over all bytes of two same-sized images.</summary>
    public static (double Mean, int Max) Difference(RgbImage a, RgbImage b)
    {
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        ReadOnlySpan<byte> pa = a.Pixels, pb = b.Pixels;
        long sum = 0;
        int max = 0;
        for (int i = 0; i < pa.Length; i++)
        {
            int d = Math.Abs(pa[i] - pb[i]);
            sum += d;
            max = Math.Max(max, d);
        }
        return ((double)sum / pa.Length, max);
    }

    /// <summary>A deterministic pseudo-random image.</summary>
    public static RgbImage Noise(int width, int height, int seed)
    {
        var image = new RgbImage(width, height);
        new Random(seed).NextBytes(image.Pixels);
        return image;
    }
}
