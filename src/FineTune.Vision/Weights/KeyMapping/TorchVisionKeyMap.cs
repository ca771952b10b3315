using System.Text.RegularExpressions;

namespace FineTune.Vision.Weights.KeyMapping;

/// <summary>
/// torchvision names to timm names: <c>VisionTransformer</c> (conv_proj, class_token, encoder.*, heads.head;
/// MLP as <c>mlp.0/3</c> or the older <c>mlp.linear_1/2</c>) and <c>SwinTransformer</c> (features.*: torchvision
/// places each PatchMerging after its stage, timm at the start of the next stage, <c>layers.{s+1}.downsample</c>).
/// </summary>
internal static class TorchVisionKeyMap
{
    public static bool IsSwin(IEnumerable<string> keys) => keys.Any(k => k.StartsWith("features.0.0.", StringComparison.Ordinal));

    public static KeyTarget Map(string key, bool swin) => swin ? MapSwin(key) : MapVit(key);

    private static KeyTarget MapVit(string key)
    {
        if (VitBlock.Match(key) is { Success: true } m)
        {
            return KeyTarget.Rename($"blocks.{m.Groups[1].Value}.{VitBlockPart(m.Groups[2].Value)}");
        }
        return KeyTarget.Rename(key switch
        {
            "class_token" => "cls_token",
            "encoder.pos_embedding" => "pos_embed",
            _ when key.StartsWith("conv_proj.", StringComparison.Ordinal) => "patch_embed.proj." + key["conv_proj.".Length..],
            _ when key.StartsWith("encoder.ln.", StringComparison.Ordinal) => "norm." + key["encoder.ln.".Length..],
            _ when key.StartsWith("heads.head.", StringComparison.Ordinal) => "head." + key["heads.head.".Length..],
            _ when key.StartsWith("heads.pre_logits.", StringComparison.Ordinal) => "pre_logits.fc." + key["heads.pre_logits.".Length..],
            _ => key,
        });
    }

    private static string VitBlockPart(string rest) => rest switch
    {
        "self_attention.in_proj_weight" => "attn.qkv.weight",
        "self_attention.in_proj_bias" => "attn.qkv.bias",
        _ => Mlp(rest.Replace("ln_1.", "norm1.").Replace("ln_2.", "norm2.").Replace("self_attention.out_proj.", "attn.proj.")),
    };

    private static KeyTarget MapSwin(string key)
    {
        if (SwinFeature.Match(key) is not { Success: true } m)
        {
            return KeyTarget.Rename(key.StartsWith("head.", StringComparison.Ordinal) ? "head.fc." + key["head.".Length..] : key);
        }
        int index = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        string rest = m.Groups[2].Value;
        if (index == 0)
        {
            return KeyTarget.Rename(rest.StartsWith("0.", StringComparison.Ordinal) ? "patch_embed.proj." + rest[2..]
                : rest.StartsWith("2.", StringComparison.Ordinal) ? "patch_embed.norm." + rest[2..] : key);
        }
        if (index % 2 == 0)
        {
            return KeyTarget.Rename($"layers.{index / 2}.downsample.{rest}");
        }
        return KeyTarget.Rename($"layers.{(index - 1) / 2}.blocks.{Mlp(rest)}");
    }

    private static string Mlp(string rest) => rest
        .Replace("mlp.0.", "mlp.fc1.").Replace("mlp.linear_1.", "mlp.fc1.")
        .Replace("mlp.3.", "mlp.fc2.").Replace("mlp.linear_2.", "mlp.fc2.");

    private static readonly Regex VitBlock = new(@"^encoder\.layers\.encoder_layer_(\d+)\.(.+)$", RegexOptions.CultureInvariant);

    private static readonly Regex SwinFeature = new(@"^features\.(\d+)\.(.+)$", RegexOptions.CultureInvariant);
}
