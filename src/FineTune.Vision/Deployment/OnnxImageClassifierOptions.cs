using FineTune.Vision.Imaging;

namespace FineTune.Vision.Deployment;

/// <summary>Settings of <see cref="OnnxImageClassifier"/>.</summary>
public sealed record OnnxImageClassifierOptions
{
    /// <summary>
    /// Whether every prediction averages the softmax of the image and of its horizontal mirror image (flip test-time
    /// augmentation, as <c>ImageClassifierOptions.FlipTta</c>); doubles the forward cost.
    /// </summary>
    /// <value>Default: false.</value>
    public bool FlipTta { get; init; }

    /// <summary>Images per forward pass in <see cref="OnnxImageClassifier.PredictMany"/>.</summary>
    /// <value>Default: 32.</value>
    public int BatchSize { get; init; } = 32;

    /// <summary>ONNX Runtime's intra-op threads per forward pass; null lets ONNX Runtime choose (one per physical core).</summary>
    /// <value>Default: null.</value>
    public int? IntraOpThreads { get; init; }

    /// <summary>Threads that decode and preprocess image files in parallel in <see cref="OnnxImageClassifier.PredictMany"/>.</summary>
    /// <value>Default: <see cref="Environment.ProcessorCount"/>.</value>
    public int DecodeWorkers { get; init; } = Environment.ProcessorCount;

    /// <summary>The decoder of image files and streams; null decodes with <see cref="ImageDecoder.Default"/> at prediction time.</summary>
    /// <value>Default: null.</value>
    public IImageDecoder? Decoder { get; init; }

    internal void Validate()
    {
        List<string> errors = [];
        if (BatchSize <= 0) errors.Add($"{nameof(BatchSize)} must be > 0 (was {BatchSize}).");
        if (IntraOpThreads is <= 0) errors.Add($"{nameof(IntraOpThreads)} must be > 0 or null (was {IntraOpThreads}).");
        if (DecodeWorkers <= 0) errors.Add($"{nameof(DecodeWorkers)} must be > 0 (was {DecodeWorkers}).");
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(OnnxImageClassifierOptions)}:\n  " + string.Join("\n  ", errors));
    }
}
