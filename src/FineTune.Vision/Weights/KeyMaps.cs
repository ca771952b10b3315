using FineTune.Vision.Weights.KeyMapping;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Weights;

/// <summary>
/// Detects a state dict's naming convention and renames it to timm's, the names the library's models use:
/// torchvision ViT/Swin and Hugging Face ViT/DeiT/BEiT/Swin (split query/key/value merged into <c>qkv</c>).
/// DataParallel's <c>module.</c> and torch.compile's <c>_orig_mod.</c> prefixes are stripped first.
/// </summary>
public static class KeyMaps
{
    private static readonly string[] WrapperPrefixes = ["module.", "_orig_mod."];
    private static readonly string[] HfPrefixes =
        ["vit.embeddings.", "deit.embeddings.", "beit.embeddings.", "swin.embeddings.", "vit.encoder.", "deit.encoder.",
         "beit.encoder.", "swin.encoder.", "embeddings.patch_embeddings."];
    private static readonly string[] HfFragments =
        [".attention.attention.", ".attention.self.", ".layernorm_before.", ".intermediate.dense."];

    /// <summary>Detects the naming convention from the keys alone.</summary>
    public static CheckpointLayout Detect(IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var list = keys.Select(StripWrappers).ToList();
        if (list.Any(IsHuggingFaceKey))
        {
            return CheckpointLayout.HuggingFace;
        }
        if (list.Any(k => k == "class_token" || k.StartsWith("conv_proj.", StringComparison.Ordinal)
                || k.StartsWith("encoder.layers.encoder_layer_", StringComparison.Ordinal))
            || TorchVisionKeyMap.IsSwin(list))
        {
            return CheckpointLayout.TorchVision;
        }
        return CheckpointLayout.Timm;
    }

    /// <summary>
    /// Renames the tensors of <paramref name="weights"/> in place to timm naming (merging split q/k/v tensors),
    /// and records what it did in <see cref="StateDict.Notes"/>.
    /// </summary>
    /// <param name="weights">The state dict to convert; it is modified.</param>
    /// <param name="layout">The source convention, or <see langword="null"/> to detect it.</param>
    /// <returns>The convention converted from.</returns>
    public static CheckpointLayout ConvertToTimm(StateDict weights, CheckpointLayout? layout = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        StripWrapperPrefixes(weights);
        var from = layout ?? Detect(weights.Keys);
        if (from == CheckpointLayout.Timm)
        {
            return from;
        }
        bool hf = from == CheckpointLayout.HuggingFace;
        bool swin = hf ? HuggingFaceKeyMap.IsSwin(weights.Keys) : TorchVisionKeyMap.IsSwin(weights.Keys);
        var targets = weights.Keys.ToList().Select(k =>
            (Source: k, Target: hf ? HuggingFaceKeyMap.Map(k, swin) : TorchVisionKeyMap.Map(k, swin))).ToList();
        Apply(weights, targets);
        weights.Notes.Add($"renamed {from} keys to timm naming");
        return from;
    }

    private static void Apply(StateDict weights, List<(string Source, KeyTarget Target)> targets)
    {
        var owned = targets.Select(t => (t.Source, t.Target, Tensor: weights.Take(t.Source))).ToList();
        var parts = new Dictionary<(string, string), Tensor?[]>();
        var dropped = new List<string>();
        foreach (var (source, target, tensor) in owned)
        {
            if (target.Drop is not null)
            {
                dropped.Add($"{source} ({target.Drop})");
                tensor.Dispose();
            }
            else if (target.QkvPart < 0)
            {
                weights.Add(target.Key, tensor);
            }
            else
            {
                var slot = GetParts(parts, (target.Key, target.Kind));
                slot[target.QkvPart] = tensor;
                TryMerge(weights, target.Key, target.Kind, slot, complete: false);
            }
        }
        foreach (var ((attn, kind), slot) in parts)
        {
            TryMerge(weights, attn, kind, slot, complete: true);
        }
        if (dropped.Count > 0)
        {
            weights.Notes.Add($"dropped {dropped.Count} tensors: {string.Join(", ", dropped)}");
        }
    }

    private static Tensor?[] GetParts(Dictionary<(string, string), Tensor?[]> parts, (string, string) key)
    {
        if (!parts.TryGetValue(key, out var slot))
        {
            slot = new Tensor?[3];
            parts[key] = slot;
        }
        return slot;
    }

    /// <summary>q, k, v present: one fused qkv tensor. At the end, bias with q and v but no k: BEiT's q_bias/v_bias.</summary>
    private static void TryMerge(StateDict weights, string attn, string kind, Tensor?[] slot, bool complete)
    {
        if (slot.All(t => t is not null))
        {
            weights.Add($"{attn}.qkv.{kind}", torch.cat([slot[0]!, slot[1]!, slot[2]!], 0));
            for (int i = 0; i < 3; i++)
            {
                slot[i]!.Dispose();
                slot[i] = null;
            }
            return;
        }
        if (!complete || slot.All(t => t is null))
        {
            return;
        }
        if (kind == "bias" && slot[0] is not null && slot[1] is null && slot[2] is not null)
        {
            weights.Add($"{attn}.q_bias", slot[0]!);
            weights.Add($"{attn}.v_bias", slot[2]!);
            return;
        }
        string[] names = ["query", "key", "value"];
        for (int i = 0; i < 3; i++)
        {
            slot[i]?.Dispose();
        }
        throw new WeightsFormatException(weights.SourcePath ?? "(in memory)", $"{attn}.qkv.{kind}",
            $"only {string.Join("/", names.Where((_, i) => slot[i] is not null))} {kind} tensors exist, not all of query/key/value.");
    }

    private static void StripWrapperPrefixes(StateDict weights)
    {
        foreach (string prefix in WrapperPrefixes)
        {
            if (weights.Count > 0 && weights.Keys.All(k => k.StartsWith(prefix, StringComparison.Ordinal)))
            {
                foreach (string key in weights.Keys.ToList())
                {
                    weights.Rename(key, key[prefix.Length..]);
                }
                weights.Notes.Add($"stripped the '{prefix}' prefix from every key");
            }
        }
    }

    private static bool IsHuggingFaceKey(string k) =>
        HfPrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal))
        || HfFragments.Any(f => k.Contains(f, StringComparison.Ordinal));

    private static string StripWrappers(string key)
    {
        foreach (string prefix in WrapperPrefixes)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                key = key[prefix.Length..];
            }
        }
        return key;
    }
}
