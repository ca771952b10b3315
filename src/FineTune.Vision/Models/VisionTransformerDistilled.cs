using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// DeiT with a distillation token (Touvron et al., "Training data-efficient image transformers"), mirroring timm
/// <c>deit.VisionTransformerDistilled</c>: adds <c>dist_token</c> and <c>head_dist</c>. <c>forward</c> averages the two
/// heads (timm's inference and plain fine-tuning behaviour); <see cref="ForwardDistilled"/> returns both, for training
/// with a teacher.
/// </summary>
public sealed class VisionTransformerDistilled : VisionTransformer
{
    private readonly Parameter dist_token;
    private nn.Module<Tensor, Tensor> head_dist;

    /// <summary>Creates the model; <c>global_pool</c> must be <see cref="GlobalPool.Token"/>.</summary>
    public VisionTransformerDistilled(VitConfig config, Device? device = null)
        : base(CheckPool(config), 1, nameof(VisionTransformerDistilled), device)
    {
        dist_token = new Parameter(zeros(1, 1, config.EmbedDim, device: device));
        head_dist = config.NumClasses > 0 ? nn.Linear(config.EmbedDim, config.NumClasses, device: device) : nn.Identity();
        register_parameter(nameof(dist_token), dist_token);
        register_module(nameof(head_dist), head_dist);
        WeightInit.TruncNormal(dist_token);
        if (head_dist is Linear l) WeightInit.Linear(l);
    }

    /// <summary>Features to (class-head logits, distillation-head logits), without averaging.</summary>
    public (Tensor Logits, Tensor DistLogits) ForwardDistilled(Tensor x)
    {
        var f = ForwardFeatures(x);
        return (Head.call(f.select(1, 0)), head_dist.call(f.select(1, 1)));
    }

    /// <inheritdoc />
    public override Tensor ForwardHead(Tensor features, bool preLogits = false)
    {
        ArgumentNullException.ThrowIfNull(features);
        var x = features.select(1, 0);
        var xDist = features.select(1, 1);
        if (preLogits) return (x + xDist) / 2;
        return (Head.call(x) + head_dist.call(xDist)) / 2;
    }

    /// <inheritdoc />
    protected override void ResetClassifierCore(int numClasses)
    {
        base.ResetClassifierCore(numClasses);
        head_dist = ReplaceClassifier(nameof(head_dist), head_dist, numClasses);
    }

    /// <inheritdoc />
    protected override Tensor PosEmbed(Tensor x)
    {
        long b = x.shape[0];
        return cat([ClsToken!.expand(b, -1, -1), dist_token.expand(b, -1, -1), x], 1) + PosEmbedding;
    }

    private static VitConfig CheckPool(VitConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.GlobalPool != GlobalPool.Token || !config.ClassToken || config.RegTokens != 0 || config.NoEmbedClass)
            throw new ArgumentException("A distilled DeiT needs global_pool 'token', class_token true, reg_tokens 0 and no_embed_class false.", nameof(config));
        return config;
    }
}
