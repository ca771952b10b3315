using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// BEiT (Bao et al., "BEiT: BERT Pre-Training of Image Transformers"), fine-tuned classifier form, mirroring timm
/// <c>beit.Beit</c>: <c>patch_embed</c>, <c>cls_token</c>, optional <c>pos_embed</c>, <c>blocks</c> with per-block
/// relative position bias, <c>norm</c> or (mean pooling) <c>fc_norm</c>, <c>head</c>.
/// </summary>
public sealed class Beit : VisionModel
{
    private readonly PatchEmbed patch_embed;
    private readonly Parameter cls_token;
    private readonly Parameter? pos_embed;
    private readonly Dropout pos_drop;
    private readonly ModuleList<BeitBlock> blocks;
    private readonly nn.Module<Tensor, Tensor> norm;
    private readonly nn.Module<Tensor, Tensor> fc_norm;
    private readonly Dropout head_drop;
    private nn.Module<Tensor, Tensor> head;
    private int numClasses;

    /// <summary>Creates a BEiT from <paramref name="config"/> (validated here), parameters on <paramref name="device"/>.</summary>
    public Beit(BeitConfig config, Device? device = null) : base(nameof(Beit), Validated(config))
    {
        int dim = config.EmbedDim, grid = config.ImgSize / config.PatchSize;
        patch_embed = new PatchEmbed(config.PatchSize, config.InChans, dim, device: device);
        cls_token = new Parameter(zeros(1, 1, dim, device: device));
        pos_embed = config.UseAbsPosEmb ? new Parameter(zeros(1, (grid * grid) + 1, dim, device: device)) : null;
        pos_drop = nn.Dropout(config.PosDropRate);
        var dpr = VisionTransformer.DropPathRates(config.DropPathRate, config.Depth);
        (int, int)? window = config.UseRelPosBias ? (grid, grid) : null;
        blocks = nn.ModuleList(Enumerable.Range(0, config.Depth).Select(i => new BeitBlock(dim, config.NumHeads, config.MlpRatio,
            config.QkvBias, config.ProjDropRate, config.AttnDropRate, dpr[i], config.InitValues, window, device)).ToArray());
        bool useFcNorm = config.GlobalPool == GlobalPool.Avg;
        norm = useFcNorm ? nn.Identity() : nn.LayerNorm(dim, 1e-6, device: device);
        fc_norm = useFcNorm ? nn.LayerNorm(dim, 1e-6, device: device) : nn.Identity();
        head_drop = nn.Dropout(config.DropRate);
        head = config.NumClasses > 0 ? nn.Linear(dim, config.NumClasses, device: device) : nn.Identity();
        numClasses = config.NumClasses;
        RegisterComponents();
        InitWeights(config.HeadInitScale);
    }

    /// <inheritdoc />
    public override int NumClasses => numClasses;

    /// <inheritdoc />
    public override int NumFeatures => Config.EmbedDim;

    /// <inheritdoc />
    public override Tensor ForwardFeatures(Tensor x)
    {
        CheckInput(x);
        var t = patch_embed.call(x);
        t = cat([cls_token.expand(t.shape[0], -1, -1), t], 1);
        if (pos_embed is not null) t = t + pos_embed;
        t = pos_drop.call(t);
        t = RunBlocks(blocks, t);
        return norm.call(t);
    }

    /// <inheritdoc />
    public override Tensor ForwardHead(Tensor features, bool preLogits = false)
    {
        var x = head_drop.call(fc_norm.call(PoolTokens(features, ((BeitConfig)Config).GlobalPool, prefixTokens: 1)));
        return preLogits ? x.alias() : head.call(x);
    }

    /// <inheritdoc />
    protected override void ResetClassifierCore(int numClasses)
    {
        head = ReplaceClassifier(nameof(head), head, numClasses);
        this.numClasses = numClasses;
    }

    /// <inheritdoc />
    protected override bool IsNoWeightDecay(string parameterName) =>
        parameterName is "pos_embed" or "cls_token" || parameterName.Contains("relative_position_bias_table", StringComparison.Ordinal);

    /// <inheritdoc />
    protected override (int Order, string Group) GroupOf(string parameterName)
    {
        if (parameterName is "cls_token" or "pos_embed" || parameterName.StartsWith("patch_embed.", StringComparison.Ordinal))
            return (0, "stem");
        int i = IndexAfter(parameterName, "blocks.");
        if (i >= 0) return (i + 1, $"blocks.{i}");
        if (parameterName.StartsWith("norm.", StringComparison.Ordinal)) return (blocks.Count + 1, "norm");
        return (HeadOrder, "head");
    }

    private void InitWeights(double headInitScale)
    {
        WeightInit.LinearsAndNorms(this);
        if (pos_embed is not null) WeightInit.TruncNormal(pos_embed);
        WeightInit.TruncNormal(cls_token);
        using var _ = no_grad();
        for (int i = 0; i < blocks.Count; i++)
        {
            double s = Math.Sqrt(2.0 * (i + 1));
            blocks[i].Attn.Proj.weight!.div_(s);
            blocks[i].MlpModule.Fc2.weight!.div_(s);
        }
        if (head is Linear h)
        {
            h.weight!.mul_(headInitScale);
            h.bias!.mul_(headInitScale);
        }
    }

    private static BeitConfig Validated(BeitConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        return config;
    }
}
