using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// Vision Transformer (Dosovitskiy et al., "An Image is Worth 16x16 Words"), mirroring timm
/// <c>vision_transformer.VisionTransformer</c>: field names are timm's state-dict keys (<c>patch_embed</c>,
/// <c>cls_token</c>, <c>reg_token</c>, <c>pos_embed</c>, <c>blocks</c>, <c>norm</c>, <c>fc_norm</c>, <c>head</c>), pre-norm
/// blocks with LayerNorm eps 1e-6, exact GELU, <c>scaled_dot_product_attention</c>, drop path <c>linspace(0, rate, depth)</c>.
/// Also the plain DeiT models.
/// </summary>
public class VisionTransformer : VisionModel
{
    private readonly PatchEmbed patch_embed;
    private readonly Parameter? cls_token;
    private readonly Parameter? reg_token;
    private readonly Parameter pos_embed;
    private readonly Dropout pos_drop;
    private readonly Sequential blocks;
    private readonly nn.Module<Tensor, Tensor> norm;
    private readonly nn.Module<Tensor, Tensor> fc_norm;
    private readonly Dropout head_drop;
    private nn.Module<Tensor, Tensor> head;
    private int numClasses;

    /// <summary>Creates a ViT from <paramref name="config"/> (validated here), parameters on <paramref name="device"/>.</summary>
    public VisionTransformer(VitConfig config, Device? device = null) : this(config, 0, nameof(VisionTransformer), device)
    {
    }

    /// <summary>Creates a ViT with <paramref name="distTokens"/> extra prefix tokens counted in <c>pos_embed</c> (DeiT distilled).</summary>
    protected VisionTransformer(VitConfig config, int distTokens, string typeName, Device? device)
        : base(typeName, Validated(config))
    {
        VitConfig c = config;
        int dim = c.EmbedDim, grid = c.ImgSize / c.PatchSize;
        NumPrefixTokens = (c.ClassToken ? 1 : 0) + c.RegTokens + distTokens;
        patch_embed = new PatchEmbed(c.PatchSize, c.InChans, dim, device: device);
        cls_token = c.ClassToken ? new Parameter(zeros(1, 1, dim, device: device)) : null;
        reg_token = c.RegTokens > 0 ? new Parameter(zeros(1, c.RegTokens, dim, device: device)) : null;
        int embedLen = grid * grid + (c.NoEmbedClass ? 0 : NumPrefixTokens);
        pos_embed = new Parameter(zeros(1, embedLen, dim, device: device));
        pos_drop = nn.Dropout(c.PosDropRate);
        var dpr = DropPathRates(c.DropPathRate, c.Depth);
        blocks = nn.Sequential(Enumerable.Range(0, c.Depth).Select(i => (nn.Module<Tensor, Tensor>)new Block(
            dim, c.NumHeads, c.MlpRatio, c.QkvBias, c.InitValues, c.ProjDropRate, c.AttnDropRate, dpr[i], device)).ToArray());
        norm = c.UseFcNorm ? nn.Identity() : nn.LayerNorm(dim, 1e-6, device: device);
        fc_norm = c.UseFcNorm ? nn.LayerNorm(dim, 1e-6, device: device) : nn.Identity();
        head_drop = nn.Dropout(c.DropRate);
        head = c.NumClasses > 0 ? nn.Linear(dim, c.NumClasses, device: device) : nn.Identity();
        numClasses = c.NumClasses;
        RegisterComponents();
        InitWeights();
    }

    /// <summary>The configuration.</summary>
    public VitConfig VitConfig => (VitConfig)Config;

    /// <summary>Class, register and distillation tokens before the patch tokens.</summary>
    public int NumPrefixTokens { get; }

    /// <inheritdoc />
    public override int NumClasses => numClasses;

    /// <inheritdoc />
    public override int NumFeatures => Config.EmbedDim;

    /// <summary>The class token (null when <c>class_token</c> is false).</summary>
    protected Parameter? ClsToken => cls_token;

    /// <summary>The position embedding.</summary>
    protected Parameter PosEmbedding => pos_embed;

    /// <summary>The classifier.</summary>
    protected nn.Module<Tensor, Tensor> Head => head;

    /// <inheritdoc />
    public override Tensor ForwardFeatures(Tensor x)
    {
        CheckInput(x);
        var t = pos_drop.call(PosEmbed(patch_embed.call(x)));
        return norm.call(RunBlocks(blocks, t));
    }

    /// <inheritdoc />
    public override Tensor ForwardHead(Tensor features, bool preLogits = false)
    {
        var x = head_drop.call(fc_norm.call(PoolTokens(features, VitConfig.GlobalPool, NumPrefixTokens)));
        return preLogits ? x.alias() : head.call(x);
    }

    /// <inheritdoc />
    protected override void ResetClassifierCore(int numClasses)
    {
        head = ReplaceClassifier(nameof(head), head, numClasses);
        this.numClasses = numClasses;
    }

    /// <summary>timm <c>_pos_embed</c>: prepend class/register tokens and add the position embedding.</summary>
    protected virtual Tensor PosEmbed(Tensor x)
    {
        long b = x.shape[0];
        var prefix = new List<Tensor>();
        if (cls_token is not null) prefix.Add(cls_token.expand(b, -1, -1));
        if (reg_token is not null) prefix.Add(reg_token.expand(b, -1, -1));
        if (VitConfig.NoEmbedClass)
        {
            x = x + pos_embed;
            return prefix.Count > 0 ? cat([.. prefix, x], 1) : x;
        }
        if (prefix.Count > 0) x = cat([.. prefix, x], 1);
        return x + pos_embed;
    }

    /// <inheritdoc />
    protected override bool IsNoWeightDecay(string parameterName) =>
        parameterName is "pos_embed" or "cls_token" or "dist_token";

    /// <inheritdoc />
    protected override (int Order, string Group) GroupOf(string parameterName)
    {
        if (parameterName is "cls_token" or "reg_token" or "pos_embed" or "dist_token" || parameterName.StartsWith("patch_embed.", StringComparison.Ordinal))
            return (0, "stem");
        int i = IndexAfter(parameterName, "blocks.");
        if (i >= 0) return (i + 1, $"blocks.{i}");
        if (parameterName.StartsWith("norm.", StringComparison.Ordinal)) return (VitConfig.Depth + 1, "norm");
        return (HeadOrder, "head");
    }

    /// <summary>timm's stochastic depth decay rule: <c>linspace(0, rate, depth)</c>.</summary>
    internal static double[] DropPathRates(double rate, int depth) =>
        Enumerable.Range(0, depth).Select(i => depth == 1 ? 0.0 : rate * i / (depth - 1)).ToArray();

    private void InitWeights()
    {
        WeightInit.TruncNormal(pos_embed);
        if (cls_token is not null) WeightInit.Normal(cls_token, 1e-6);
        if (reg_token is not null) WeightInit.Normal(reg_token, 1e-6);
        WeightInit.LinearsAndNorms(this);
    }

    private static VitConfig Validated(VitConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        return config;
    }
}
