using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// TrivialAugment Wide ("TrivialAugment: Tuning-free Yet State-of-the-Art Data Augmentation", Müller and Hutter, 2021)
/// as torchvision's <c>TrivialAugmentWide</c>: per image, one op drawn uniformly from
/// <see cref="AugmentOpTables.TorchvisionTrivialAugmentWide"/> at a magnitude bin drawn uniformly, signed ops negated
/// with probability ½.
/// </summary>
public sealed class TrivialAugmentWide : ITransform
{
    /// <summary>Creates the transform; the options are validated here.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public TrivialAugmentWide(TrivialAugmentWideOptions? options = null)
    {
        options ??= new TrivialAugmentWideOptions();
        options.Validate();
        Options = options;
    }

    /// <summary>The settings.</summary>
    public TrivialAugmentWideOptions Options { get; }

    /// <inheritdoc />
    public RgbImage Apply(RgbImage image, Random rng)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(rng);
        IReadOnlyList<AugmentOpSpec> space = AugmentOpTables.TorchvisionTrivialAugmentWide;
        AugmentOpSpec spec = space[rng.Next(space.Count)];
        int bin = spec.HasArgument ? rng.Next(Options.NumMagnitudeBins) : 0;
        return AugmentOpRunner.ApplyAtBin(image, spec, bin, Options.NumMagnitudeBins, rng, Options.Interpolation, Options.Fill);
    }
}
