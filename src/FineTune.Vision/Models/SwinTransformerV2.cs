using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// Swin Transformer V2 (Liu et al., "Swin Transformer V2: Scaling Up Capacity and Resolution"), mirroring timm
/// <c>swin_transformer_v2.SwinTransformerV2</c> and its state-dict keys: <c>patch_embed</c> (with norm), <c>layers.N</c>
/// stages (<c>downsample</c> first for N &gt; 0: reduction then norm; then <c>blocks</c> with residual post-norm, cosine
/// attention with <c>logit_scale</c>, the continuous position bias <c>cpb_mlp</c>, <c>q_bias</c>/<c>v_bias</c>), <c>norm</c>,
/// <c>head.fc</c>. Features are NHWC. LayerNorm eps 1e-5, drop path <c>linspace(0, rate, sum(depths))</c> across all stages.
/// </summary>
public sealed class SwinTransformerV2 : VisionModel
{
    private readonly PatchEmbed patch_embed;
    private readonly Sequential layers;
    private readonly LayerNorm norm;
    private readonly ClassifierHead head;
    private int numClasses;

    /// <summary>Creates a Swin V2 from <paramref name="config"/> (validated here), parameters on <paramref name="device"/>.</summary>
    public SwinTransformerV2(SwinV2Config config, Device? device = null) : base(nameof(SwinTransformerV2), Validated(config))
    {
        int stages = config.Depths.Count, grid = config.ImgSize / config.PatchSize;
        patch_embed = new PatchEmbed(config.PatchSize, config.InChans, config.EmbedDim, normEps: 1e-5, nhwc: true, device: device);
        var dpr = VisionTransformer.DropPathRates(config.DropPathRate, config.Depths.Sum());
        var stageList = new nn.Module<Tensor, Tensor>[stages];
        int inDim = config.EmbedDim, resolution = grid, offset = 0;
        for (int i = 0; i < stages; i++)
        {
            int outDim = config.EmbedDim << i;
            stageList[i] = new SwinTransformerV2Stage(inDim, outDim, resolution, i > 0, config.NumHeads[i], config.WindowSize,
                config.PretrainedWindowSizes[i], config.MlpRatio, config.QkvBias, config.ProjDropRate, config.AttnDropRate,
                dpr[offset..(offset + config.Depths[i])], device);
            if (i > 0) resolution /= 2;
            offset += config.Depths[i];
            inDim = outDim;
        }
        layers = nn.Sequential(stageList);
        norm = nn.LayerNorm(config.NumFeatures, 1e-5, device: device);
        head = new ClassifierHead(config.NumFeatures, config.NumClasses, config.GlobalPool, config.DropRate, device);
        numClasses = config.NumClasses;
        RegisterComponents();
        WeightInit.LinearsAndNorms(this);    // timm init_weights: Linears (cpb_mlp's too) trunc-normal 0.02, zero biases
        foreach (var block in Stages.SelectMany(s => s.Blocks)) block.ZeroPostNorms();
    }

    /// <inheritdoc />
    public override int NumClasses => numClasses;

    /// <inheritdoc />
    public override int NumFeatures => ((SwinV2Config)Config).NumFeatures;

    private IEnumerable<SwinTransformerV2Stage> Stages => layers.children().Cast<SwinTransformerV2Stage>();

    /// <inheritdoc />
    public override Tensor ForwardFeatures(Tensor x)
    {
        CheckInput(x);
        var t = patch_embed.call(x);
        foreach (var stage in Stages) t = stage.Forward(t, GradCheckpointing, StochasticBlocks);
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
    /// <remarks>
    /// Always false: timm's <c>SwinTransformerV2.no_weight_decay()</c> returns the names of the <c>cpb_mlp</c> modules
    /// (not their parameters) and nothing for <c>logit_scale</c>, so in timm's optimizer factory it matches no parameter;
    /// only 1-D parameters and biases go without weight decay there, as here.
    /// </remarks>
    protected override bool IsNoWeightDecay(string parameterName) => false;

    /// <inheritdoc />
    protected override (int Order, string Group) GroupOf(string parameterName) =>
        SwinTransformer.StageGroupOf(parameterName, ((SwinV2Config)Config).Depths);

    private static SwinV2Config Validated(SwinV2Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        return config;
    }
}
