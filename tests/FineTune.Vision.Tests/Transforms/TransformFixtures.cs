using FineTune.Vision.Imaging;

namespace FineTune.Vision.Tests.Transforms;

/// <summary>Fixture access for the Transforms tests (made by Fixtures/Transforms/make_fixtures.py).</summary>
internal static class TransformFixtures
{
    public static string Path(string layer, params string[] parts) =>
        System.IO.Path.Combine([AppContext.BaseDirectory, "Fixtures", layer, .. parts]);

    public static RgbImage Chelsea() => ImageDecoder.Decode(Path("Imaging", "resize", "chelsea.png"));

    public static RgbImage Load(string name) => ImageDecoder.Decode(Path("Transforms", name));

    public static bool SamePixels(RgbImage a, RgbImage b) =>
        a.Width == b.Width && a.Height == b.Height && a.Pixels.SequenceEqual(b.Pixels);

    public static RgbImage Noise(int width, int height, int seed)
    {
        var image = new RgbImage(width, height);
        new Random(seed).NextBytes(image.Pixels);
        return image;
    }
}
