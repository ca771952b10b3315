using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>Settings of <see cref="AutoAugment"/>, with torchvision's defaults.</summary>
public sealed record AutoAugmentOptions
{
    /// <summary>Which learned policy to apply (torchvision <c>policy</c>).</summary>
    /// <value>Default: <see cref="AutoAugmentPolicy.ImageNet"/>.</value>
    public AutoAugmentPolicy Policy { get; init; } = AutoAugmentPolicy.ImageNet;

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
        if (!Enum.IsDefined(Policy)) errors.Add($"{nameof(Policy)} {(int)Policy} is not an {nameof(AutoAugmentPolicy)}.");
        if (AugmentOpRunner.CheckInterpolation(Interpolation, nameof(Interpolation)) is string e) errors.Add(e);
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(AutoAugmentOptions)}:\n  " + string.Join("\n  ", errors));
    }
}
