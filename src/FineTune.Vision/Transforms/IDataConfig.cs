using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// timm's resolved data configuration (<c>resolve_data_config</c>): what a model's weights expect of their input.
/// <see cref="Presets.Eval(IDataConfig)"/> and <see cref="Presets.Train(IDataConfig, TrainPresetOptions?, ISampleTensorTransform[])"/>
/// build the pipelines from it. The Models layer's <c>PretrainedConfig</c> implements it; implement it yourself for a
/// model of your own.
/// </summary>
public interface IDataConfig
{
    /// <summary>Input (channels, height, width), timm's <c>input_size</c>.</summary>
    IReadOnlyList<int> InputSize { get; }

    /// <summary>The resize filter, timm's <c>interpolation</c>.</summary>
    Interpolation Interpolation { get; }

    /// <summary>Per-channel mean and std, timm's <c>mean</c>/<c>std</c>.</summary>
    Normalization Normalization { get; }

    /// <summary>Centre-crop fraction at evaluation, timm's <c>crop_pct</c>.</summary>
    double CropPct { get; }
}
