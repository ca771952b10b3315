using BenchmarkDotNet.Attributes;
using FineTune.Vision.Data;
using FineTune.Vision.Imaging;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Benchmarks;

/// <summary>
/// DataLoader throughput on the shipped Fashion-MNIST subset (3000 real 28x28 images, IDX gz, read into memory once)
/// with a trivial encoder (to-tensor and normalise), so the figure is the loader's own cost: scheduling, the per-sample
/// generator, gray-to-RGB, batch assembly and the batch tensors. One operation = one image; the times are per image.
/// </summary>
[Config(typeof(InProcessConfig))]
public class DataLoaderBenchmarks
{
    private const int Images = 3000;
    private IdxDataset _data = null!;
    private DataLoader _loader = null!;
    private int _epoch;

    /// <summary>Worker threads: one, and every core.</summary>
    [ParamsSource(nameof(WorkerCounts))]
    public int Workers { get; set; }

    /// <summary>Float batches (encoded) or uint8 batches (raw pixels).</summary>
    [Params(false, true)]
    public bool UInt8 { get; set; }

    public static IEnumerable<int> WorkerCounts => Environment.ProcessorCount > 1 ? [1, Environment.ProcessorCount] : [1];

    [GlobalSetup]
    public void Setup()
    {
        string folder = FashionMnistFolder();
        _data = IdxDataset.Open(Path.Combine(folder, "train-images-idx3-ubyte.gz"), Path.Combine(folder, "train-labels-idx1-ubyte.gz"));
        SampleSource source = UInt8 ? _data.WithUInt8(28, 28) : _data.With(new ToTensorEncoder(28));
        _loader = new DataLoader(source, new DataLoaderOptions { BatchSize = 128, Shuffle = true, Workers = Workers });
    }

    [GlobalCleanup]
    public void Cleanup() => _loader.Dispose();

    /// <summary>One shuffled epoch of 3000 images in batches of 128.</summary>
    [Benchmark(OperationsPerInvoke = Images)]
    public long Epoch()
    {
        long labels = 0;
        foreach (Batch batch in _loader.Epoch(_epoch++)) labels += batch.Count;
        return labels;
    }

    /// <summary>samples/data/fashion-mnist in the repository.</summary>
    public static string FashionMnistFolder() => Path.Combine(PipelineImages.RepoRoot(), "samples", "data", "fashion-mnist");

    /// <summary>The trivial per-sample stage: HWC bytes to CHW floats, (x/255 - 0.5)/0.5.</summary>
    private sealed class ToTensorEncoder(int size) : ISampleEncoder
    {
        public (int Channels, int Height, int Width) SampleShape => (3, size, size);

        public void Encode(RgbImage image, Span<float> destination, Random rng)
        {
            using (image)
            {
                ReadOnlySpan<byte> px = image.Pixels;
                int plane = size * size;
                for (int i = 0; i < plane; i++)
                {
                    destination[i] = px[3 * i] * (2f / 255f) - 1f;
                    destination[plane + i] = px[3 * i + 1] * (2f / 255f) - 1f;
                    destination[2 * plane + i] = px[3 * i + 2] * (2f / 255f) - 1f;
                }
            }
        }
    }
}
