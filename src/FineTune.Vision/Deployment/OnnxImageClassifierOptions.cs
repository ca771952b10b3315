namespace FineTune.Vision.Deployment;

/// <summary>Settings of <see cref="OnnxImageClassifier"/>.</summary>
public sealed record OnnxImageClassifierOptions
{
    /// <summary>
    /// Flip test-time augmentation: each image is also classified mirrored left-right and the two softmax
    /// probabilities are averaged (twice the compute).
    /// </summary>
    /// <value>Default: false.</value>
    public bool FlipTta { get; init; }

    /// <summary>Images per forward pass in <see cref="OnnxImageClassifier.PredictMany"/>.</summary>
    /// <value>Default: 32.</value>
    public int BatchSize { get; init; } = 32;

    /// <summary>ONNX Runtime's intra-op threads per forward pass; null lets ONNX Runtime choose (one per physical core).</summary>
    /// <value>Default: null.</value>
    public int? IntraOpThreads { get; init; }

    /// <summary>Images decoded and preprocessed at once in <see cref="OnnxImageClassifier.PredictMany"/>; null for the processor count.</summary>
    /// <value>Default: null.</value>
    public int? DecodeParallelism { get; init; }

    internal void Validate()
    {
        List<string> errors = [];
        if (BatchSize <= 0) errors.Add($"{nameof(BatchSize)} must be > 0 (was {BatchSize}).");
        if (IntraOpThreads is <= 0) errors.Add($"{nameof(IntraOpThreads)} must be > 0 or null (was {IntraOpThreads}).");
        if (DecodeParallelism is <= 0) errors.Add($"{nameof(DecodeParallelism)} must be > 0 or null (was {DecodeParallelism}).");
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(OnnxImageClassifierOptions)}:\n  " + string.Join("\n  ", errors));
    }
}
