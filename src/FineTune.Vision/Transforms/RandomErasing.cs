namespace FineTune.Vision.Transforms;

/// <summary>
/// Random erasing ("Random Erasing Data Augmentation", Zhong et al., 2017) with timm's semantics
/// (<c>timm.data.random_erasing.RandomErasing</c>): on a normalised CHW sample, with probability
/// <see cref="RandomErasingOptions.Probability"/>, erases between <see cref="RandomErasingOptions.MinCount"/> and
/// <see cref="RandomErasingOptions.MaxCount"/> boxes. Each box gets up to 10 tries: an area fraction drawn uniformly from
/// [MinArea, MaxArea] and divided by the box count, a log-uniform aspect ratio, and a position; a try whose box does
/// not fit strictly inside the image is dropped.
/// </summary>
/// <remarks>Runs after normalisation, so <see cref="ErasingMode.Const"/> boxes hold the dataset mean.</remarks>
public sealed class RandomErasing : ISampleTensorTransform
{
    private const int Attempts = 10;
    private readonly double _logAspectMin, _logAspectMax;
    private readonly int _maxCount;

    /// <summary>Creates the transform; the options are validated here.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public RandomErasing(RandomErasingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _logAspectMin = Math.Log(options.MinAspect);
        _logAspectMax = Math.Log(options.MaxAspect ?? 1.0 / options.MinAspect);
        _maxCount = options.MaxCount ?? options.MinCount;
    }

    /// <summary>Creates the transform with timm's defaults and the given probability (the recipes use 0.25).</summary>
    public RandomErasing(double probability = 0.5) : this(new RandomErasingOptions { Probability = probability })
    {
    }

    /// <summary>The settings.</summary>
    public RandomErasingOptions Options { get; }

    /// <inheritdoc />
    public void Apply(Span<float> chw, int channels, int height, int width, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (chw.Length != channels * height * width)
            throw new ArgumentException($"A {channels}x{height}x{width} sample needs {channels * height * width} floats, got {chw.Length}.", nameof(chw));
        if (rng.NextDouble() > Options.Probability) return;
        int count = Options.MinCount == _maxCount ? _maxCount : rng.IntInclusive(Options.MinCount, _maxCount);
        double area = (double)height * width;
        for (int box = 0; box < count; box++)
        {
            for (int attempt = 0; attempt < Attempts; attempt++)
            {
                double targetArea = rng.Uniform(Options.MinArea, Options.MaxArea) * area / count;
                double aspect = Math.Exp(rng.Uniform(_logAspectMin, _logAspectMax));
                int h = (int)Math.Round(Math.Sqrt(targetArea * aspect));
                int w = (int)Math.Round(Math.Sqrt(targetArea / aspect));
                if (w >= width || h >= height) continue;
                int top = rng.IntInclusive(0, height - h);
                int left = rng.IntInclusive(0, width - w);
                Fill(chw, channels, height, width, (top, left, h, w), rng);
                break;
            }
        }
    }

    private void Fill(Span<float> chw, int channels, int height, int width, (int Top, int Left, int H, int W) box, Random rng)
    {
        for (int c = 0; c < channels; c++)
        {
            float constant = Options.Mode == ErasingMode.Rand ? (float)rng.Gaussian() : 0f;
            Span<float> plane = chw.Slice(c * height * width, height * width);
            for (int y = box.Top; y < box.Top + box.H; y++)
            {
                Span<float> run = plane.Slice(y * width + box.Left, box.W);
                if (Options.Mode != ErasingMode.Pixel)
                {
                    run.Fill(constant);
                    continue;
                }
                for (int x = 0; x < run.Length; x++) run[x] = (float)rng.Gaussian();
            }
        }
    }
}
