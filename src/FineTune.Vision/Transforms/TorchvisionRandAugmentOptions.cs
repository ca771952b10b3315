using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>Settings of <see cref="TorchvisionRandAugment"/>, with torchvision's defaults.</summary>
public sealed record TorchvisionRandAugmentOptions
{
    /// <summary>Ops applied per image, each drawn uniformly with replacement (torchvision <c>num_ops</c>).</summary>
    /// <value>Default: 2.</value>
    public int NumOps { get; init; } = 2;

    /// <summary>Magnitude bin used by every op, in [0, <see cref="NumMagnitudeBins"/>) (torchvision <c>magnitude</c>).</summary>
    /// <value>Default: 9.</value>
    public int Magnitude { get; init; } = 9;

    /// <summary>Number of magnitude bins each range is split into (torchvision <c>num_magnitude_bins</c>).</summary>
    /// <value>Default: 31.</value>
    public int NumMagnitudeBins { get; init; } = 31;

    /// <summary>Filter of the geometric ops (torchvision <c>interpolation</c>).</summary>
    /// <value>Default: <see cref="Interpolation.Nearest"/>.</value>
    public Interpolation Interpolation { get; init; } = Interpolation.Nearest;

    /// <summary>Colour brought in by the geometric ops (torchvision <c>fill</c>).</summary>
    /// <value>Default: black.</value>
    public RgbColor Fill { get; init; } = RgbColor.Black;

    /// <summary>Checks every setting and throws one exception that lists all the problems.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        List<string> errors = [];
        if (NumOps < 0) errors.Add($"{nameof(NumOps)} must be >= 0 (was {NumOps}).");
        if (NumMagnitudeBins < 2) errors.Add($"{nameof(NumMagnitudeBins)} must be >= 2 (was {NumMagnitudeBins}).");
        if (Magnitude < 0 || Magnitude >= NumMagnitudeBins)
            errors.Add($"{nameof(Magnitude)} must be a bin in [0, {NumMagnitudeBins}) (was {Magnitude}).");
        if (AugmentOpRunner.CheckInterpolation(Interpolation, nameof(Interpolation)) is string e) errors.Add(e);
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(TorchvisionRandAugmentOptions)}:\n  " + string.Join("\n  ", errors));
    }
}
