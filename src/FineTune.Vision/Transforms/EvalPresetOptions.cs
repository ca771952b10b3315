using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>Settings of the evaluation preset (<see cref="Presets.Eval(EvalPresetOptions?)"/>), after timm's <c>transforms_imagenet_eval</c>.</summary>
public sealed class EvalPresetOptions
{
    /// <summary>Output side in pixels (the model's input size).</summary>
    /// <value>Default: 224.</value>
    public int Size { get; init; } = 224;

    /// <summary>Centre-crop fraction: the shorter side is first resized to floor(Size / CropPct). 1.0 means no margin.</summary>
    /// <value>Default: 0.875 (timm's <c>DEFAULT_CROP_PCT</c>); use the model's pretrained configuration (e.g. 1.0 for vit_*_384).</value>
    public double CropPct { get; init; } = 0.875;

    /// <summary>Resampling filter of the resize.</summary>
    /// <value>Default: <see cref="Interpolation.Bicubic"/> (what timm's ViT/DeiT/BEiT/Swin/CaiT configurations use).</value>
    public Interpolation Interpolation { get; init; } = Interpolation.Bicubic;

    /// <summary>Mean and std.</summary>
    /// <value>Default: <see cref="Normalization.ImageNet"/>.</value>
    public Normalization Normalization { get; init; } = Normalization.ImageNet;

    internal void Validate()
    {
        List<string> errors = [];
        if (Size <= 0) errors.Add($"{nameof(Size)} must be > 0 (was {Size}).");
        if (!(CropPct > 0 && CropPct <= 1)) errors.Add($"{nameof(CropPct)} must be in (0, 1] (was {CropPct}).");
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(EvalPresetOptions)}:\n  " + string.Join("\n  ", errors));
    }
}
