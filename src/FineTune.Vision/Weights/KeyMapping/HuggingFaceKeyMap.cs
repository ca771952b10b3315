using System.Globalization;
using System.Text.RegularExpressions;

namespace FineTune.Vision.Weights.KeyMapping;

/// <summary>
/// Hugging Face transformers names (ViT, DeiT, BEiT, Swin; with or without the <c>vit.</c>/<c>deit.</c>/
/// <c>beit.</c>/<c>swin.</c> prefix of the *ForImageClassification classes) to timm names. Split
/// query/key/value projections are marked for merging into <c>qkv</c>; a BEiT key projection without bias
/// yields timm's <c>q_bias</c>/<c>v_bias</c>. Per transformers' modeling_vit/deit/beit/swin.py and
/// convert_*_timm_to_pytorch.py.
/// </summary>
internal static class HuggingFaceKeyMap
{
    public static bool IsSwin(IEnumerable<string> keys) => keys.Any(k => k.Contains("encoder.layers.", StringComparison.Ordinal));

    public static KeyTarget Map(string key, bool swin)
    {
        string k = ArchPrefix.Replace(key, "");
        if (VitLayer.Match(k) is { Success: true } v)
        {
            return Block($"blocks.{v.Groups[1].Value}", v.Groups[2].Value, "attention.attention.");
        }
        if (SwinBlock.Match(k) is { Success: true } s)
        {
            return Block($"layers.{s.Groups[1].Value}.blocks.{s.Groups[2].Value}", s.Groups[3].Value, "attention.self.");
        }
        if (SwinDownsample.Match(k) is { Success: true } d)
        {
            int stage = int.Parse(d.Groups[1].Value, CultureInfo.InvariantCulture) + 1;
            return KeyTarget.Rename($"layers.{stage}.downsample.{d.Groups[2].Value}");
        }
        return Top(k, key, swin);
    }

    private static KeyTarget Top(string k, string original, bool swin)
    {
        string? target = k switch
        {
            "embeddings.cls_token" => "cls_token",
            "embeddings.distillation_token" => "dist_token",
            "embeddings.position_embeddings" => "pos_embed",
            _ => null,
        };
        target ??= Prefixed(k, "embeddings.patch_embeddings.projection.", "patch_embed.proj.")
            ?? Prefixed(k, "embeddings.norm.", "patch_embed.norm.")
            ?? Prefixed(k, "encoder.relative_position_bias.", "rel_pos_bias.")
            ?? Prefixed(k, "layernorm.", "norm.")
            ?? Prefixed(k, "pooler.layernorm.", "fc_norm.")
            ?? Prefixed(k, "cls_classifier.", "head.")
            ?? Prefixed(k, "distillation_classifier.", "head_dist.")
            ?? Prefixed(k, "classifier.", swin ? "head.fc." : "head.");
        if (target is not null)
        {
            return KeyTarget.Rename(target);
        }
        if (k == "embeddings.mask_token" || k.StartsWith("pooler.dense.", StringComparison.Ordinal))
        {
            return KeyTarget.Dropped(original, "Hugging Face only (masked-image-modeling token or pooler), unused by timm's classifier");
        }
        return KeyTarget.Rename(original);
    }

    private static KeyTarget Block(string prefix, string rest, string attention)
    {
        if (rest.StartsWith(attention, StringComparison.Ordinal) && Qkv.Match(rest[attention.Length..]) is { Success: true } q)
        {
            return KeyTarget.Qkv(prefix + ".attn", q.Groups[1].Value, q.Groups[2].Value);
        }
        string mapped = rest
            .Replace("layernorm_before.", "norm1.").Replace("layernorm_after.", "norm2.")
            .Replace(attention + "relative_position_bias.", "attn.").Replace(attention, "attn.")
            .Replace("attention.output.dense.", "attn.proj.")
            .Replace("intermediate.dense.", "mlp.fc1.").Replace("output.dense.", "mlp.fc2.");
        mapped = mapped switch { "lambda_1" => "gamma_1", "lambda_2" => "gamma_2", _ => mapped };
        return KeyTarget.Rename($"{prefix}.{mapped}");
    }

    private static string? Prefixed(string k, string from, string to) =>
        k.StartsWith(from, StringComparison.Ordinal) ? to + k[from.Length..] : null;

    private static readonly Regex ArchPrefix = new(@"^(vit|deit|beit|swin)\.", RegexOptions.CultureInvariant);

    private static readonly Regex VitLayer = new(@"^encoder\.layer\.(\d+)\.(.+)$", RegexOptions.CultureInvariant);

    private static readonly Regex SwinBlock = new(@"^encoder\.layers\.(\d+)\.blocks\.(\d+)\.(.+)$", RegexOptions.CultureInvariant);

    private static readonly Regex SwinDownsample = new(@"^encoder\.layers\.(\d+)\.downsample\.(.+)$", RegexOptions.CultureInvariant);

    private static readonly Regex Qkv = new(@"^(query|key|value)\.(weight|bias)$", RegexOptions.CultureInvariant);
}
