using System.Text.Json.Serialization;
namespace FineTune.Vision.Models;

/// <summary>
/// <see cref="VisionTransformer"/> (and DeiT) hyper-parameters, after timm <c>vision_transformer.VisionTransformer</c>.
/// Defaults are ViT-B/16 at 224.
/// </summary>
public sealed record VitConfig : ModelConfig
{
    /// <summary>timm <c>depth</c>. <value>Default: 12.</value></summary>
    public int Depth { get; init; } = 12;

    /// <summary>timm <c>num_heads</c>. <value>Default: 12.</value></summary>
    public int NumHeads { get; init; } = 12;

    /// <summary>timm <c>global_pool</c>. <value>Default: <see cref="Models.GlobalPool.Token"/>.</value></summary>
    public GlobalPool GlobalPool { get; init; } = GlobalPool.Token;

    /// <summary>timm <c>class_token</c>. <value>Default: true.</value></summary>
    public bool ClassToken { get; init; } = true;

    /// <summary>timm <c>reg_tokens</c>: number of register tokens. <value>Default: 0.</value></summary>
    public int RegTokens { get; init; }

    /// <summary>timm <c>no_embed_class</c>: position embeddings cover patches only. <value>Default: false.</value></summary>
    public bool NoEmbedClass { get; init; }

    /// <summary>timm <c>init_values</c>: LayerScale initial value, null for none. <value>Default: null.</value></summary>
    public double? InitValues { get; init; }

    /// <summary>timm <c>fc_norm</c>: norm after pooling; null means "when pooling is avg". <value>Default: null.</value></summary>
    public bool? FcNorm { get; init; }

    /// <summary>Whether the final norm sits after pooling (<c>fc_norm</c>) rather than after the blocks.</summary>
    [JsonIgnore]
    public bool UseFcNorm => FcNorm ?? GlobalPool == GlobalPool.Avg;

    /// <inheritdoc />
    [JsonIgnore]
    public override string Family => "vit";

    /// <inheritdoc />
    [JsonIgnore]
    public override IReadOnlyList<string> OverrideKeys =>
        [.. base.OverrideKeys, "depth", "num_heads", "global_pool", "class_token", "reg_tokens", "no_embed_class", "init_values", "fc_norm"];

    /// <inheritdoc />
    protected override ModelConfig? ApplyOverride(string key, string value) => key switch
    {
        "depth" => this with { Depth = ParseInt(value) },
        "num_heads" => this with { NumHeads = ParseInt(value) },
        "global_pool" => this with { GlobalPool = ParsePool(value) },
        "class_token" => this with { ClassToken = ParseBool(value) },
        "reg_tokens" => this with { RegTokens = ParseInt(value) },
        "no_embed_class" => this with { NoEmbedClass = ParseBool(value) },
        "init_values" => this with { InitValues = ParseNullableDouble(value) },
        "fc_norm" => this with { FcNorm = value.Equals("none", StringComparison.OrdinalIgnoreCase) || value.Equals("null", StringComparison.OrdinalIgnoreCase) ? null : ParseBool(value) },
        _ => base.ApplyOverride(key, value),
    };

    /// <inheritdoc />
    protected override void ValidateFamily(List<string> errors)
    {
        if (Depth <= 0) errors.Add($"depth must be > 0 (was {Depth}).");
        if (NumHeads <= 0 || EmbedDim % NumHeads != 0) errors.Add($"embed_dim {EmbedDim} must be a positive multiple of num_heads {NumHeads}.");
        if (RegTokens < 0) errors.Add($"reg_tokens must be >= 0 (was {RegTokens}).");
        if (GlobalPool == GlobalPool.Token && !ClassToken) errors.Add("global_pool 'token' needs class_token = true.");
    }
}
