using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>Settings of DeiT III's 3-Augment (<see cref="Presets.ThreeAugment"/>), with DeiT III's defaults.</summary>
public sealed class ThreeAugmentOptions
{
    /// <summary>Output side in pixels (DeiT <c>--input-size</c>).</summary>
    /// <value>Default: 224.</value>
    public int Size { get; init; } = 224;

    /// <summary>
    /// DeiT's <c>--src</c> ("simple random crop"): resize the shorter side to <see cref="Size"/>, then a random
    /// <see cref="Size"/> crop with 4 pixels of reflect padding, instead of RandomResizedCrop.
    /// </summary>
    /// <value>Default: <c>false</c> (RandomResizedCrop, scale 0.08–1).</value>
    public bool SimpleRandomCrop { get; init; }

    /// <summary>RandomResizedCrop area range (unused with <see cref="SimpleRandomCrop"/>).</summary>
    /// <value>Default: (0.08, 1.0).</value>
    public (double Min, double Max) Scale { get; init; } = (0.08, 1.0);

    /// <summary>Resampling filter of the crop or resize.</summary>
    /// <value>Default: <see cref="Interpolation.Bicubic"/>, as DeiT.</value>
    public Interpolation Interpolation { get; init; } = Interpolation.Bicubic;

    /// <summary>Brightness, contrast and saturation jitter after the choice (DeiT <c>--color-jitter</c>); null or 0 leaves it out.</summary>
    /// <value>Default: 0.3, DeiT III's recipe.</value>
    public double? ColorJitter { get; init; } = 0.3;

    /// <summary>Mean and std.</summary>
    /// <value>Default: <see cref="Normalization.ImageNet"/>.</value>
    public Normalization Normalization { get; init; } = Normalization.ImageNet;

    internal void Validate()
    {
        List<string> errors = [];
        if (Size <= 0) errors.Add($"{nameof(Size)} must be > 0 (was {Size}).");
        if (!(Scale.Min > 0 && Scale.Min <= Scale.Max && Scale.Max <= 1)) errors.Add($"{nameof(Scale)} must satisfy 0 < min <= max <= 1 (was {Scale}).");
        if (ColorJitter is { } cj && !(cj >= 0)) errors.Add($"{nameof(ColorJitter)} must be >= 0 or null (was {cj}).");
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(ThreeAugmentOptions)}:\n  " + string.Join("\n  ", errors));
    }
}
