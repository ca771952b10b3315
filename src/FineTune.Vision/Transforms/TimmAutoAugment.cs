using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// timm's AutoAugment (<c>timm.data.auto_augment.AutoAugment</c>, made by <c>auto_augment_transform("original-mstd0.5")</c>):
/// per image, one of the policy's 25 sub-policies is drawn uniformly, and each of its two steps runs as timm's
/// <c>AugmentOp</c> (applied with its probability, at its magnitude on timm's 0–10 scale plus optional noise, signed ops
/// negated with probability ½) over timm's op table <see cref="AugmentOpTables.Timm"/>, the same Pillow-exact ops as
/// <see cref="RandAugment"/>.
/// </summary>
/// <remarks>For torchvision's AutoAugment (ImageNet, CIFAR-10 and SVHN policies on magnitude bins) see <see cref="AutoAugment"/>.</remarks>
public sealed partial class TimmAutoAugment : ITransform
{
    private readonly (AugmentOpSpec Spec, Step Step)[][] _policy;

    /// <summary>Creates the transform; the options are validated here.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public TimmAutoAugment(TimmAutoAugmentOptions? options = null)
    {
        options ??= new TimmAutoAugmentOptions();
        options.Validate();
        Options = options;
        _policy = Array.ConvertAll(Policies(options.Policy),
            sub => Array.ConvertAll(sub, step => (AugmentOpTables.TimmOp(step.Op, options.TranslatePct), step)));
    }

    /// <summary>Creates the transform from timm's config string, e.g. <c>original-mstd0.5</c> (see <see cref="TimmAutoAugmentOptions.Parse"/>).</summary>
    /// <exception cref="FormatException">The string is malformed.</exception>
    public static TimmAutoAugment FromConfig(string config, TimmAutoAugmentOptions? defaults = null) => new(TimmAutoAugmentOptions.Parse(config, defaults));

    /// <summary>Whether <paramref name="config"/> names one of timm's AutoAugment policies (its first dash-separated section).</summary>
    public static bool IsConfig(string config) =>
        config is not null && TimmAutoAugmentOptions.PolicyNamed(config.Trim().Split('-')[0]) is not null;

    /// <summary>The settings.</summary>
    public TimmAutoAugmentOptions Options { get; }

    /// <summary>The policy's sub-policies, each a list of steps (timm op name, probability, magnitude).</summary>
    public IReadOnlyList<IReadOnlyList<Step>> SubPolicies => Array.ConvertAll(_policy, sub => (IReadOnlyList<Step>)Array.ConvertAll(sub, s => s.Step));

    /// <inheritdoc />
    public RgbImage Apply(RgbImage image, Random rng)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(rng);
        return ApplySubPolicy(image, rng.Next(_policy.Length), rng);
    }

    /// <summary>Runs sub-policy <paramref name="index"/> (its steps' draws from <paramref name="rng"/>); consumes <paramref name="image"/>.</summary>
    internal RgbImage ApplySubPolicy(RgbImage image, int index, Random rng)
    {
        foreach ((AugmentOpSpec spec, Step step) in _policy[index])
        {
            image = AugmentOpRunner.ApplyTimm(image, spec, step.Probability, step.Magnitude, Options.MagnitudeStd,
                                              Options.MagnitudeMax ?? 10.0, Options.Interpolations, Options.Fill, rng);
        }
        return image;
    }

    /// <summary>One step of a sub-policy: timm's op name (a key of <see cref="AugmentOpTables.Timm"/>), its probability and magnitude (0–10).</summary>
    /// <param name="Op">The op's name in <see cref="AugmentOpTables.Timm"/>.</param>
    /// <param name="Probability">Probability of applying the step.</param>
    /// <param name="Magnitude">Magnitude on timm's 0–10 scale (ignored by ops without an argument).</param>
    public readonly record struct Step(string Op, double Probability, double Magnitude);
}
