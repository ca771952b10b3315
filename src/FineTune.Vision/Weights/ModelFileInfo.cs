using FineTune.Vision.Models;

namespace FineTune.Vision.Weights;

/// <summary>The header of a model file (<see cref="ModelFile.ReadInfo"/>): everything but the tensors.</summary>
/// <param name="Path">The file.</param>
/// <param name="Architecture">The registry architecture (timm's name).</param>
/// <param name="Config">The full architecture configuration, as the family's record type.</param>
/// <param name="PretrainedConfig">The preprocessing (input size, interpolation, mean/std, crop) the model expects.</param>
/// <param name="ClassNames">The class names by label, or null when the model had none.</param>
/// <param name="Adapters">The adapter state: <c>none</c>, or <c>lora: merged (...)</c>.</param>
/// <param name="Metadata">Every <c>__metadata__</c> entry, the format's own and the provenance passed to <see cref="ModelFile.Save"/>.</param>
public sealed record ModelFileInfo(string Path, string Architecture, ModelConfig Config, PretrainedConfig PretrainedConfig,
    IReadOnlyList<string>? ClassNames, string Adapters, IReadOnlyDictionary<string, string> Metadata);
