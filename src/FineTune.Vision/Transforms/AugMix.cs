using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// AugMix ("AugMix: A Simple Data Processing Method to Improve Robustness and Uncertainty", Hendrycks et al., 2020) as
/// timm's <c>AugMixAugment</c> (made by <c>augment_and_mix_transform("augmix-m3-w3-d-1")</c>): per image, chain
/// weights w ~ Dirichlet(α, …, α) over <see cref="AugMixOptions.Width"/> chains and a blend m ~ Beta(α, α); each chain
/// applies 1–3 ops (or <see cref="AugMixOptions.Depth"/>) drawn with replacement from timm's AugMix op set
/// (<see cref="AugmentOpTables.TimmAugMix"/>, the same Pillow-exact ops as <see cref="RandAugment"/>) to the original;
/// the chains are summed in float32 with weights w, clipped and truncated to bytes, and blended with the original at m
/// (Pillow's <c>Image.blend</c>).
/// </summary>
/// <remarks>
/// For the JSD consistency loss, train on several versions of each image: see <see cref="SplitSampleEncoder"/>.
/// timm's basic mode allocates its float sum as width × height, which only works on square images; here any size works.
/// </remarks>
public sealed class AugMix : ITransform
{
    private readonly AugmentOpSpec[] _ops;

    /// <summary>Creates the transform; the options are validated here.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public AugMix(AugMixOptions? options = null)
    {
        options ??= new AugMixOptions();
        options.Validate();
        Options = options;
        _ops = AugmentOpTables.TimmAugMix.Select(n => AugmentOpTables.TimmOp(n, options.TranslatePct)).ToArray();
    }

    /// <summary>Creates the transform from timm's config string, e.g. <c>augmix-m3-w3-d-1</c> (see <see cref="AugMixOptions.Parse"/>).</summary>
    /// <exception cref="FormatException">The string is malformed.</exception>
    public static AugMix FromConfig(string config, AugMixOptions? defaults = null) => new(AugMixOptions.Parse(config, defaults));

    /// <summary>Whether <paramref name="config"/> is an AugMix config string (its first dash-separated section is <c>augmix</c>).</summary>
    public static bool IsConfig(string config) => config is not null && config.Trim().Split('-')[0] == "augmix";

    /// <summary>The settings.</summary>
    public AugMixOptions Options { get; }

    /// <summary>The op set, in timm's order.</summary>
    public IReadOnlyList<AugmentOpSpec> Ops => _ops;

    /// <inheritdoc />
    public RgbImage Apply(RgbImage image, Random rng)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(rng);
        return Execute(image, Draw(rng));
    }

    /// <summary>Every random value of one application: chain weights, blend, and per chain the ops with their draws.</summary>
    internal Plan Draw(Random rng)
    {
        float[] weights = Dirichlet(rng, Options.Alpha, Options.Width);
        float m = (float)rng.Beta(Options.Alpha, Options.Alpha);
        var chains = new (AugmentOpSpec, TimmOpDraw)[Options.Width][];
        for (int c = 0; c < chains.Length; c++)
        {
            int depth = Options.Depth > 0 ? Options.Depth : rng.IntInclusive(1, 3);
            var picks = new AugmentOpSpec[depth];
            for (int k = 0; k < depth; k++) picks[k] = _ops[rng.Next(_ops.Length)];
            chains[c] = Array.ConvertAll(picks, spec => (spec, AugmentOpRunner.DrawTimm(spec, 1.0, Options.Magnitude, Options.MagnitudeStd,
                Options.MagnitudeMax ?? 10.0, Options.Interpolations, rng)!.Value));
        }
        return new Plan(weights, m, chains);
    }

    /// <summary>Applies drawn values (timm's <c>_apply_basic</c> or <c>_apply_blended</c>); consumes <paramref name="image"/>.</summary>
    internal RgbImage Execute(RgbImage image, Plan plan)
    {
        using (image)
            return Options.Blended ? ExecuteBlended(image, plan) : ExecuteBasic(image, plan);
    }

    private RgbImage RunChain(RgbImage original, (AugmentOpSpec Spec, TimmOpDraw Draw)[] chain)
    {
        RgbImage result = original.Clone();
        foreach ((AugmentOpSpec spec, TimmOpDraw draw) in chain) result = AugmentOpRunner.ApplyTimmAt(result, spec, draw, Options.Fill);
        return result;
    }

    /// <summary>mixed = Σ w_i·chain_i in float32, clipped to [0, 255] and truncated; then <c>Image.blend(original, mixed, m)</c>.</summary>
    private RgbImage ExecuteBasic(RgbImage original, Plan plan)
    {
        var mixed = new float[original.Pixels.Length];
        for (int c = 0; c < plan.Chains.Count; c++)
        {
            using RgbImage chain = RunChain(original, plan.Chains[c]);
            float w = plan.Weights[c];
            ReadOnlySpan<byte> px = chain.Pixels;
            for (int i = 0; i < mixed.Length; i++) mixed[i] += w * px[i];
        }
        var result = new RgbImage(original.Width, original.Height);
        ReadOnlySpan<byte> src = original.Pixels;
        Span<byte> dst = result.Pixels;
        for (int i = 0; i < mixed.Length; i++)
        {
            var level = (byte)Math.Clamp(mixed[i], 0f, 255f);
            dst[i] = ColorOps.Blend(src[i], level, plan.Mix);
        }
        return result;
    }

    /// <summary>timm's blended mode: chain weights w·m turned into successive blend factors, one <c>Image.blend</c> per chain.</summary>
    private RgbImage ExecuteBlended(RgbImage original, Plan plan)
    {
        float[] alphas = BlendedWeights(plan.Weights, plan.Mix);
        RgbImage result = original.Clone();
        for (int c = 0; c < plan.Chains.Count; c++)
        {
            using RgbImage chain = RunChain(original, plan.Chains[c]);
            Span<byte> dst = result.Pixels;
            ReadOnlySpan<byte> px = chain.Pixels;
            for (int i = 0; i < dst.Length; i++) dst[i] = ColorOps.Blend(dst[i], px[i], alphas[c]);
        }
        return result;
    }

    /// <summary>timm's <c>_calc_blended_weights</c>: from the last chain back, α = w·m / (Π of the later (1 − α)), in double as NumPy 1.x computes it.</summary>
    internal static float[] BlendedWeights(float[] weights, float m)
    {
        var alphas = new float[weights.Length];
        double cump = 1.0;
        for (int i = weights.Length - 1; i >= 0; i--)
        {
            double alpha = (weights[i] * m) / cump;
            cump *= 1 - alpha;
            alphas[i] = (float)alpha;
        }
        return alphas;
    }

    /// <summary>NumPy's <c>dirichlet([α] * k)</c> (normalised Gamma(α) draws), as float32.</summary>
    private static float[] Dirichlet(Random rng, double alpha, int k)
    {
        var g = new double[k];
        double sum = 0;
        for (int i = 0; i < k; i++) sum += g[i] = rng.Gamma(alpha);
        if (sum == 0) return Enumerable.Repeat(1f / k, k).ToArray();
        return Array.ConvertAll(g, v => (float)(v / sum));
    }

    /// <summary>The draws of one application.</summary>
    /// <param name="Weights">Chain weights (float32, sum 1).</param>
    /// <param name="Mix">Blend factor of the mixed chains against the original (float32).</param>
    /// <param name="Chains">Per chain, its ops and their draws, in order.</param>
    internal sealed record Plan(float[] Weights, float Mix, IReadOnlyList<(AugmentOpSpec Spec, TimmOpDraw Draw)[]> Chains);
}
