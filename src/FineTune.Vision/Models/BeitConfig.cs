using System.Text.Json.Serialization;
namespace FineTune.Vision.Models;

/// <summary>
/// <see cref="Beit"/> hyper-parameters, after timm <c>beit.Beit</c> (BEiT v1 fine-tuned models: relative position
/// bias per block, no absolute position embedding, LayerScale, mean pooling with <c>fc_norm</c>). Defaults are BEiT-B/16 at 224.
/// </summary>
public sealed record BeitConfig : ModelConfig
{
    /// <summary>timm <c>depth</c>. <value>Default: 12.</value></summary>
    public int Depth { get; init; } = 12;

    /// <summary>timm <c>num_heads</c>. <value>Default: 12.</value></summary>
    public int NumHeads { get; init; } = 12;

    /// <summary>timm <c>global_pool</c>. <value>Default: <see cref="Models.GlobalPool.Avg"/>.</value></summary>
    public GlobalPool GlobalPool { get; init; } = GlobalPool.Avg;

    /// <summary>timm <c>init_values</c>: <c>gamma_1</c>/<c>gamma_2</c> initial value, null for none. <value>Default: 0.1.</value></summary>
    public double? InitValues { get; init; } = 0.1;

    /// <summary>timm <c>use_abs_pos_emb</c>. <value>Default: false.</value></summary>
    public bool UseAbsPosEmb { get; init; }

    /// <summary>timm <c>use_rel_pos_bias</c>: a relative position bias table in every block. <value>Default: true.</value></summary>
    public bool UseRelPosBias { get; init; } = true;

    /// <summary>timm <c>head_init_scale</c>: the classifier's initial weights are scaled by it. <value>Default: 0.001.</value></summary>
    public double HeadInitScale { get; init; } = 0.001;

    /// <inheritdoc />
    [JsonIgnore]
    public override string Family => "beit";

    /// <inheritdoc />
    [JsonIgnore]
    public override IReadOnlyList<string> OverrideKeys =>
        [.. base.OverrideKeys, "depth", "num_heads", "global_pool", "init_values", "use_abs_pos_emb", "use_rel_pos_bias", "head_init_scale"];

    /// <inheritdoc />
    protected override ModelConfig? ApplyOverride(string key, string value) => key switch
    {
        "depth" => this with { Depth = ParseInt(value) },
        "num_heads" => this with { NumHeads = ParseInt(value) },
        "global_pool" => this with { GlobalPool = ParsePool(value) },
        "init_values" => this with { InitValues = ParseNullableDouble(value) },
        "use_abs_pos_emb" => this with { UseAbsPosEmb = ParseBool(value) },
        "use_rel_pos_bias" => this with { UseRelPosBias = ParseBool(value) },
        "head_init_scale" => this with { HeadInitScale = ParseDouble(value) },
        _ => base.ApplyOverride(key, value),
    };

    /// <inheritdoc />
    protected override void ValidateFamily(List<string> errors)
    {
        if (Depth <= 0) errors.Add($"depth must be > 0 (was {Depth}).");
        if (NumHeads <= 0 || EmbedDim % NumHeads != 0) errors.Add($"embed_dim {EmbedDim} must be a positive multiple of num_heads {NumHeads}.");
    }
}
