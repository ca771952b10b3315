namespace FineTune.Vision.Models;

/// <summary>
/// timm's pretrained/data configuration for one <c>arch.tag</c> (<c>PretrainedCfg</c>): what the weights expect at
/// evaluation time. Drives the eval transforms (resize to <c>size / CropPct</c>, center crop, normalize).
/// </summary>
public sealed record PretrainedConfig
{
    /// <summary>ImageNet mean (timm <c>IMAGENET_DEFAULT_MEAN</c>).</summary>
    public static readonly IReadOnlyList<double> ImageNetMean = [0.485, 0.456, 0.406];

    /// <summary>ImageNet std (timm <c>IMAGENET_DEFAULT_STD</c>).</summary>
    public static readonly IReadOnlyList<double> ImageNetStd = [0.229, 0.224, 0.225];

    /// <summary>0.5 mean/std (timm <c>IMAGENET_INCEPTION_MEAN</c>/<c>STD</c>).</summary>
    public static readonly IReadOnlyList<double> Inception = [0.5, 0.5, 0.5];

    /// <summary>The weights' tag (<c>augreg_in21k_ft_in1k</c>, <c>fb_in1k</c>, ...).</summary>
    public string Tag { get; init; } = "";

    /// <summary>Hugging Face hub repository of the weights (<c>timm/arch.tag</c>), for documentation and messages.</summary>
    public string HfHubId { get; init; } = "";

    /// <summary>Input (channels, height, width). <value>Default: 3, 224, 224.</value></summary>
    public IReadOnlyList<int> InputSize { get; init; } = [3, 224, 224];

    /// <summary>Per-channel normalisation mean. <value>Default: ImageNet.</value></summary>
    public IReadOnlyList<double> Mean { get; init; } = ImageNetMean;

    /// <summary>Per-channel normalisation std. <value>Default: ImageNet.</value></summary>
    public IReadOnlyList<double> Std { get; init; } = ImageNetStd;

    /// <summary>Center-crop fraction at evaluation. <value>Default: 0.9.</value></summary>
    public double CropPct { get; init; } = 0.9;

    /// <summary>Resize interpolation, timm's word (<c>bicubic</c>, <c>bilinear</c>). <value>Default: bicubic.</value></summary>
    public string Interpolation { get; init; } = "bicubic";

    /// <summary>Whether the model only accepts <see cref="InputSize"/>. <value>Default: true.</value></summary>
    public bool FixedInputSize { get; init; } = true;

    /// <summary>Classes of the pretrained classifier. <value>Default: 1000.</value></summary>
    public int NumClasses { get; init; } = 1000;

    /// <summary>The first convolution's module name. <value>Default: patch_embed.proj.</value></summary>
    public string FirstConv { get; init; } = "patch_embed.proj";

    /// <summary>Classifier module names (dropped when the class count differs). <value>Default: head.</value></summary>
    public IReadOnlyList<string> Classifier { get; init; } = ["head"];
}
