using System.Reflection;
using FineTune.Vision.Core;
using FineTune.Vision.Deployment.Onnx;
using FineTune.Vision.Models;
using FineTune.Vision.Weights;
using static TorchSharp.torch;

namespace FineTune.Vision.Deployment;

/// <summary>
/// Writes a model of any family (ViT incl. register tokens, average pooling and no class token; DeiT distilled, whose
/// graph averages the two heads as timm does at inference; BEiT; Swin; CaiT) as an ONNX model that ONNX Runtime, or any
/// ONNX runtime, runs without libtorch: opset 17, input <see cref="InputName"/> float32 <c>[batch, 3, H, W]</c>
/// (normalised pixels; the batch axis is symbolic), output <see cref="OutputName"/> float32 <c>[batch, classes]</c>.
/// <para>
/// The graph is the model's eval forward written node by node from its modules (no dropout or drop path); weights are
/// initializers named after timm's state-dict keys (linear weights stored transposed), LoRA adapters merged first
/// exactly as <see cref="ModelFile.Save"/> merges them. The metadata properties are the one-file model format's
/// (<c>architecture</c>, <c>config</c>, <c>pretrained_config</c> with the input size, interpolation, crop pct, mean and
/// std, <c>class_names</c> as JSON, <c>adapters</c>) with <c>format</c> = <see cref="Format"/>; <see cref="OnnxImageClassifier"/>
/// reads them to preprocess images as the library does.
/// </para>
/// </summary>
public static class OnnxExport
{
    /// <summary>The <c>format</c> metadata property of exported models.</summary>
    public const string Format = "finetune.vision.onnx";

    /// <summary>The graph input: normalised pixels, float32 <c>[batch, channels, height, width]</c>.</summary>
    public const string InputName = "pixel_values";

    /// <summary>The graph output: float32 logits <c>[batch, classes]</c>.</summary>
    public const string OutputName = "logits";

    /// <summary>The ONNX operator set the graph uses (default domain).</summary>
    public const int Opset = OnnxGraph.Opset;

    /// <summary>The metadata keys the export writes itself; <see cref="OnnxExportOptions.Metadata"/> may not use them.</summary>
    public static IReadOnlySet<string> ReservedKeys => ModelFileMetadata.ReservedKeys;

    /// <summary>Writes <paramref name="model"/> (eval forward, LoRA merged) to <paramref name="path"/> as ONNX, atomically.</summary>
    /// <param name="model">A registry architecture of the library (the live model and its adapters are not changed).</param>
    /// <param name="path">The <c>.onnx</c> file to write.</param>
    /// <param name="options">Extra metadata; null for none.</param>
    /// <exception cref="NotSupportedException">
    /// The architecture (or its configuration: no classifier, <c>global_pool</c> none) has no ONNX export; the message names it.
    /// </exception>
    /// <exception cref="ArgumentException">The metadata uses a reserved key.</exception>
    /// <exception cref="InvalidOperationException">The model's parameters are not those of its registry architecture (e.g. a custom head).</exception>
    public static void Export(VisionModel model, string path, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new OnnxExportOptions();
        if (options.Metadata?.Keys.FirstOrDefault(ReservedKeys.Contains) is { } reserved)
            throw new ArgumentException($"Metadata key '{reserved}' is written by the ONNX export itself; choose another name (reserved: {string.Join(", ", ReservedKeys)}).", nameof(options));

        var graph = new OnnxGraph();
        string logits;
        Dictionary<string, string> metadata;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var (tensors, entries) = ModelFile.Merged(model, requireRegistry: false);
            metadata = entries;
            var emitter = new OnnxEmitter(graph, tensors.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal), InputName);
            logits = OnnxFamilies.Emit(model, emitter);
            emitter.CheckAllUsed(model.Name);
        }
        metadata["format"] = Format;
        foreach (var (key, value) in options.Metadata ?? new Dictionary<string, string>()) metadata[key] = value;
        var c = model.Config;
        // The package version (MinVer's, from the git tag), without the "+commit" build metadata; the assembly version
        // only carries the major number.
        string version = (typeof(OnnxExport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(OnnxExport).Assembly.GetName().Version?.ToString() ?? "").Split('+')[0];
        AtomicFile.Write(path, stream => graph.Write(stream, model.Name, (InputName, [-1, c.InChans, c.ImgSize, c.ImgSize]),
            (OutputName, logits, [-1, model.NumClasses]), metadata, version));
    }

    /// <summary>Loads the one-file model <paramref name="modelFile"/> (<see cref="ModelFile.Save"/>) and exports it to <paramref name="path"/>.</summary>
    /// <param name="modelFile">A model file (or Hugging Face model folder) <see cref="VisionModels.Load"/> reads.</param>
    /// <param name="path">The <c>.onnx</c> file to write.</param>
    /// <param name="options">Extra metadata; null for none.</param>
    /// <exception cref="WeightsFormatException">The file is not a FineTune.Vision model file, or its metadata is malformed.</exception>
    /// <exception cref="NotSupportedException">The architecture has no ONNX export.</exception>
    public static void ExportModelFile(string modelFile, string path, OnnxExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelFile);
        using var model = VisionModels.Load(modelFile);
        Export(model, path, options);
    }
}
