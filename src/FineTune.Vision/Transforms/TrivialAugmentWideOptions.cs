using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>Settings of <see cref="TrivialAugmentWide"/>, with torchvision's defaults.</summary>
public sealed record TrivialAugmentWideOptions
{
    /// <summary>Number of magnitude bins; each image uses one drawn uniformly (torchvision <c>num_magnitude_bins</c>).</summary>
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
        if (NumMagnitudeBins < 2) errors.Add($"{nameof(NumMagnitudeBins)} must be >= 2 (was {NumMagnitudeBins}).");
        if (AugmentOpRunner.CheckInterpolation(Interpolation, nameof(Interpolation)) is string e) errors.Add(e);
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(TrivialAugmentWideOptions)}:\n  " + string.Join("\n  ", errors));
    }
}
