using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// CaiT (Touvron et al., "Going deeper with Image Transformers"), mirroring timm <c>cait.Cait</c>: <c>patch_embed</c>,
/// <c>pos_embed</c> over patches, LayerScale talking-heads <c>blocks</c> (constant drop path rate), then class-attention
/// <c>blocks_token_only</c> on <c>cls_token</c>, <c>norm</c>, <c>head</c>.
/// </summary>
public sealed class Cait : VisionModel
{
    private readonly PatchEmbed patch_embed;
    private readonly Parameter cls_token;
    private readonly Parameter pos_embed;
    private readonly Dropout pos_drop;
    private readonly Sequential blocks;
    private readonly ModuleList<LayerScaleBlockClassAttn> blocks_token_only;
    private readonly LayerNorm norm;
    private readonly Dropout head_drop;
    private nn.Module<Tensor, Tensor> head;
    private int numClasses;

    /// <summary>Creates a CaiT from <paramref name="config"/> (validated here), parameters on <paramref name="device"/>.</summary>
    public Cait(CaitConfig config, Device? device = null) : base(nameof(Cait), Validated(config))
    {
        int dim = config.EmbedDim, grid = config.ImgSize / config.PatchSize;
        patch_embed = new PatchEmbed(config.PatchSize, config.InChans, dim, device: device);
        cls_token = new Parameter(zeros(1, 1, dim, device: device));
        pos_embed = new Parameter(zeros(1, grid * grid, dim, device: device));
        pos_drop = nn.Dropout(config.PosDropRate);
        blocks = nn.Sequential(Enumerable.Range(0, config.Depth).Select(_ => (nn.Module<Tensor, Tensor>)new LayerScaleBlock(dim,
            config.NumHeads, config.MlpRatio, config.QkvBias, config.ProjDropRate, config.AttnDropRate, config.DropPathRate,
            config.InitValues, device)).ToArray());
        blocks_token_only = nn.ModuleList(Enumerable.Range(0, config.DepthTokenOnly).Select(_ => new LayerScaleBlockClassAttn(dim,
            config.NumHeads, config.MlpRatioTokenOnly, config.QkvBias, config.InitValues, device)).ToArray());
        norm = nn.LayerNorm(dim, 1e-6, device: device);
        head_drop = nn.Dropout(config.DropRate);
        head = config.NumClasses > 0 ? nn.Linear(dim, config.NumClasses, device: device) : nn.Identity();
        numClasses = config.NumClasses;
        RegisterComponents();
        WeightInit.TruncNormal(pos_embed);
        WeightInit.TruncNormal(cls_token);
        WeightInit.LinearsAndNorms(this);
    }

    /// <inheritdoc />
    public override int NumClasses => numClasses;

    /// <inheritdoc />
    public override int NumFeatures => Config.EmbedDim;

    /// <inheritdoc />
    public override Tensor ForwardFeatures(Tensor x)
    {
        CheckInput(x);
        var t = pos_drop.call(patch_embed.call(x) + pos_embed);
        t = RunBlocks(blocks, t);   // timm checkpoints these, not the class-attention blocks
        var cls = cls_token.expand(t.shape[0], -1, -1);
        foreach (var blk in blocks_token_only) cls = blk.call(t, cls);
        return norm.call(cat([cls, t], 1));
    }

    /// <inheritdoc />
    public override Tensor ForwardHead(Tensor features, bool preLogits = false)
    {
        var x = head_drop.call(PoolTokens(features, ((CaitConfig)Config).GlobalPool, prefixTokens: 1));
        return preLogits ? x.alias() : head.call(x);
    }

    /// <inheritdoc />
    protected override void ResetClassifierCore(int numClasses)
    {
        head = ReplaceClassifier(nameof(head), head, numClasses);
        this.numClasses = numClasses;
    }

    /// <inheritdoc />
    protected override bool IsNoWeightDecay(string parameterName) => parameterName is "pos_embed" or "cls_token";

    /// <inheritdoc />
    protected override (int Order, string Group) GroupOf(string parameterName)
    {
        var c = (CaitConfig)Config;
        if (parameterName is "cls_token" or "pos_embed" || parameterName.StartsWith("patch_embed.", StringComparison.Ordinal))
            return (0, "stem");
        int i = IndexAfter(parameterName, "blocks.");
        if (i >= 0) return (i + 1, $"blocks.{i}");
        int t = IndexAfter(parameterName, "blocks_token_only.");
        if (t >= 0) return (t + c.Depth - c.DepthTokenOnly + 1, $"blocks_token_only.{t}");    // timm overlaps them with the last blocks
        if (parameterName.StartsWith("norm.", StringComparison.Ordinal)) return (c.Depth, "norm");
        return (HeadOrder, "head");
    }

    private static CaitConfig Validated(CaitConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        return config;
    }
}
