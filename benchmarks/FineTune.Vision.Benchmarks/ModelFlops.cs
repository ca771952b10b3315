using FineTune.Vision.Models;

namespace FineTune.Vision.Benchmarks;

/// <summary>
/// Forward multiply-accumulates of one image, counted from the architecture: every matrix product (patch embedding,
/// qkv, attention scores, attention-weighted sum, projection, MLP, patch merging, talking-heads mixes, classifier).
/// Norms, activations, softmax, biases and residual adds are left out (under 1% for these models; fvcore counts the norms).
/// FLOPs are 2 × MACs; a training step (forward + backward) is counted as 3 × forward.
/// </summary>
public static class ModelFlops
{
    /// <summary>timm's published GMACs per image (fvcore, one multiply-add = one MAC) for models the report checks against.</summary>
    public static readonly IReadOnlyDictionary<string, double> ReferenceGmacs = new Dictionary<string, double>
    {
        ["vit_tiny_patch16_224"] = 1.3, ["vit_small_patch16_224"] = 4.6, ["vit_base_patch16_224"] = 17.6,
        ["deit_tiny_patch16_224"] = 1.3, ["deit_tiny_distilled_patch16_224"] = 1.3, ["deit_small_patch16_224"] = 4.6,
        ["beit_base_patch16_224"] = 17.6, ["swin_tiny_patch4_window7_224"] = 4.5, ["swin_small_patch4_window7_224"] = 8.8,
        ["cait_xxs24_224"] = 2.5, ["cait_s24_224"] = 9.3,
    };

    /// <summary>Forward MACs of one image through a registered architecture (its registry config).</summary>
    public static long ForwardMacs(string architecture) =>
        ForwardMacs(ModelRegistry.GetConfig(architecture), architecture.Contains("distilled", StringComparison.Ordinal));

    /// <summary>Forward MACs of one image through a model built from <paramref name="config"/>.</summary>
    /// <param name="config">The architecture.</param>
    /// <param name="distilled">DeiT with a distillation token and second head.</param>
    public static long ForwardMacs(ModelConfig config, bool distilled = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config switch
        {
            VitConfig v => Vit(v, distilled),
            BeitConfig b => Encoder(PatchEmbed(b), Patches(b) + 1, b.EmbedDim, b.Depth, Hidden(b), b.NumClasses),
            SwinConfig s => Swin(s),
            CaitConfig c => Cait(c),
            _ => throw new ArgumentException($"No FLOP count for {config.GetType().Name}.", nameof(config)),
        };
    }

    /// <summary>Training-step FLOPs of a batch: 2 × MACs × 3 (forward, then backward at twice the forward).</summary>
    public static double TrainingStepFlops(long forwardMacs, int batch) => 6.0 * forwardMacs * batch;

    private static long Patches(ModelConfig c) => (long)(c.ImgSize / c.PatchSize) * (c.ImgSize / c.PatchSize);

    private static long PatchEmbed(ModelConfig c) => Patches(c) * c.InChans * c.PatchSize * c.PatchSize * c.EmbedDim;

    private static long Hidden(ModelConfig c) => (long)(c.EmbedDim * c.MlpRatio);

    private static long Vit(VitConfig v, bool distilled)
    {
        long prefix = (v.ClassToken ? 1 : 0) + v.RegTokens + (distilled ? 1 : 0);
        long heads = distilled ? 2 : 1;
        return Encoder(PatchEmbed(v), Patches(v) + prefix, v.EmbedDim, v.Depth, Hidden(v), v.NumClasses * heads);
    }

    /// <summary>Patch embedding, <paramref name="depth"/> pre-norm blocks over <paramref name="tokens"/>, a linear classifier.</summary>
    private static long Encoder(long patchEmbed, long tokens, long dim, int depth, long hidden, long classes) =>
        patchEmbed + (depth * Block(tokens, dim, hidden)) + (dim * classes);

    /// <summary>Self-attention (qkv, scores, weighted sum, proj) and MLP over <paramref name="tokens"/>; scores cost T²·D over all heads.</summary>
    private static long Block(long tokens, long dim, long hidden) =>
        (tokens * dim * 3 * dim) + (2 * tokens * tokens * dim) + (tokens * dim * dim) + (2 * tokens * dim * hidden);

    private static long Swin(SwinConfig s)
    {
        long macs = PatchEmbed(s);
        long resolution = s.ImgSize / s.PatchSize, dim = s.EmbedDim;
        for (int stage = 0; stage < s.Depths.Count; stage++)
        {
            if (stage > 0)
            {
                resolution /= 2;
                macs += resolution * resolution * (4 * dim) * (2 * dim);   // PatchMerging reduction 4C -> 2C
                dim *= 2;
            }
            long tokens = resolution * resolution, window = Math.Min(s.WindowSize, resolution), perWindow = window * window;
            long hidden = (long)(dim * s.MlpRatio);
            long block = (tokens * dim * 3 * dim) + (2 * tokens * perWindow * dim) + (tokens * dim * dim) + (2 * tokens * dim * hidden);
            macs += s.Depths[stage] * block;
        }
        return macs + ((long)s.NumFeatures * s.NumClasses);
    }

    private static long Cait(CaitConfig c)
    {
        long n = Patches(c), d = c.EmbedDim, h = c.NumHeads;
        long talkingHeads = 2 * n * n * h * h;                    // proj_l before and proj_w after the softmax
        long selfAttention = c.Depth * (Block(n, d, Hidden(c)) + talkingHeads);
        long t = n + 1, hiddenToken = (long)(d * c.MlpRatioTokenOnly);
        // Class attention: q and proj on the class token, k and v on all tokens, 1×T scores, the MLP on the class token.
        long classAttention = c.DepthTokenOnly * ((d * d) + (2 * t * d * d) + (2 * t * d) + (d * d) + (2 * d * hiddenToken));
        return PatchEmbed(c) + selfAttention + classAttention + (d * c.NumClasses);
    }
}
