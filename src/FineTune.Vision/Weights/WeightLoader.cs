using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Weights;

/// <summary>
/// Loads a checkpoint into any TorchSharp module by name (its parameters and persistent buffers): detects the
/// format and naming, converts to timm names, strips a single wrapper prefix (<c>model.</c> of Lightning,
/// <c>module.</c>, <c>backbone.</c>, ...) when the model has no such keys, checks every shape and copies under
/// no_grad. Strict by default, like PyTorch's <c>load_state_dict</c>; <see cref="WeightLoadOptions.Pretrained"/> also
/// resamples position embeddings and relative-position-bias tables and drops a classifier of another class count.
/// </summary>
public static class WeightLoader
{
    private static readonly string[] RecomputedBuffers = ["relative_position_index", "relative_coords_table", "attn_mask"];

    /// <summary>Reads <paramref name="path"/> (safetensors or torch.save zip) and loads it into <paramref name="model"/>.</summary>
    /// <returns>What was loaded, missing, unexpected, dropped and resampled.</returns>
    /// <exception cref="CheckpointMismatchException">
    /// A shape cannot be adapted, strict mode found missing or unexpected keys (LoRA adapter keys get their own message
    /// with the fix), or no tensor matched at all.
    /// </exception>
    /// <exception cref="WeightsFormatException">The file is malformed or unsafe.</exception>
    public static LoadReport LoadWeights(this nn.Module model, string path, WeightLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        options ??= new WeightLoadOptions();
        using var weights = WeightsFile.Load(path, options.Read);
        return model.LoadWeights(weights, options);
    }

    /// <summary>
    /// Loads <paramref name="weights"/> into <paramref name="model"/>. The state dict's keys are converted to timm
    /// naming in place; its tensors stay owned by it.
    /// </summary>
    public static LoadReport LoadWeights(this nn.Module model, StateDict weights, WeightLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(weights);
        options ??= new WeightLoadOptions();
        var report = new LoadReport { SourcePath = weights.SourcePath, Format = weights.Format, ContainerPath = weights.ContainerPath };
        var target = model.state_dict();
        StripCommonPrefix(weights, target.Keys);
        report.Layout = KeyMaps.ConvertToTimm(weights, options.Layout);
        report.NotesList.AddRange(weights.Notes);
        var fitter = new TensorFitter(target, options, report);
        var errors = new List<string>();
        using (torch.no_grad())
        {
            foreach (var (key, source) in weights)
            {
                if (fitter.Place(key, source) is { } error)
                {
                    errors.Add(error);
                }
            }
        }
        var loaded = new HashSet<string>(report.LoadedList.Concat(report.ClassifierDroppedList), StringComparer.Ordinal);
        report.MissingList.AddRange(target.Keys.Where(k => !loaded.Contains(k) && !IsRecomputed(k)));
        Validate(errors, options, report, weights.Count, target.Keys);
        if (options.Logger is { } log) WeightsLog.Report(log, report);
        return report;
    }

    /// <summary>
    /// Strips one prefix segment shared by every checkpoint key (<c>model.</c>, <c>module.</c>, <c>backbone.</c>,
    /// <c>encoder.</c>, ...) when the model has no key under it and the stripped keys then match some model key.
    /// </summary>
    private static void StripCommonPrefix(StateDict weights, ICollection<string> modelKeys)
    {
        if (weights.Count == 0 || weights.Keys.Any(modelKeys.Contains)) return;
        int dot = weights.Keys[0].IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0) return;
        string prefix = weights.Keys[0][..(dot + 1)];
        if (!weights.Keys.All(k => k.StartsWith(prefix, StringComparison.Ordinal) && k.Length > prefix.Length)
            || modelKeys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal))
            || HuggingFaceModelPrefixes.Contains(prefix)
            || !weights.Keys.Any(k => modelKeys.Contains(k[prefix.Length..]) || KeyMaps.Detect([k[prefix.Length..]]) != CheckpointLayout.Timm))
        {
            return;
        }
        foreach (string key in weights.Keys.ToList()) weights.Rename(key, key[prefix.Length..]);
        weights.Notes.Add($"stripped the common '{prefix}' prefix from every key (a wrapper module's name, e.g. a Lightning or DataParallel checkpoint)");
    }

    /// <summary>
    /// Names the closest prefix of unmatched keys (the longest dotted prefix shared by them all, else the most common
    /// first segment) for the "nothing matched" error.
    /// </summary>
    internal static string PrefixHint(IReadOnlyList<string> keys)
    {
        string fallback = "It was made for another architecture, or its keys carry a prefix that is not a single wrapper name.";
        if (keys.Count == 0) return fallback;
        string common = keys[0];
        foreach (string k in keys)
        {
            int n = 0;
            while (n < common.Length && n < k.Length && common[n] == k[n]) n++;
            common = common[..n];
        }
        int dot = common.LastIndexOf('.');
        string prefix = dot > 0 ? common[..(dot + 1)] : "";
        if (prefix.Length > 0)
        {
            return $"All its keys start with '{prefix}' — nothing matched; strip that prefix? (in Python: " +
                $"{{k.removeprefix('{prefix}'): v for k, v in sd.items()}}), or it was made for another architecture.";
        }
        var top = keys.Where(k => k.Contains('.', StringComparison.Ordinal)).GroupBy(k => k[..(k.IndexOf('.', StringComparison.Ordinal) + 1)])
            .OrderByDescending(g => g.Count()).FirstOrDefault();
        return top is null ? fallback
            : $"Most of its keys ({top.Count()} of {keys.Count}) start with '{top.Key}' — nothing matched; strip that prefix, or it was made for another architecture.";
    }

    private static readonly HashSet<string> HuggingFaceModelPrefixes = new(["vit.", "deit.", "beit.", "swin."], StringComparer.Ordinal);

    internal static bool IsRecomputed(string key) =>
        RecomputedBuffers.Any(b => key == b || key.EndsWith("." + b, StringComparison.Ordinal));

    private static void Validate(List<string> errors, WeightLoadOptions options, LoadReport report, int checkpointCount, ICollection<string> modelKeys)
    {
        string source = report.SourcePath is null ? "" : $" ('{report.SourcePath}')";
        var lora = report.UnexpectedList.Where(ModelFile.IsAdapterKey).ToList();
        if (lora.Count > 0 && options.Strict)
        {
            throw new CheckpointMismatchException(
                $"The checkpoint{source} holds {lora.Count} LoRA adapter tensors that this plain model does not have: " +
                $"{string.Join(", ", lora.Take(6))}{(lora.Count > 6 ? ", ..." : "")}. Merge the adapters (LoraAdapters.Merge) before saving, " +
                "or load with model.Save/VisionModels.Load which stores merged weights, or apply Lora to the model first (Lora.Apply with the same options).", report);
        }
        if (errors.Count > 0)
        {
            throw new CheckpointMismatchException(
                $"{errors.Count} checkpoint tensors do not fit the model{source}:\n  " +
                string.Join("\n  ", errors) + "\nCheck the model configuration (img_size, patch_size, embed_dim, depth, window_size, " +
                "num_classes) against the checkpoint's" +
                (options.DropClassifierOnMismatch ? "." : ", or load it as pretrained weights (LoadPretrained, VisionModels.Create(name, pretrained: path)), which drops a classifier of another class count and resamples position tables."), report);
        }
        if (checkpointCount > 0 && report.LoadedList.Count == 0)
        {
            throw new CheckpointMismatchException(
                $"No tensor of the checkpoint{source} matches the model: checkpoint keys like {string.Join(", ", report.UnexpectedList.Concat(report.ClassifierDroppedList).Take(4))}; " +
                $"model keys like {string.Join(", ", modelKeys.Take(4))}. " + PrefixHint(report.UnexpectedList.Concat(report.ClassifierDroppedList).ToList()), report);
        }
        var missing = options.DropClassifierOnMismatch
            ? report.MissingList.Where(k => !TensorFitter.IsClassifierKey(options, k)).ToList()
            : report.MissingList;
        if (options.Strict && (missing.Count > 0 || report.UnexpectedList.Count > 0))
        {
            throw new CheckpointMismatchException(
                $"Strict loading failed{source}: {missing.Count} missing, {report.UnexpectedList.Count} unexpected keys " +
                "(depth, stages or optional parts differ from the checkpoint's; create the model with the checkpoint's configuration, " +
                "or pass new WeightLoadOptions { Strict = false } to load what fits).\n" + report, report);
        }
    }
}
