using System.Globalization;
using System.Text.RegularExpressions;
using FineTune.Vision.Models;
using FineTune.Vision.Weights.KeyMapping;
using TorchSharp.Modules;

namespace FineTune.Vision.Adaptation;

/// <summary>
/// timm module names of one model and their Hugging Face transformers names (the names PEFT keys adapters by):
/// ViT/DeiT/BEiT <c>blocks.{i}.attn.qkv</c> ⇄ <c>{vit|deit|beit}.encoder.layer.{i}.attention.attention.{query|key|value}</c>,
/// Swin <c>layers.{s}.blocks.{b}.attn.qkv</c> ⇄ <c>swin.encoder.layers.{s}.blocks.{b}.attention.self.{query|key|value}</c>,
/// <c>attn.proj</c> ⇄ <c>attention.output.dense</c>, <c>mlp.fc1</c> ⇄ <c>intermediate.dense</c>, <c>mlp.fc2</c> ⇄
/// <c>output.dense</c>, the head ⇄ <c>classifier</c> (distilled DeiT: <c>cls_classifier</c>, <c>distillation_classifier</c>).
/// The Hugging Face → timm direction is <see cref="HuggingFaceKeyMap"/>; each name made here is checked against it.
/// </summary>
internal sealed partial class PeftLayout
{
    private static readonly string[] QkvNames = ["query", "key", "value"];

    private readonly bool _swin;
    private readonly bool _distilled;

    private PeftLayout(IVisionModel model, string prefix)
    {
        Model = model;
        _swin = model is SwinTransformer;
        _distilled = model is VisionTransformerDistilled;
        Prefix = prefix;
        Linears = model.Module.named_modules().Where(m => m.module is Linear && !m.name.Contains(".lora_", StringComparison.Ordinal))
            .Select(m => m.name).ToList();
    }

    public IVisionModel Model { get; }

    /// <summary>The backbone attribute of the *ForImageClassification class (<c>vit</c>, <c>deit</c>, <c>beit</c>, <c>swin</c>), or empty.</summary>
    public string Prefix { get; }

    /// <summary>The model's Linear modules (adapters excluded), timm names.</summary>
    public IReadOnlyList<string> Linears { get; }

    /// <summary>The layout of <paramref name="model"/>'s family.</summary>
    /// <exception cref="ArgumentException">The family has no Hugging Face transformers counterpart (CaiT).</exception>
    public static PeftLayout For(IVisionModel model, string? prefix = null)
    {
        string family = model switch
        {
            VisionTransformerDistilled => "deit",
            VisionTransformer when model.Name.StartsWith("deit", StringComparison.Ordinal) => "deit",
            VisionTransformer => "vit",
            Beit => "beit",
            SwinTransformer => "swin",
            _ => throw new ArgumentException(
                $"'{model.Name}' ({model.Module.GetType().Name}) has no Hugging Face transformers layout, so PEFT cannot name its modules; "
                + "PEFT adapters are supported for ViT, DeiT, BEiT and Swin. Save its adapters in the library's format with LoraAdapters.Save.", nameof(model)),
        };
        return new PeftLayout(model, prefix ?? family);
    }

    /// <summary>All Hugging Face Linear module names of the model with their timm module and q/k/v part (-1: whole).</summary>
    public IEnumerable<(string Hf, string Module, int Part)> HfLinears()
    {
        foreach (string name in Linears)
        {
            if (name.EndsWith("qkv", StringComparison.Ordinal))
            {
                for (int part = 0; part < 3; part++)
                {
                    if (TryToHf(name, part) is { } q) yield return (q, name, part);
                }
            }
            else if (TryToHf(name, -1) is { } hf)
            {
                yield return (hf, name, -1);
            }
        }
    }

    /// <summary>The Hugging Face name of a timm module (for a fused <c>qkv</c>, of its part 0, 1, 2).</summary>
    /// <exception cref="ArgumentException">The module has no Hugging Face name.</exception>
    public string ToHf(string module, int part = -1) => TryToHf(module, part) ?? throw new ArgumentException(
        $"Module '{module}' of '{Model.Name}' has no Hugging Face transformers name, so PEFT cannot address it. "
        + "PEFT's layout covers the attention projections (qkv, attn.proj), the MLP (mlp.fc1, mlp.fc2), Swin's downsample.reduction, "
        + "the norms and the classifier; adapt or save only those.", nameof(module));

    /// <summary>The Hugging Face name of a timm parameter (<c>head.weight</c> → <c>classifier.weight</c>).</summary>
    public string ParameterToHf(string parameter)
    {
        int dot = parameter.LastIndexOf('.');
        return ToHf(parameter[..dot]) + parameter[dot..];
    }

    /// <summary>The timm module and q/k/v part (-1: whole module) of a Hugging Face module name, or null when none.</summary>
    public (string Module, int Part)? FromHf(string hfModule)
    {
        var target = HuggingFaceKeyMap.Map(hfModule + ".weight", _swin);
        if (target.Drop is not null) return null;
        if (target.QkvPart >= 0) return (target.Key + ".qkv", target.QkvPart);
        if (!target.Key.EndsWith(".weight", StringComparison.Ordinal)) return null;
        string module = target.Key[..^".weight".Length];
        if (_distilled && module == "head" && !hfModule.EndsWith("cls_classifier", StringComparison.Ordinal)) return null;
        return (module, -1);
    }

    private string? TryToHf(string module, int part)
    {
        string? hf = Candidate(module, part);
        if (hf is null) return null;
        return FromHf(hf) == (module, part) ? hf : null;
    }

    private string? Candidate(string module, int part)
    {
        string p = Prefix.Length > 0 ? Prefix + "." : "";
        if (module is "head" or "head.fc") return _distilled ? "cls_classifier" : "classifier";
        if (module == "head_dist") return "distillation_classifier";
        if (module == "norm") return p + "layernorm";
        if (module == "fc_norm") return p + "pooler.layernorm";
        if (DownsampleRegex().Match(module) is { Success: true } d)
        {
            int stage = int.Parse(d.Groups[1].Value, CultureInfo.InvariantCulture) - 1;
            return $"{p}encoder.layers.{stage}.downsample.{d.Groups[2].Value}";
        }
        var (block, rest, attention) = BlockRegex().Match(module) is { Success: true } v
            ? ($"{p}encoder.layer.{v.Groups[1].Value}.", v.Groups[2].Value, "attention.attention.")
            : SwinBlockRegex().Match(module) is { Success: true } s
                ? ($"{p}encoder.layers.{s.Groups[1].Value}.blocks.{s.Groups[2].Value}.", s.Groups[3].Value, "attention.self.")
                : default;
        if (block is null) return null;
        string? tail = (rest, part) switch
        {
            ("attn.qkv", >= 0 and < 3) => attention + QkvNames[part],
            ("attn.proj", -1) => "attention.output.dense",
            ("mlp.fc1", -1) => "intermediate.dense",
            ("mlp.fc2", -1) => "output.dense",
            ("norm1", -1) => "layernorm_before",
            ("norm2", -1) => "layernorm_after",
            _ => null,
        };
        return tail is null ? null : block + tail;
    }

    [GeneratedRegex(@"^blocks\.(\d+)\.(.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex BlockRegex();

    [GeneratedRegex(@"^layers\.(\d+)\.blocks\.(\d+)\.(.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex SwinBlockRegex();

    [GeneratedRegex(@"^layers\.(\d+)\.downsample\.(.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex DownsampleRegex();
}
