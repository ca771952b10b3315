using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// Settings of the training preset (<see cref="Presets.TrainBuilder"/>), after timm's
/// <c>transforms_imagenet_train</c> without the augmentation policies and random erasing (add those yourself).
/// </summary>
public sealed class TrainPresetOptions
{
    /// <summary>Output side in pixels.</summary>
    /// <value>Default: 224.</value>
    public int Size { get; init; } = 224;

    /// <summary>RandomResizedCrop area range.</summary>
    /// <value>Default: (0.08, 1.0).</value>
    public (double Min, double Max) Scale { get; init; } = (0.08, 1.0);

    /// <summary>RandomResizedCrop aspect-ratio range.</summary>
    /// <value>Default: (3/4, 4/3).</value>
    public (double Min, double Max) Ratio { get; init; } = (3.0 / 4.0, 4.0 / 3.0);

    /// <summary>Resampling filter of the crop resize.</summary>
    /// <value>Default: <see cref="Interpolation.Bicubic"/> (timm's default is a random choice of bilinear/bicubic).</value>
    public Interpolation Interpolation { get; init; } = Interpolation.Bicubic;

    /// <summary>Horizontal flip probability (0 leaves it out).</summary>
    /// <value>Default: 0.5.</value>
    public double HorizontalFlip { get; init; } = 0.5;

    /// <summary>Vertical flip probability (0 leaves it out).</summary>
    /// <value>Default: 0.</value>
    public double VerticalFlip { get; init; }

    /// <summary>
    /// Brightness, contrast and saturation jitter, or null for none. timm applies it only when no augmentation
    /// policy is used: set null when you add RandAugment/AutoAugment/TrivialAugment.
    /// </summary>
    /// <value>Default: 0.4.</value>
    public double? ColorJitter { get; init; } = 0.4;

    /// <summary>Mean and std.</summary>
    /// <value>Default: <see cref="Normalization.ImageNet"/>.</value>
    public Normalization Normalization { get; init; } = Normalization.ImageNet;

    internal void Validate()
    {
        List<string> errors = [];
        if (Size <= 0) errors.Add($"{nameof(Size)} must be > 0 (was {Size}).");
        if (!(HorizontalFlip is >= 0 and <= 1)) errors.Add($"{nameof(HorizontalFlip)} must be in [0, 1] (was {HorizontalFlip}).");
        if (!(VerticalFlip is >= 0 and <= 1)) errors.Add($"{nameof(VerticalFlip)} must be in [0, 1] (was {VerticalFlip}).");
        if (ColorJitter is { } cj && !(cj >= 0)) errors.Add($"{nameof(ColorJitter)} must be >= 0 or null (was {cj}).");
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(TrainPresetOptions)}:\n  " + string.Join("\n  ", errors));
    }
}
