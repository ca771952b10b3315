using FineTune.Vision.Imaging;
using FineTune.Vision.Transforms;
using static TorchSharp.torch;

namespace FineTune.Vision.Deployment;

/// <summary>How an <see cref="ImageClassifier"/> runs: device, batching, decoding parallelism, test-time augmentation, preprocessing.</summary>
public sealed record ImageClassifierOptions
{
    /// <summary>Where the model runs, e.g. <c>torch.CPU</c> or <c>torch.device("cuda:0")</c> (a CUDA backend package is then needed); null: the CPU.</summary>
    public Device? Device { get; init; }

    /// <summary>Images per forward pass in <see cref="ImageClassifier.PredictMany(IReadOnlyList{string}, int)"/>.</summary>
    /// <value>Default: 32.</value>
    public int BatchSize { get; init; } = 32;

    /// <summary>Threads that decode and preprocess image files in parallel in <see cref="ImageClassifier.PredictMany(IReadOnlyList{string}, int)"/>.</summary>
    /// <value>Default: <see cref="Environment.ProcessorCount"/>.</value>
    public int DecodeWorkers { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Whether every prediction averages the softmax of the image and of its horizontal mirror image (flip test-time
    /// augmentation, as <c>Trainer.Predict(…, flipTta: true)</c>); doubles the forward cost.
    /// </summary>
    /// <value>Default: false.</value>
    public bool FlipTta { get; init; }

    /// <summary>
    /// The per-image preprocessing; null: the model's eval preset (<see cref="Presets.Eval(IDataConfig)"/> of its pretrained
    /// configuration: resize, centre crop, normalisation recorded in the model file). It must be deterministic (no random
    /// augmentation): every image is encoded with the same seed.
    /// </summary>
    public ISampleEncoder? Encoder { get; init; }

    /// <summary>The decoder of image files and streams; null decodes with <see cref="ImageDecoder.Default"/> at prediction time.</summary>
    /// <value>Default: null.</value>
    public IImageDecoder? Decoder { get; init; }

    /// <summary>Checks every option; throws one exception listing all problems.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public void Validate()
    {
        List<string> errors = [];
        if (BatchSize <= 0) errors.Add($"{nameof(BatchSize)} must be > 0 (was {BatchSize}).");
        if (DecodeWorkers <= 0) errors.Add($"{nameof(DecodeWorkers)} must be > 0 (was {DecodeWorkers}).");
        if (Encoder is { SampleShape.Channels: not 3 }) errors.Add($"{nameof(Encoder)} must write 3-channel samples (writes {Encoder.SampleShape.Channels}).");
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(ImageClassifierOptions)}:\n  " + string.Join("\n  ", errors));
    }
}
