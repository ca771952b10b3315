using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// Writes several versions of each image for the JSD consistency loss, as timm's <c>AugMixDataset</c>: the base
/// transform runs once (crop, flip), then version 0 is that image only normalised (the "clean" split) and versions
/// 1 … <see cref="Splits"/> − 1 go through <see cref="Augmentation"/> (e.g. <see cref="AugMix"/>) and the tensor
/// transforms (random erasing, which timm also keeps off the clean split). The sample is the versions stacked on the
/// channel axis, [3·Splits, H, W]; a data loader reading it gives split-wise batches [Splits·N, 3, H, W]
/// ([clean batch; augmented batch 1; …]) with the labels repeated per split, what <c>JsdCrossEntropy</c> expects.
/// </summary>
public sealed class SplitSampleEncoder : ISampleEncoder
{
    private readonly SampleEncoder _clean, _augmented;

    /// <summary>Creates the encoder.</summary>
    /// <param name="baseTransform">Runs once per image, shared by every split (timm's primary transforms; must give <paramref name="height"/> x <paramref name="width"/>).</param>
    /// <param name="augmentation">Runs on the augmented splits, independently for each (timm's secondary transforms).</param>
    /// <param name="height">Output height.</param>
    /// <param name="width">Output width.</param>
    /// <param name="normalization">Mean and std, e.g. <see cref="Normalization.ImageNet"/>.</param>
    /// <param name="splits">Versions per image, at least 2 (timm <c>--aug-splits</c>; 3 for AugMix with JSD).</param>
    /// <param name="tensorTransforms">Run on the augmented splits after Normalize (e.g. random erasing).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or <paramref name="splits"/> is below 2.</exception>
    public SplitSampleEncoder(ITransform baseTransform, ITransform augmentation, int height, int width, Normalization normalization,
                              int splits = 3, params ISampleTensorTransform[] tensorTransforms)
    {
        ArgumentNullException.ThrowIfNull(baseTransform);
        ArgumentNullException.ThrowIfNull(augmentation);
        ArgumentOutOfRangeException.ThrowIfLessThan(splits, 2);
        BaseTransform = baseTransform;
        Augmentation = augmentation;
        Splits = splits;
        _clean = new SampleEncoder(new Compose(), height, width, normalization);
        _augmented = new SampleEncoder(augmentation, height, width, normalization, tensorTransforms);
    }

    /// <summary>The transform shared by every split.</summary>
    public ITransform BaseTransform { get; }

    /// <summary>The transform of the augmented splits.</summary>
    public ITransform Augmentation { get; }

    /// <summary>Versions per image (the first one clean).</summary>
    public int Splits { get; }

    /// <summary>The shape of one sample: the splits stacked on the channel axis, (3·<see cref="Splits"/>, H, W).</summary>
    public (int Channels, int Height, int Width) SampleShape => (3 * Splits, _clean.Height, _clean.Width);

    /// <inheritdoc />
    public void Encode(RgbImage image, Span<float> destination, Random rng)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(rng);
        int length = 3 * _clean.Height * _clean.Width;
        if (destination.Length != Splits * length)
        {
            image.Dispose();
            throw new ArgumentException($"Destination holds {destination.Length} floats; {Splits} splits of 3x{_clean.Height}x{_clean.Width} need {Splits * length}.", nameof(destination));
        }
        using RgbImage shared = BaseTransform.Apply(image, rng);
        _clean.Encode(shared.Clone(), destination[..length], rng);
        for (int k = 1; k < Splits; k++) _augmented.Encode(shared.Clone(), destination.Slice(k * length, length), rng);
    }

    /// <inheritdoc />
    public override string ToString() => $"SplitSampleEncoder({BaseTransform}; {Splits - 1} x {Augmentation} -> {Splits} x 3x{_clean.Height}x{_clean.Width})";
}
