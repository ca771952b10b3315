using FineTune.Vision.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Weights;

/// <summary>
/// One file per model: <see cref="Save"/> writes a safetensors file whose tensors are the model's state dict under timm's
/// keys and whose <c>__metadata__</c> holds everything <see cref="VisionModels.Load"/> needs to rebuild it — a format
/// marker and version, the architecture name, the full configuration as JSON (timm kwarg names in snake case), the class
/// names, the pretrained/data configuration (preprocessing) and the adapter state. Any safetensors reader (Python's
/// <c>safetensors</c>, timm) can read the tensors.
/// <para>
/// LoRA: a model with adapters is saved with the MERGED weights under the base keys (<c>W + scaling·B·A</c> computed
/// for the file; the live model and its adapters are not changed), no <c>lora_A</c>/<c>lora_B</c> tensors, and the
/// metadata records <c>adapters</c> = <c>lora: merged (r, alpha, modules)</c>. The reloaded model is a plain model with
/// the same outputs; to keep training the adapters, save them with <c>LoraAdapters.Save</c> as well.
/// </para>
/// </summary>
public static class ModelFile
{
    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> (atomically: the old file survives a crash).</summary>
    /// <param name="model">The model.</param>
    /// <param name="path">The file to write (conventionally <c>*.safetensors</c>).</param>
    /// <param name="metadata">
    /// Extra <c>__metadata__</c> entries kept with the model (provenance: data, recipe, accuracy); read them back with
    /// <see cref="ReadInfo"/>. They may not use the keys the format itself writes (<see cref="ReservedKeys"/>).
    /// </param>
    /// <exception cref="ArgumentException">The model's name is not a registry architecture, or <paramref name="metadata"/> uses a reserved key.</exception>
    /// <exception cref="InvalidOperationException">
    /// The model's parameters are not those of its registry architecture (e.g. a custom head wraps it): save its
    /// <c>state_dict()</c> with <see cref="SafeTensors.Save(string, IEnumerable{KeyValuePair{string, Tensor}}, IReadOnlyDictionary{string, string}?)"/> instead.
    /// </exception>
    public static void Save(this VisionModel model, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (metadata?.Keys.FirstOrDefault(ReservedKeys.Contains) is { } reserved)
            throw new ArgumentException($"Metadata key '{reserved}' is written by the model-file format itself; choose another name (reserved: {string.Join(", ", ReservedKeys)}).", nameof(metadata));
        using var scope = NewDisposeScope();
        var (tensors, entries) = Merged(model);
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>()) entries[key] = value;
        SafeTensors.Save(path, tensors, entries);
    }

    /// <summary>The <c>__metadata__</c> keys the format writes; <see cref="Save"/> refuses them as extra entries.</summary>
    public static IReadOnlySet<string> ReservedKeys => ModelFileMetadata.ReservedKeys;

    /// <summary>
    /// What a model file holds, read from its header only (no tensors): architecture, configuration, preprocessing, class
    /// names, adapter state and every metadata entry (Hugging Face's <c>AutoConfig.from_pretrained</c>). Use it to build
    /// the same architecture from scratch, e.g. <c>VisionModels.Create&lt;ModelConfig&gt;(info.Architecture, _ =&gt; info.Config)</c>.
    /// </summary>
    /// <remarks>
    /// A Hugging Face model folder (see <see cref="VisionModels.Load"/>) reads from its <c>config.json</c>: the metadata then
    /// holds <c>format</c> (<c>timm hub folder</c> or <c>transformers … folder</c>) and <c>source</c> (the folder).
    /// </remarks>
    /// <exception cref="WeightsFormatException">The file is not a FineTune.Vision model file, or its metadata is malformed.</exception>
    public static ModelFileInfo ReadInfo(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (HuggingFaceFolder.IsFolder(path))
        {
            var folder = HuggingFaceFolder.Read(path);
            return new ModelFileInfo(path, folder.Entry.Architecture, folder.Config, folder.Pretrained, folder.ClassNames, "none",
                new Dictionary<string, string>(StringComparer.Ordinal) { ["format"] = folder.Kind, ["source"] = Path.GetFullPath(path) });
        }
        var file = ModelFileMetadata.Read(path);
        return new ModelFileInfo(path, file.Entry.Architecture, file.Config, file.Pretrained ?? file.Entry.Pretrained,
            file.ClassNames, file.Adapters, file.Metadata);
    }

    /// <summary>
    /// The model's state dict as the file stores it (LoRA merged, adapter tensors left out; new tensors belong to the
    /// caller's dispose scope) and the format's metadata, after checking the keys are the registry architecture's
    /// (a model whose name is not in the registry passes when <paramref name="requireRegistry"/> is false).
    /// </summary>
    internal static (List<KeyValuePair<string, Tensor>> Tensors, Dictionary<string, string> Metadata) Merged(VisionModel model, bool requireRegistry = true)
    {
        var entry = requireRegistry || ModelRegistry.Names.Contains(model.Name, StringComparer.Ordinal) ? ModelRegistry.Get(model.Name) : null;
        var adapters = model.named_modules()
            .Select(m => (Key: m.name + ".weight", Adapter: MergeableAdapters.Of(m.module)))
            .Where(m => m.Adapter is not null)
            .ToDictionary(m => m.Key, m => m.Adapter!, StringComparer.Ordinal);
        var tensors = new List<KeyValuePair<string, Tensor>>();
        using (no_grad())
        {
            foreach (var (key, tensor) in model.state_dict())
            {
                if (IsAdapterKey(key)) continue;
                var value = adapters.TryGetValue(key, out var a) && !a.IsMerged ? tensor.detach() + a.DeltaWeight() : tensor.detach();
                tensors.Add(new(key, value));
            }
        }
        if (entry is not null) CheckArchitecture(model, entry, tensors.Select(t => t.Key));
        return (tensors, ModelFileMetadata.From(model, adapters));
    }

    internal static bool IsAdapterKey(string key) =>
        key.Contains(".lora_A.", StringComparison.Ordinal) || key.Contains(".lora_B.", StringComparison.Ordinal);

    private static void CheckArchitecture(VisionModel model, ModelEntry entry, IEnumerable<string> keys)
    {
        using var reference = entry.Create(model.Config, new Device(DeviceType.META));
        var expected = reference.state_dict().Keys.ToHashSet(StringComparer.Ordinal);
        var actual = keys.ToHashSet(StringComparer.Ordinal);
        if (expected.SetEquals(actual)) return;
        throw new InvalidOperationException(
            $"'{model.Name}' cannot be saved as a model file: its tensors are not those of the registry architecture with its configuration " +
            $"(e.g. {string.Join(", ", actual.Except(expected).Concat(expected.Except(actual)).Take(4))}); a custom head or other surgery changes them. " +
            "Save its state_dict() with SafeTensors.Save instead.");
    }
}
