using System.Text.Json.Serialization;
namespace FineTune.Vision.Models;

/// <summary>
/// <see cref="Cait"/> hyper-parameters, after timm <c>cait.Cait</c> (LayerScale blocks with talking-heads attention,
/// then class-attention blocks). Defaults are timm's class defaults.
/// </summary>
public sealed record CaitConfig : ModelConfig
{
    /// <summary>timm <c>depth</c>: self-attention blocks. <value>Default: 12.</value></summary>
    public int Depth { get; init; } = 12;

    /// <summary>timm <c>num_heads</c>. <value>Default: 12.</value></summary>
    public int NumHeads { get; init; } = 12;

    /// <summary>timm <c>global_pool</c>. <value>Default: <see cref="Models.GlobalPool.Token"/>.</value></summary>
    public GlobalPool GlobalPool { get; init; } = GlobalPool.Token;

    /// <summary>timm <c>init_values</c>: <c>gamma_1</c>/<c>gamma_2</c> initial value. <value>Default: 1e-4.</value></summary>
    public double InitValues { get; init; } = 1e-4;

    /// <summary>timm <c>depth_token_only</c>: class-attention blocks. <value>Default: 2.</value></summary>
    public int DepthTokenOnly { get; init; } = 2;

    /// <summary>timm <c>mlp_ratio_token_only</c>. <value>Default: 4.</value></summary>
    public double MlpRatioTokenOnly { get; init; } = 4.0;

    /// <inheritdoc />
    [JsonIgnore]
    public override string Family => "cait";

    /// <inheritdoc />
    [JsonIgnore]
    public override IReadOnlyList<string> OverrideKeys =>
        [.. base.OverrideKeys, "depth", "num_heads", "global_pool", "init_values", "depth_token_only", "mlp_ratio_token_only"];

    /// <inheritdoc />
    protected override ModelConfig? ApplyOverride(string key, string value) => key switch
    {
        "depth" => this with { Depth = ParseInt(value) },
        "num_heads" => this with { NumHeads = ParseInt(value) },
        "global_pool" => this with { GlobalPool = ParsePool(value) },
        "init_values" => this with { InitValues = ParseDouble(value) },
        "depth_token_only" => this with { DepthTokenOnly = ParseInt(value) },
        "mlp_ratio_token_only" => this with { MlpRatioTokenOnly = ParseDouble(value) },
        _ => base.ApplyOverride(key, value),
    };

    /// <inheritdoc />
    protected override void ValidateFamily(List<string> errors)
    {
        if (Depth <= 0) errors.Add($"depth must be > 0 (was {Depth}).");
        if (DepthTokenOnly < 0) errors.Add($"depth_token_only must be >= 0 (was {DepthTokenOnly}).");
        if (NumHeads <= 0 || EmbedDim % NumHeads != 0) errors.Add($"embed_dim {EmbedDim} must be a positive multiple of num_heads {NumHeads}.");
    }
}
