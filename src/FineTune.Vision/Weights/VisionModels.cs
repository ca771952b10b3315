using FineTune.Vision.Core;
using FineTune.Vision.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Weights;

/// <summary>
/// Creating and reloading the library's models: <see cref="Create(string, int?, double?, double?, int?, string?, long?, Device?, Action{LoadReport}?)"/>
/// builds a registry model (timm's <c>create_model</c>) with typed overrides, seeded initialisation and pretrained
/// weights; <see cref="Load"/> rebuilds a model written by <see cref="ModelFile.Save"/> (architecture, configuration,
/// class names and preprocessing from the file). String kwargs (<c>num_classes=200</c>) belong to the command line:
/// pass them as <c>c =&gt; c.WithOverrides(dict)</c> to <see cref="Create{TConfig}"/>.
/// </summary>
public static class VisionModels
{
    /// <summary>
    /// Creates registry model <paramref name="name"/> (<c>arch</c> or <c>arch.tag</c>) with the given overrides, and
    /// loads <paramref name="pretrained"/> with timm's pretrained rule (a classifier of another class count is dropped,
    /// position embeddings and relative-position tables are resampled, every other tensor must match).
    /// </summary>
    /// <param name="name">A name of <see cref="ModelRegistry.Names"/> or <see cref="ModelRegistry.PretrainedNames"/>.</param>
    /// <param name="numClasses">timm <c>num_classes</c> (0 removes the classifier); null keeps the registry's 1000.</param>
    /// <param name="dropRate">timm <c>drop_rate</c> (dropout before the classifier).</param>
    /// <param name="dropPathRate">timm <c>drop_path_rate</c> (stochastic depth).</param>
    /// <param name="imgSize">timm <c>img_size</c>; pretrained position tables are resampled to it.</param>
    /// <param name="pretrained">A checkpoint file (safetensors or torch.save zip, timm/Hugging Face/torchvision naming), or null.</param>
    /// <param name="seed">
    /// Seed of the initial weights (torch's generator is seeded for the construction and restored afterwards): the same
    /// seed gives bit-identical weights in every run. Null draws from torch's global generator, which TorchSharp seeds
    /// randomly in each process, so two runs differ.
    /// </param>
    /// <param name="device">Where the model lives; null for the CPU.</param>
    /// <param name="onReport">Receives the pretrained <see cref="LoadReport"/>; may be null.</param>
    /// <exception cref="ArgumentException">Unknown name (with suggestions) or invalid configuration.</exception>
    /// <exception cref="CheckpointMismatchException">The pretrained weights do not fit.</exception>
    /// <exception cref="WeightsFormatException">The pretrained file is malformed.</exception>
    public static VisionModel Create(string name, int? numClasses = null, double? dropRate = null, double? dropPathRate = null, int? imgSize = null,
        string? pretrained = null, long? seed = null, Device? device = null, Action<LoadReport>? onReport = null) =>
        Create<ModelConfig>(name, c => c with
        {
            NumClasses = numClasses ?? c.NumClasses, DropRate = dropRate ?? c.DropRate, DropPathRate = dropPathRate ?? c.DropPathRate,
            ImgSize = imgSize ?? c.ImgSize,
        }, pretrained, seed, device, onReport);

    /// <summary>
    /// Creates <paramref name="name"/> with its configuration changed by <paramref name="configure"/>, e.g.
    /// <c>Create&lt;SwinConfig&gt;("swin_tiny_patch4_window7_224", c =&gt; c with { WindowSize = 8, NumClasses = 10 })</c> or, from
    /// string kwargs, <c>Create&lt;ModelConfig&gt;(name, c =&gt; c.WithOverrides(dict))</c>; otherwise as
    /// <see cref="Create(string, int?, double?, double?, int?, string?, long?, Device?, Action{LoadReport}?)"/>.
    /// </summary>
    /// <typeparam name="TConfig">The family's configuration record (<see cref="VitConfig"/> for ViT and DeiT, <see cref="BeitConfig"/>,
    /// <see cref="SwinConfig"/>, <see cref="CaitConfig"/>) or <see cref="ModelConfig"/> for the shared settings.</typeparam>
    /// <exception cref="ArgumentException"><typeparamref name="TConfig"/> is not the family's configuration type (the message names it), or the name is unknown.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="configure"/> returned null.</exception>
    public static VisionModel Create<TConfig>(string name, Func<TConfig, TConfig> configure, string? pretrained = null, long? seed = null,
        Device? device = null, Action<LoadReport>? onReport = null) where TConfig : ModelConfig
    {
        ArgumentNullException.ThrowIfNull(configure);
        var entry = ModelRegistry.Get(name);
        var config = configure(Typed<TConfig>(entry, name))
            ?? throw new InvalidOperationException($"The configure function returned null for '{name}'.");
        if (config.GetType() != entry.Config.GetType())
            throw new ArgumentException($"'{name}' needs a {entry.Config.GetType().Name}; the configure function returned a {config.GetType().Name}.", nameof(configure));
        var model = Build(entry, config, seed, device);
        if (pretrained is null) return model;
        try
        {
            return model.LoadPretrained(pretrained, onReport: onReport);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The registry's architecture configuration of <paramref name="name"/> as its family's record type.</summary>
    /// <exception cref="ArgumentException">Unknown name, or <typeparamref name="TConfig"/> is not the family's configuration type.</exception>
    public static TConfig GetConfig<TConfig>(string name) where TConfig : ModelConfig => Typed<TConfig>(ModelRegistry.Get(name), name);

    /// <summary>
    /// Rebuilds the model saved by <see cref="ModelFile.Save"/> at <paramref name="path"/>: its architecture and full
    /// configuration, weights (strictly: every key must match), class names and preprocessing (pretrained/data configuration).
    /// LoRA models come back as plain models with the merged weights. <paramref name="path"/> may also be a Hugging Face
    /// model folder (<c>config.json</c> beside <c>model.safetensors</c>, its shards or <c>pytorch_model.bin</c>): a timm hub
    /// folder (<c>architecture</c>, <c>model_args</c>, <c>pretrained_cfg</c>, <c>label_names</c>) or a transformers ViT, DeiT,
    /// BEiT or Swin folder (<c>model_type</c>, sizes, <c>id2label</c>, and <c>preprocessor_config.json</c> when present); the
    /// model is the registry architecture whose configuration matches, and <see cref="VisionModel.Name"/> names it.
    /// </summary>
    /// <param name="path">A file written by <see cref="ModelFile.Save"/>, or a Hugging Face model folder.</param>
    /// <param name="numClasses">
    /// A class count for a new task (Hugging Face's <c>from_pretrained(num_labels=…)</c>): the classifier is replaced by a freshly
    /// initialised one of that size, even when the count is the saved one (new labels, as a rule, mean other classes), and the class
    /// names are dropped (training names them after its data); null keeps the saved classifier and class names.
    /// </param>
    /// <param name="seed">Seed of the new classifier's initial weights (as in <see cref="Create(string, int?, double?, double?, int?, string?, long?, Device?, Action{LoadReport}?)"/>).</param>
    /// <param name="device">Where the model lives; null for the CPU.</param>
    /// <exception cref="WeightsFormatException">
    /// The file is not a FineTune.Vision model file (e.g. a plain checkpoint: load that with <c>Create(name, pretrained: path)</c>),
    /// or its metadata is malformed.
    /// </exception>
    /// <exception cref="CheckpointMismatchException">The tensors do not fit the recorded configuration.</exception>
    public static VisionModel Load(string path, int? numClasses = null, long? seed = null, Device? device = null)
    {
        if (numClasses is < 0) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "The class count must be >= 0 (0 removes the classifier).");
        ArgumentNullException.ThrowIfNull(path);
        if (HuggingFaceFolder.IsFolder(path))
        {
            var folder = HuggingFaceFolder.Read(path);
            return LoadBuilt(path, folder.Entry, folder.Config, folder.Pretrained, folder.ClassNames, numClasses, seed, device);
        }
        var file = ModelFileMetadata.Read(path);
        return LoadBuilt(path, file.Entry, file.Config, file.Pretrained, file.ClassNames, numClasses, seed, device);
    }

    private static VisionModel LoadBuilt(string path, ModelEntry entry, ModelConfig config, PretrainedConfig? pretrained, IReadOnlyList<string>? classNames,
        int? numClasses, long? seed, Device? device)
    {
        var model = Build(entry, config, seed: null, device: null);
        try
        {
            model.LoadWeights(path, new WeightLoadOptions());
            model.PretrainedConfig = pretrained ?? model.PretrainedConfig;
            model.ClassNames = classNames;
            if (numClasses is int n)
            {
                using (seed is long s ? TorchSeed.Scope(s) : null) model.ResetClassifier(n);
            }
            if (device is not null && device.type != DeviceType.CPU) model.to(device);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Builds <paramref name="config"/> of <paramref name="entry"/>; with a seed on the CPU under a seeded generator, then moved.</summary>
    internal static VisionModel Build(ModelEntry entry, ModelConfig config, long? seed, Device? device)
    {
        if (seed is not { } s || device?.type == DeviceType.META) return entry.Create(config, device);
        VisionModel model;
        using (TorchSeed.Scope(s))
        {
            model = entry.Create(config);
        }
        if (device is not null && device.type != DeviceType.CPU) model.to(device);
        return model;
    }

    private static TConfig Typed<TConfig>(ModelEntry entry, string name) where TConfig : ModelConfig =>
        entry.Config as TConfig ?? throw new ArgumentException(
            $"'{name}' is a {entry.Config.Family} model configured by {entry.Config.GetType().Name}, not {typeof(TConfig).Name}; " +
            $"use Create<{entry.Config.GetType().Name}>(...) or GetConfig<{entry.Config.GetType().Name}>(...).", nameof(TConfig));
}
