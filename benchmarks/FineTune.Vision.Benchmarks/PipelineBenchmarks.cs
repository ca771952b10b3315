using BenchmarkDotNet.Attributes;
using FineTune.Vision.Imaging;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Benchmarks;

/// <summary>
/// The recipe-1 training pipeline per image, on one thread: decode a 64x64 JPEG, resize to 384 bicubic, flip,
/// torchvision RandAugment(2, 9), ToTensor + Normalize, RandomErasing(0.25). The peer (torchvision 0.14 + Pillow) is
/// timed by <c>pipeline-ratio</c> in the same run.
/// </summary>
[Config(typeof(InProcessConfig))]
public class PipelineBenchmarks
{
    private byte[][] _jpegs = [];
    private SampleEncoder _encoder = null!;
    private float[] _sample = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _jpegs = [.. PipelineImages.Find().Select(File.ReadAllBytes)];
        _encoder = Presets.UpscaleAugment(384, erasing: 0.25);
        var (c, h, w) = _encoder.SampleShape;
        _sample = new float[c * h * w];
    }

    /// <summary>One image through the whole per-sample pipeline.</summary>
    [Benchmark]
    public void DecodeAugmentEncode()
    {
        int i = _next++;
        RgbImage image = ImageDecoder.Decode(_jpegs[i % _jpegs.Length], "benchmark");
        _encoder.Encode(image, _sample, new Random(i));
    }
}

/// <summary>The 64x64 JPEGs the pipeline benchmarks read: the Tiny-ImageNet-layout test fixture.</summary>
public static class PipelineImages
{
    /// <summary>The folder holding them.</summary>
    public static string Folder => Path.Combine(RepoRoot(), "tests", "FineTune.Vision.Tests", "Fixtures", "Data", "tiny-imagenet-mini");

    /// <summary>All JPEG files under <see cref="Folder"/>, sorted.</summary>
    public static string[] Find() =>
        [.. Directory.EnumerateFiles(Folder, "*.JPEG", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    /// <summary>The repository root (the folder holding FineTune.Vision.sln).</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FineTune.Vision.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"FineTune.Vision.sln not found above {AppContext.BaseDirectory}.");
    }
}
