using System.Globalization;
using FineTune.Vision.Models;
using FineTune.Vision.Weights;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Adaptation;

/// <summary>
/// The LoRA adapters injected into one model by <see cref="Lora.Apply"/>: merge/unmerge, the trainable parameters, and
/// adapter-only safetensors files (adapter weights and <see cref="LoraOptions.ModulesToSave"/> weights under their
/// model keys, e.g. <c>blocks.0.attn.qkv.lora_A.weight</c> and <c>head.weight</c>, with the options and base model name
/// as metadata). <see cref="SavePeft"/> writes a PEFT adapter folder instead, under the Hugging Face transformers module
/// names (<see cref="Lora.LoadPeft"/> reads one).
/// </summary>
public sealed class LoraAdapters
{
    internal LoraAdapters(IVisionModel model, LoraOptions options, IReadOnlyList<(string, LoraLinear)> adapters, IReadOnlyList<string> savedModuleParameters)
    {
        Model = model;
        Options = options;
        Adapters = adapters;
        SavedModuleParameters = savedModuleParameters;
    }

    /// <summary>The adapted model.</summary>
    public IVisionModel Model { get; }

    /// <summary>The options the adapters were built with.</summary>
    public LoraOptions Options { get; }

    /// <summary>Each adapted Linear's module name and its adapter, in model order.</summary>
    public IReadOnlyList<(string ModuleName, LoraLinear Adapter)> Adapters { get; }

    /// <summary>Names of the fully trained parameters of <see cref="LoraOptions.ModulesToSave"/>.</summary>
    public IReadOnlyList<string> SavedModuleParameters { get; }

    /// <summary>Whether the adapters are merged into the base weights.</summary>
    public bool IsMerged => Adapters.Count > 0 && Adapters[0].Adapter.IsMerged;

    /// <summary>The adapter and saved-module parameters with their model names: what trains and what an adapter file holds.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> Parameters
    {
        get
        {
            var wanted = new HashSet<string>(SavedModuleParameters, StringComparer.Ordinal);
            return Model.Module.named_parameters().Where(p => wanted.Contains(p.name) || IsAdapterKey(p.name)).Select(p => (p.name, p.parameter)).ToList();
        }
    }

    /// <summary>Merges every adapter into its base weight (faster inference, same outputs up to rounding).</summary>
    public void Merge()
    {
        foreach (var (_, a) in Adapters) a.Merge();
    }

    /// <summary>Undoes <see cref="Merge"/>.</summary>
    public void Unmerge()
    {
        foreach (var (_, a) in Adapters) a.Unmerge();
    }

    /// <summary>The trainable-parameter report of the model.</summary>
    public TrainableReport Report() => TrainableReport.Of(Model);

    /// <summary>Writes the adapter and saved-module weights, with the options and base model name as metadata.</summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        SafeTensors.Save(path, Parameters.Select(p => new KeyValuePair<string, Tensor>(p.Name, p.Parameter)), LoraMetadata.From(Model.Name, Options));
    }

    /// <summary>
    /// Writes the adapters as a PEFT adapter folder (<c>adapter_config.json</c> + <c>adapter_model.safetensors</c>) for the
    /// Hugging Face transformers model of the same architecture (ViT, DeiT, BEiT, Swin), which <c>PeftModel.from_pretrained</c>
    /// loads: keys <c>base_model.model.&lt;module&gt;.lora_A.weight</c>, the q/k/v slices of a fused <c>qkv</c> adapter as
    /// <c>query</c>/<c>key</c>/<c>value</c> adapters, <see cref="SavedModuleParameters"/> as <c>modules_to_save</c>
    /// (<c>classifier</c>), and <c>target_modules</c> that name exactly the adapted modules.
    /// </summary>
    /// <param name="folder">The folder (created if missing; the two files are overwritten).</param>
    /// <param name="options">What PEFT records about the base model; null for the defaults.</param>
    /// <exception cref="ArgumentException">The family (CaiT) or an adapted or saved module has no Hugging Face name.</exception>
    /// <exception cref="InvalidOperationException">The adapters are merged.</exception>
    public void SavePeft(string folder, PeftExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        if (IsMerged) throw new InvalidOperationException("Adapters are merged into the base weights; call Unmerge() before saving them.");
        PeftAdapters.Save(this, folder, options ?? new PeftExportOptions());
    }

    /// <summary>Loads adapter and saved-module weights written by <see cref="Save"/> into these adapters.</summary>
    /// <exception cref="CheckpointMismatchException">
    /// The file was made for another base model or other options (rank, alpha, targets, ...), or its keys or shapes differ;
    /// the message names them.
    /// </exception>
    /// <exception cref="InvalidOperationException">The adapters are merged.</exception>
    public void Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (IsMerged) throw new InvalidOperationException("Adapters are merged into the base weights; call Unmerge() before loading other adapter weights.");
        var (entries, metadata) = SafeTensors.ReadHeader(path);
        CheckOptions(path, LoraMetadata.ToOptions(metadata, path), metadata.GetValueOrDefault("base_model"));
        var expected = Parameters.ToDictionary(p => p.Name, p => p.Parameter, StringComparer.Ordinal);
        CheckKeys(path, entries.ToDictionary(e => e.Name, e => e.Shape, StringComparer.Ordinal), expected);
        using var file = SafeTensors.Load(path);
        using var _ = no_grad();
        foreach (var (name, p) in expected) p.copy_(file[name]);
    }

    internal static bool IsAdapterKey(string name) =>
        name.Contains(".lora_A.", StringComparison.Ordinal) || name.Contains(".lora_B.", StringComparison.Ordinal);

    private void CheckOptions(string path, LoraOptions file, string? baseModel)
    {
        var c = CultureInfo.InvariantCulture;
        List<string> diffs = [];
        if (baseModel != Model.Name) diffs.Add($"base_model: file '{baseModel}', model '{Model.Name}'");
        if (file.Rank != Options.Rank) diffs.Add($"rank: file {file.Rank}, model {Options.Rank}");
        if (file.Alpha != Options.Alpha) diffs.Add(string.Create(c, $"alpha: file {file.Alpha}, model {Options.Alpha}"));
        if (file.UseRsLora != Options.UseRsLora) diffs.Add($"use_rslora: file {file.UseRsLora}, model {Options.UseRsLora}");
        string ft = string.Join(", ", file.Targets), mt = string.Join(", ", Options.Targets);
        if (ft != mt) diffs.Add($"targets: file [{ft}], model [{mt}]");
        if (diffs.Count > 0)
            throw new CheckpointMismatchException($"LoRA adapter file '{path}' does not match the adapters of '{Model.Name}': {string.Join("; ", diffs)}. "
                + "Apply LoRA with the file's options (Lora.ReadOptions) or load it with Lora.LoadAdapters(model, path) on a fresh model.");
    }

    private static void CheckKeys(string path, Dictionary<string, long[]> file, Dictionary<string, Parameter> expected)
    {
        List<string> problems = [];
        foreach (var (name, p) in expected)
        {
            if (!file.TryGetValue(name, out long[]? shape)) problems.Add($"missing key '{name}' (model shape [{string.Join(", ", p.shape)}])");
            else if (!shape.SequenceEqual(p.shape))
                problems.Add($"key '{name}': file shape [{string.Join(", ", shape)}], model shape [{string.Join(", ", p.shape)}]");
        }
        problems.AddRange(file.Keys.Where(k => !expected.ContainsKey(k)).Select(k => $"unexpected key '{k}'"));
        if (problems.Count > 0)
            throw new CheckpointMismatchException($"LoRA adapter file '{path}' does not fit the model: {string.Join("; ", problems.Take(6))}"
                + (problems.Count > 6 ? $" (and {problems.Count - 6} more)" : "")
                + ". A head shape differs when the class count differs (ResetClassifier to the file's count first); other keys differ when rank or targets differ.");
    }
}
