using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// Swin Transformer v1 (Liu et al., "Swin Transformer: Hierarchical Vision Transformer using Shifted Windows"), mirroring
/// timm <c>swin_transformer.SwinTransformer</c>'s current layout: <c>patch_embed</c> (with norm), <c>layers.N</c> stages
/// (<c>downsample</c> first for N &gt; 0, then <c>blocks</c>), <c>norm</c>, <c>head.fc</c>. Features are NHWC.
/// LayerNorm eps 1e-5 (torch default), drop path <c>linspace(0, rate, sum(depths))</c> across all stages.
/// </summary>
public sealed class SwinTransformer : VisionModel
{
    private readonly PatchEmbed patch_embed;
    private readonly Sequential layers;
    private readonly LayerNorm norm;
    private readonly ClassifierHead head;
    private int numClasses;

    /// <summary>Creates a Swin from <paramref name="config"/> (validated here), parameters on <paramref name="device"/>.</summary>
    public SwinTransformer(SwinConfig config, Device? device = null) : base(nameof(SwinTransformer), Validated(config))
    {
        int stages = config.Depths.Count, grid = config.ImgSize / config.PatchSize;
        patch_embed = new PatchEmbed(config.PatchSize, config.InChans, config.EmbedDim, normEps: 1e-5, nhwc: true, device: device);
        var dpr = VisionTransformer.DropPathRates(config.DropPathRate, config.Depths.Sum());
        var stageList = new nn.Module<Tensor, Tensor>[stages];
        int inDim = config.EmbedDim, resolution = grid, offset = 0;
        for (int i = 0; i < stages; i++)
        {
            int outDim = config.EmbedDim << i;
            stageList[i] = new SwinTransformerStage(inDim, outDim, resolution, i > 0, config.NumHeads[i], config.WindowSize,
                config.MlpRatio, config.QkvBias, config.ProjDropRate, config.AttnDropRate, dpr[offset..(offset + config.Depths[i])], device);
            if (i > 0) resolution /= 2;
            offset += config.Depths[i];
            inDim = outDim;
        }
        layers = nn.Sequential(stageList);
        norm = nn.LayerNorm(config.NumFeatures, 1e-5, device: device);
        head = new ClassifierHead(config.NumFeatures, config.NumClasses, config.GlobalPool, config.DropRate, device);
        numClasses = config.NumClasses;
        RegisterComponents();
        WeightInit.LinearsAndNorms(this);
    }

    /// <inheritdoc />
    public override int NumClasses => numClasses;

    /// <inheritdoc />
    public override int NumFeatures => ((SwinConfig)Config).NumFeatures;

    /// <inheritdoc />
    public override Tensor ForwardFeatures(Tensor x)
    {
        CheckInput(x);
        var t = patch_embed.call(x);
        foreach (var stage in layers.children().Cast<SwinTransformerStage>()) t = stage.Forward(t, GradCheckpointing, StochasticBlocks, DeviceRandomBlocks);
        return norm.call(t);
    }

    /// <inheritdoc />
    public override Tensor ForwardHead(Tensor features, bool preLogits = false) => head.Forward(features, preLogits);

    /// <inheritdoc />
    protected override void ResetClassifierCore(int numClasses)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(numClasses);
        head.Reset(numClasses, ParameterDevice);
        this.numClasses = numClasses;
    }

    /// <inheritdoc />
    protected override bool IsNoWeightDecay(string parameterName) =>
        parameterName.Contains("relative_position_bias_table", StringComparison.Ordinal);

    /// <inheritdoc />
    protected override (int Order, string Group) GroupOf(string parameterName) => StageGroupOf(parameterName, ((SwinConfig)Config).Depths);

    /// <summary>
    /// timm's Swin (v1 and v2) <c>group_matcher</c>: <c>patch_embed</c> is the stem, <c>layers.s.downsample</c> joins the
    /// stage's first block, each block is a group, then the final <c>norm</c> and the head.
    /// </summary>
    internal static (int Order, string Group) StageGroupOf(string parameterName, IReadOnlyList<int> depths)
    {
        if (parameterName.StartsWith("patch_embed.", StringComparison.Ordinal)) return (0, "stem");
        int stage = IndexAfter(parameterName, "layers.");
        if (stage >= 0 && stage < depths.Count)
        {
            int offset = depths.Take(stage).Sum();
            int block = IndexAfter(parameterName, $"layers.{stage}.blocks.");
            block = Math.Max(block, 0);    // timm puts downsample with the stage's first block
            return (1 + offset + block, $"layers.{stage}.blocks.{block}");
        }
        if (parameterName.StartsWith("norm.", StringComparison.Ordinal)) return (depths.Sum() + 1, "norm");
        return (HeadOrder, "head");
    }

    private static SwinConfig Validated(SwinConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        return config;
    }
}
