using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// RandAugment in torchvision's dialect (<c>torchvision.transforms.v2.RandAugment(num_ops, magnitude, num_magnitude_bins)</c>):
/// per image, <see cref="TorchvisionRandAugmentOptions.NumOps"/> ops drawn uniformly from
/// <see cref="AugmentOpTables.TorchvisionRandAugment"/> (identity included), always applied, each at bin
/// <see cref="TorchvisionRandAugmentOptions.Magnitude"/> of its range, signed ops negated with probability ½.
/// </summary>
public sealed class TorchvisionRandAugment : ITransform
{
    /// <summary>Creates the transform; the options are validated here.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public TorchvisionRandAugment(TorchvisionRandAugmentOptions? options = null)
    {
        options ??= new TorchvisionRandAugmentOptions();
        options.Validate();
        Options = options;
    }

    /// <summary>The settings.</summary>
    public TorchvisionRandAugmentOptions Options { get; }

    /// <inheritdoc />
    public RgbImage Apply(RgbImage image, Random rng)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(rng);
        IReadOnlyList<AugmentOpSpec> space = AugmentOpTables.TorchvisionRandAugment;
        for (int i = 0; i < Options.NumOps; i++)
        {
            AugmentOpSpec spec = space[rng.Next(space.Count)];
            image = AugmentOpRunner.ApplyAtBin(image, spec, Options.Magnitude, Options.NumMagnitudeBins, rng, Options.Interpolation, Options.Fill);
        }
        return image;
    }
}
