using System.Text.Json.Serialization;
using FineTune.Vision.Imaging;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Models;

/// <summary>
/// timm's pretrained/data configuration for one <c>arch.tag</c> (<c>PretrainedCfg</c>): what the weights expect at
/// evaluation time. As an <see cref="IDataConfig"/> it drives <see cref="Presets.Eval(IDataConfig)"/> and
/// <see cref="Presets.Train(IDataConfig, TrainPresetOptions?, ISampleTensorTransform[])"/>; <see cref="Classifier"/> names the
/// tensors the pretrained loader may drop when the class count differs, and <see cref="FirstConv"/> the patch
/// projection it adapts when the input channels differ.
/// </summary>
public sealed record PretrainedConfig : IDataConfig
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

    /// <summary><see cref="Mean"/> and <see cref="Std"/> as the Transforms layer's <see cref="Transforms.Normalization"/> (three channels).</summary>
    /// <exception cref="InvalidOperationException">Mean or std does not have three entries.</exception>
    [JsonIgnore]
    public Normalization Normalization => Mean.Count == 3 && Std.Count == 3
        ? new Normalization(((float)Mean[0], (float)Mean[1], (float)Mean[2]), ((float)Std[0], (float)Std[1], (float)Std[2]))
        : throw new InvalidOperationException($"Normalization needs three channels; mean has {Mean.Count}, std {Std.Count}.");

    /// <summary>Center-crop fraction at evaluation. <value>Default: 0.9.</value></summary>
    public double CropPct { get; init; } = 0.9;

    /// <summary>Resize interpolation (timm's words <c>bicubic</c>, <c>bilinear</c>, <c>nearest</c>: see <see cref="ParseInterpolation"/>). <value>Default: bicubic.</value></summary>
    public Interpolation Interpolation { get; init; } = Interpolation.Bicubic;

    /// <summary>Whether the model only accepts <see cref="InputSize"/>. <value>Default: true.</value></summary>
    public bool FixedInputSize { get; init; } = true;

    /// <summary>Classes of the pretrained classifier. <value>Default: 1000.</value></summary>
    public int NumClasses { get; init; } = 1000;

    /// <summary>The first convolution's module name (adapted by the pretrained loader when in_chans differs). <value>Default: patch_embed.proj.</value></summary>
    public string FirstConv { get; init; } = "patch_embed.proj";

    /// <summary>Classifier module names (dropped by the pretrained loader when the class count differs). <value>Default: head.</value></summary>
    public IReadOnlyList<string> Classifier { get; init; } = ["head"];

    /// <summary>timm's interpolation word (<c>bicubic</c>, <c>bilinear</c>, <c>nearest</c>) as an <see cref="Imaging.Interpolation"/>.</summary>
    /// <exception cref="ArgumentException">Another word.</exception>
    public static Interpolation ParseInterpolation(string timmName)
    {
        ArgumentNullException.ThrowIfNull(timmName);
        return timmName.Trim().ToLowerInvariant() switch
        {
            "bicubic" => Interpolation.Bicubic,
            "bilinear" => Interpolation.Bilinear,
            "nearest" => Interpolation.Nearest,
            _ => throw new ArgumentException($"Interpolation '{timmName}' is not one of bicubic, bilinear, nearest.", nameof(timmName)),
        };
    }

    /// <summary>timm's word for <paramref name="interpolation"/> (<c>bicubic</c>, <c>bilinear</c>, <c>nearest</c>).</summary>
    public static string TimmName(Interpolation interpolation) => interpolation.ToString().ToLowerInvariant();
}
