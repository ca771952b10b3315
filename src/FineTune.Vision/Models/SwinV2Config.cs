using System.Text.Json.Serialization;
namespace FineTune.Vision.Models;

/// <summary>
/// <see cref="SwinTransformerV2"/> hyper-parameters, after timm <c>swin_transformer_v2.SwinTransformerV2</c>.
/// Defaults are timm's class defaults (Swin-T: patch 4, window 7, 224); as in timm, <see cref="ModelConfig.DropPathRate"/>
/// defaults to 0.1.
/// </summary>
public sealed record SwinV2Config : ModelConfig
{
    /// <summary>Creates the Swin-T V2 defaults.</summary>
    public SwinV2Config()
    {
        PatchSize = 4;
        EmbedDim = 96;
        DropPathRate = 0.1;
    }

    /// <summary>timm <c>depths</c>: blocks per stage. <value>Default: 2, 2, 6, 2.</value></summary>
    public IReadOnlyList<int> Depths { get; init; } = [2, 2, 6, 2];

    /// <summary>timm <c>num_heads</c>: heads per stage. <value>Default: 3, 6, 12, 24.</value></summary>
    public IReadOnlyList<int> NumHeads { get; init; } = [3, 6, 12, 24];

    /// <summary>timm <c>window_size</c>. <value>Default: 7.</value></summary>
    public int WindowSize { get; init; } = 7;

    /// <summary>
    /// timm <c>pretrained_window_sizes</c>: per stage, the window the weights were pre-trained with, which scales the
    /// continuous position bias's coordinates (0: the stage's own window). Entries past the number of stages are
    /// ignored, as in timm. <value>Default: 0, 0, 0, 0.</value>
    /// </summary>
    public IReadOnlyList<int> PretrainedWindowSizes { get; init; } = [0, 0, 0, 0];

    /// <summary>timm <c>global_pool</c> (<see cref="Models.GlobalPool.Avg"/> or None). <value>Default: Avg.</value></summary>
    public GlobalPool GlobalPool { get; init; } = GlobalPool.Avg;

    /// <summary>Width of the last stage: <c>embed_dim * 2^(stages - 1)</c>.</summary>
    [JsonIgnore]
    public int NumFeatures => EmbedDim << (Depths.Count - 1);

    /// <inheritdoc />
    [JsonIgnore]
    public override string Family => "swinv2";

    /// <inheritdoc />
    [JsonIgnore]
    public override IReadOnlyList<string> OverrideKeys =>
        [.. base.OverrideKeys, "depths", "num_heads", "window_size", "pretrained_window_sizes", "global_pool"];

    /// <inheritdoc />
    protected override ModelConfig? ApplyOverride(string key, string value) => key switch
    {
        "depths" => this with { Depths = ParseIntList(value) },
        "num_heads" => this with { NumHeads = ParseIntList(value) },
        "window_size" => this with { WindowSize = ParseInt(value) },
        "pretrained_window_sizes" => this with { PretrainedWindowSizes = ParseIntList(value) },
        "global_pool" => this with { GlobalPool = ParsePool(value) },
        _ => base.ApplyOverride(key, value),
    };

    /// <inheritdoc />
    protected override void ValidateFamily(List<string> errors)
    {
        if (Depths.Count == 0 || Depths.Any(d => d <= 0)) errors.Add($"depths must be positive, one per stage (was {string.Join(",", Depths)}).");
        if (NumHeads.Count != Depths.Count) errors.Add($"num_heads needs one entry per stage: {Depths.Count} (was {string.Join(",", NumHeads)}).");
        if (WindowSize <= 0) errors.Add($"window_size must be > 0 (was {WindowSize}).");
        if (PretrainedWindowSizes.Count < Depths.Count || PretrainedWindowSizes.Any(w => w < 0 || w == 1))
            errors.Add($"pretrained_window_sizes needs an entry per stage ({Depths.Count}), each 0 or > 1 (was {string.Join(",", PretrainedWindowSizes)}).");
        if (GlobalPool == GlobalPool.Token) errors.Add("global_pool 'token' is not available for Swin V2 (no class token); use avg.");
        for (int i = 0; i < Math.Min(NumHeads.Count, Depths.Count); i++)
        {
            int dim = EmbedDim << i;
            if (NumHeads[i] <= 0 || dim % NumHeads[i] != 0) errors.Add($"stage {i} width {dim} must be a positive multiple of num_heads {NumHeads[i]}.");
        }
        if (ImgSize > 0 && PatchSize > 0 && Depths.Count > 0)
        {
            int grid = ImgSize / PatchSize;
            if (grid % (1 << (Depths.Count - 1)) != 0)
                errors.Add($"patch grid {grid} must be divisible by {1 << (Depths.Count - 1)} for {Depths.Count} stages.");
            else if (Math.Min(WindowSize, grid >> (Depths.Count - 1)) < 2)
                errors.Add($"the last stage's window ({Math.Min(WindowSize, grid >> (Depths.Count - 1))}) must be at least 2: the continuous position bias divides by window - 1.");
        }
    }
}
