using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// RandAugment ("RandAugment: Practical automated data augmentation with a reduced search space", Cubuk et al., 2019)
/// in timm's dialect (<c>timm.data.auto_augment.RandAugment</c>): per image, <see cref="RandAugmentOptions.NumOps"/> ops
/// are drawn from timm's op set, each applied with probability <see cref="RandAugmentOptions.Probability"/> at the
/// magnitude plus optional noise, clamped to [0, mmax]. Colour ops are Pillow-exact (<see cref="ColorOps"/>).
/// </summary>
/// <remarks>For torchvision's <c>RandAugment(num_ops, magnitude, num_magnitude_bins)</c> see <see cref="TorchvisionRandAugment"/>.</remarks>
public sealed class RandAugment : ITransform
{
    private readonly AugmentOpSpec[] _ops;
    private readonly double[]? _weights;

    /// <summary>Creates the transform; the options are validated here.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public RandAugment(RandAugmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        IEnumerable<string> names = options.Weighted ? AugmentOpTables.TimmRandAugmentWeighted.Select(w => w.Name)
            : options.Increasing ? AugmentOpTables.TimmRandAugmentIncreasing : AugmentOpTables.TimmRandAugment;
        _ops = names.Select(n => AugmentOpTables.TimmOp(n, options.TranslatePct)).ToArray();
        _weights = options.Weighted ? AugmentOpTables.TimmRandAugmentWeighted.Select(w => w.Weight).ToArray() : null;
    }

    /// <summary>Creates the transform from timm's config string, e.g. <c>rand-m9-mstd0.5-inc1</c> (see <see cref="RandAugmentOptions.Parse"/>).</summary>
    /// <exception cref="FormatException">The string is malformed.</exception>
    public static RandAugment FromConfig(string config, RandAugmentOptions? defaults = null) => new(RandAugmentOptions.Parse(config, defaults));

    /// <summary>The settings.</summary>
    public RandAugmentOptions Options { get; }

    /// <summary>The op set in use, in timm's order.</summary>
    public IReadOnlyList<AugmentOpSpec> Ops => _ops;

    /// <inheritdoc />
    public RgbImage Apply(RgbImage image, Random rng)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(rng);
        foreach (int index in ChooseOps(rng))
            image = ApplyOp(image, _ops[index], rng);
        return image;
    }

    private IEnumerable<int> ChooseOps(Random rng)
    {
        if (_weights is null)
        {
            var picks = new int[Options.NumOps];
            for (int i = 0; i < picks.Length; i++) picks[i] = rng.Next(_ops.Length);
            return picks;
        }
        return WeightedWithoutReplacement(_weights, Options.NumOps, rng);
    }

    /// <summary>timm's <c>AugmentOp.__call__</c>: probability gate, magnitude noise and clamp, sign, op.</summary>
    private RgbImage ApplyOp(RgbImage image, AugmentOpSpec spec, Random rng) =>
        AugmentOpRunner.ApplyTimm(image, spec, Options.Probability, Options.Magnitude, Options.MagnitudeStd, Options.MagnitudeMax ?? 10.0,
                                  Options.Interpolations, Options.Fill, rng);

    /// <summary>NumPy's <c>choice(n, size, replace=False, p=weights)</c>: successive draws from the renormalised remainder.</summary>
    private static int[] WeightedWithoutReplacement(double[] weights, int count, Random rng)
    {
        double[] left = (double[])weights.Clone();
        var picks = new int[count];
        for (int k = 0; k < count; k++)
        {
            double u = rng.NextDouble() * left.Sum(), acc = 0;
            int pick = Array.FindLastIndex(left, w => w > 0);
            for (int i = 0; i < left.Length; i++)
            {
                acc += left[i];
                if (left[i] > 0 && u < acc) { pick = i; break; }
            }
            picks[k] = pick;
            left[pick] = 0;
        }
        return picks;
    }
}
