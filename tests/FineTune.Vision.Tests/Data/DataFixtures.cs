using FineTune.Vision.Imaging;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Tests.Data;

/// <summary>Paths to the committed real data, temp folders, and a tiny test-only encoder.</summary>
internal static class DataFixtures
{
    public static string TinyImageNetMini => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Data", "tiny-imagenet-mini");

    /// <summary>samples/data/fashion-mnist in the repository.</summary>
    public static string FashionMnist => Path.Combine(ArchitectureTests.RepoRoot(), "samples", "data", "fashion-mnist");

    public static string FashionTrainImages => Path.Combine(FashionMnist, "train-images-idx3-ubyte.gz");
    public static string FashionTrainLabels => Path.Combine(FashionMnist, "train-labels-idx1-ubyte.gz");
    public static string FashionTestImages => Path.Combine(FashionMnist, "t10k-images-idx3-ubyte.gz");
    public static string FashionTestLabels => Path.Combine(FashionMnist, "t10k-labels-idx1-ubyte.gz");
}

/// <summary>A fresh temporary folder, deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ftv-data-" + Guid.NewGuid().ToString("N"));

    public string File(params string[] parts)
    {
        string path = System.IO.Path.Combine([Path, .. parts]);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

/// <summary>
/// Test-only encoder: nearest-neighbour scale to Size x Size, a random horizontal flip drawn from the sample's rng,
/// and (x/255 - 0.5)/0.5 normalisation, written CHW. Not a library transform.
/// </summary>
internal sealed class NaiveEncoder(int size, bool randomFlip = true) : ISampleEncoder
{
    public (int Channels, int Height, int Width) SampleShape => (3, size, size);

    public void Encode(RgbImage image, Span<float> destination, Random rng)
    {
        using (image)
        {
            bool flip = randomFlip && rng.Next(2) == 1;
            ReadOnlySpan<byte> px = image.Pixels;
            int plane = size * size;
            for (int y = 0; y < size; y++)
            {
                int sy = y * image.Height / size;
                for (int x = 0; x < size; x++)
                {
                    int sx = (flip ? size - 1 - x : x) * image.Width / size;
                    int s = 3 * (sy * image.Width + sx);
                    for (int c = 0; c < 3; c++) destination[c * plane + y * size + x] = (px[s + c] / 255f - 0.5f) / 0.5f;
                }
            }
        }
    }
}

/// <summary>An encoder that always throws, to test that encoder errors are never skipped.</summary>
internal sealed class ThrowingEncoder : ISampleEncoder
{
    public (int Channels, int Height, int Width) SampleShape => (3, 4, 4);

    public void Encode(RgbImage image, Span<float> destination, Random rng)
    {
        image.Dispose();
        throw new InvalidOperationException("encoder bug");
    }
}
