using BenchmarkDotNet.Attributes;
using FineTune.Vision.Imaging;

namespace FineTune.Vision.Benchmarks;

/// <summary>
/// The resampler on the recipe-1 shapes: Tiny ImageNet's 64x64 up to 384 (the seed pipeline's resize) and a
/// 384 → 224 downscale (antialiased). Single-threaded; Pillow's time for the same calls is measured by the peer script.
/// dotnet run -c Release --project benchmarks/FineTune.Vision.Benchmarks -- --filter '*ResizeBenchmarks*'
/// </summary>
[Config(typeof(InProcessConfig))]
[MemoryDiagnoser]
public class ResizeBenchmarks
{
    private RgbImage _small = null!, _large = null!;

    /// <summary>The resampling filter.</summary>
    [Params(Interpolation.Bicubic, Interpolation.Bilinear)]
    public Interpolation Filter { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _small = Smooth(64, 64);
        _large = Smooth(384, 384);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _small.Dispose();
        _large.Dispose();
    }

    /// <summary>64x64 → 384x384.</summary>
    [Benchmark(Baseline = true)]
    public int Upscale64To384()
    {
        using RgbImage result = Resampler.Resize(_small, 384, 384, Filter);
        return result.Pixels[0];
    }

    /// <summary>384x384 → 224x224 (support widened by the factor).</summary>
    [Benchmark]
    public int Downscale384To224()
    {
        using RgbImage result = Resampler.Resize(_large, 224, 224, Filter);
        return result.Pixels[0];
    }

    /// <summary>A photo-like smooth image with some texture, deterministic.</summary>
    private static RgbImage Smooth(int width, int height)
    {
        var image = new RgbImage(width, height);
        Span<byte> p = image.Pixels;
        var rng = new Random(0);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int i = (y * width + x) * 3;
                p[i] = (byte)(128 + 100 * Math.Sin(x * 0.11) + rng.Next(-10, 10));
                p[i + 1] = (byte)(128 + 100 * Math.Cos(y * 0.07) + rng.Next(-10, 10));
                p[i + 2] = (byte)((x + y) * 255 / (width + height));
            }
        return image;
    }
}
