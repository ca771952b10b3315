using FineTune.Vision.Core;
using FineTune.Vision.Models;
using FineTune.Vision.Weights;
using TorchSharp.Modules;

namespace FineTune.Vision.Adaptation;

/// <summary>
/// Injects LoRA adapters into a model (PEFT's <c>get_peft_model</c>): freezes every base parameter, attaches a
/// <see cref="LoraLinear"/> to each Linear module that a target names, and trains the <see cref="LoraOptions.ModulesToSave"/>
/// (the new head) in full. State-dict keys of the base weights do not change.
/// </summary>
public static class Lora
{
    /// <summary>Adds adapters to <paramref name="model"/> as <paramref name="options"/> say.</summary>
    /// <returns>The adapters (merge, save, load).</returns>
    /// <exception cref="ArgumentException">The options are invalid, or no target matches a Linear module.</exception>
    public static LoraAdapters Apply(IVisionModel model, LoraOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new LoraOptions();
        options.Validate();
        foreach (var (_, p) in model.Module.named_parameters()) p.requires_grad = false;
        var adapters = new List<(string, LoraLinear)>();
        var linears = model.Module.named_modules().Where(m => m.module is Linear).Select(m => (m.name, (Linear)m.module)).ToList();
        using var seeded = options.Seed is { } seed ? TorchSeed.Scope(seed) : null;
        foreach (var (name, linear) in linears)
        {
            if (options.ModulesToSave.Any(p => p.MatchesParameter(name))) continue;
            var target = options.Targets.FirstOrDefault(t => t.Pattern.IsMatch(name));
            if (target is null) continue;
            adapters.Add((name, new LoraLinear(linear, options.Rank, options.Alpha, options.Dropout, options.UseRsLora, target.FusedParts)));
        }
        if (adapters.Count == 0)
            throw new ArgumentException(
                $"LoRA targets [{string.Join(", ", options.Targets)}] match no Linear module of '{model.Name}'. Its Linear modules include: "
                + string.Join(", ", linears.Take(8).Select(l => l.name)) + ".", nameof(options));
        var saved = new List<string>();
        foreach (var (name, p) in model.Module.named_parameters())
        {
            if (name.Contains(".lora_", StringComparison.Ordinal)) continue;
            if (!options.ModulesToSave.Any(pattern => pattern.MatchesParameter(name))) continue;
            p.requires_grad = true;
            saved.Add(name);
        }
        return new LoraAdapters(model, options, adapters, saved);
    }

    /// <summary>
    /// Reads the LoRA options stored in an adapter file, applies them to <paramref name="model"/> (a fresh base model of the
    /// same architecture, with the same number of classes) and loads the adapter and saved-module weights.
    /// </summary>
    /// <exception cref="CheckpointMismatchException">The file is not a LoRA adapter file, or does not fit the model.</exception>
    public static LoraAdapters LoadAdapters(IVisionModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (_, metadata) = SafeTensors.ReadHeader(path);
        var adapters = Apply(model, LoraMetadata.ToOptions(metadata, path));
        adapters.Load(path);
        return adapters;
    }

    /// <summary>
    /// Reads a PEFT LoRA adapter folder (<c>adapter_config.json</c> + <c>adapter_model.safetensors</c>, as PEFT's
    /// <c>save_pretrained</c> writes it for a Hugging Face ViT/DeiT/BEiT/Swin), applies LoRA to <paramref name="model"/> with its
    /// r, lora_alpha, lora_dropout, use_rslora and adapted modules (<c>query</c>/<c>key</c>/<c>value</c> become slices of the fused
    /// <c>qkv</c>), loads the adapter weights and the <c>modules_to_save</c> weights (the classifier into the head).
    /// </summary>
    /// <param name="model">A base model of the adapter's architecture, without adapters, with the adapter's class count.</param>
    /// <param name="folder">The adapter folder.</param>
    /// <returns>The loaded adapters.</returns>
    /// <exception cref="ArgumentException">
    /// The family has no Hugging Face layout (CaiT), or <c>target_modules</c> name modules the model does not have.
    /// </exception>
    /// <exception cref="IOException">
    /// A file is missing or malformed, the config uses options the library's LoRA cannot represent (DoRA, rank_pattern, bias),
    /// or a key does not fit the model (unknown module, rank mismatch, head size); the message names the keys and the fix.
    /// </exception>
    public static LoraAdapters LoadPeft(IVisionModel model, string folder)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        return PeftAdapters.Load(model, folder);
    }

    /// <summary>The LoRA options stored in an adapter file's metadata.</summary>
    /// <exception cref="CheckpointMismatchException">The file has no LoRA metadata.</exception>
    public static LoraOptions ReadOptions(string path)
    {
        var (_, metadata) = SafeTensors.ReadHeader(path);
        return LoraMetadata.ToOptions(metadata, path);
    }
}
