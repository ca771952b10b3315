using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>Settings of <see cref="RandomResizedCrop"/>, with torchvision's defaults.</summary>
public sealed class RandomResizedCropOptions
{
    /// <summary>Output height and width in pixels (square).</summary>
    /// <value>Default: 224.</value>
    public int Size { get; init; } = 224;

    /// <summary>Range of the crop's area as a fraction of the image's area.</summary>
    /// <value>Default: (0.08, 1.0).</value>
    public (double Min, double Max) Scale { get; init; } = (0.08, 1.0);

    /// <summary>Range of the crop's aspect ratio (width / height), sampled log-uniformly.</summary>
    /// <value>Default: (3/4, 4/3).</value>
    public (double Min, double Max) Ratio { get; init; } = (3.0 / 4.0, 4.0 / 3.0);

    /// <summary>Resampling filter.</summary>
    /// <value>Default: <see cref="Interpolation.Bilinear"/> (torchvision's; timm's ViT configurations use bicubic).</value>
    public Interpolation Interpolation { get; init; } = Interpolation.Bilinear;

    internal void Validate()
    {
        List<string> errors = [];
        if (Size <= 0) errors.Add($"{nameof(Size)} must be > 0 (was {Size}).");
        if (!(Scale.Min > 0 && Scale.Min <= Scale.Max && Scale.Max <= 1))
            errors.Add($"{nameof(Scale)} must satisfy 0 < min <= max <= 1 (was {Scale}).");
        if (!(Ratio.Min > 0 && Ratio.Min <= Ratio.Max))
            errors.Add($"{nameof(Ratio)} must satisfy 0 < min <= max (was {Ratio}).");
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(RandomResizedCropOptions)}:\n  " + string.Join("\n  ", errors));
    }
}
