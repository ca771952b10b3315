using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// One registry row: a timm architecture name with a pretrained tag, its architecture configuration and its
/// pretrained/data configuration. <see cref="Create"/> builds the model.
/// </summary>
public sealed record ModelEntry
{
    internal ModelEntry(string architecture, ModelConfig config, PretrainedConfig pretrained, Func<ModelConfig, Device?, VisionModel> factory)
    {
        Architecture = architecture;
        Config = config;
        Pretrained = pretrained;
        Factory = factory;
    }

    /// <summary>timm's architecture name (<c>vit_base_patch16_384</c>).</summary>
    public string Architecture { get; }

    /// <summary>The pretrained tag (<c>augreg_in21k_ft_in1k</c>).</summary>
    public string Tag => Pretrained.Tag;

    /// <summary><c>architecture.tag</c>.</summary>
    public string FullName => $"{Architecture}.{Tag}";

    /// <summary>The architecture configuration (timm's <c>model_args</c> over the class defaults).</summary>
    public ModelConfig Config { get; }

    /// <summary>The pretrained/data configuration of the tag.</summary>
    public PretrainedConfig Pretrained { get; }

    internal Func<ModelConfig, Device?, VisionModel> Factory { get; }

    /// <summary>Builds the model from <paramref name="config"/> (default: <see cref="Config"/>) on <paramref name="device"/>.</summary>
    public VisionModel Create(ModelConfig? config = null, Device? device = null)
    {
        Core.TorchBackend.EnsureAvailable();
        var model = Factory(config ?? Config, device);
        model.Name = Architecture;
        var c = model.Config;
        model.PretrainedConfig = Pretrained with { InputSize = [c.InChans, c.ImgSize, c.ImgSize] };
        return model;
    }
}
