using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// AutoAugment ("AutoAugment: Learning Augmentation Strategies from Data", Cubuk et al., 2018) as torchvision's v2
/// <c>AutoAugment</c>: per image, one of the policy's 25 sub-policies is drawn uniformly; each of its two steps
/// applies with its probability, at its magnitude bin of 10 over <see cref="AugmentOpTables.TorchvisionAutoAugment"/>,
/// signed ops negated with probability ½.
/// </summary>
public sealed partial class AutoAugment : ITransform
{
    private readonly SubPolicy[] _policy;
    private readonly Dictionary<string, AugmentOpSpec> _space;

    /// <summary>Creates the transform; the options are validated here.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public AutoAugment(AutoAugmentOptions? options = null)
    {
        options ??= new AutoAugmentOptions();
        options.Validate();
        Options = options;
        _policy = Policies(options.Policy);
        _space = AugmentOpTables.TorchvisionAutoAugment.ToDictionary(s => s.Name, StringComparer.Ordinal);
    }

    /// <summary>The settings.</summary>
    public AutoAugmentOptions Options { get; }

    /// <summary>The policy's sub-policies: two (op name, probability, magnitude bin or <c>null</c>) steps each.</summary>
    public IReadOnlyList<(Step First, Step Second)> SubPolicies => Array.ConvertAll(_policy, p => (p.First, p.Second));

    /// <inheritdoc />
    public RgbImage Apply(RgbImage image, Random rng)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(rng);
        SubPolicy sub = _policy[rng.Next(_policy.Length)];
        foreach (Step step in (ReadOnlySpan<Step>)[sub.First, sub.Second])
        {
            if (!(rng.NextDouble() <= step.Probability)) continue;
            image = AugmentOpRunner.ApplyAtBin(image, _space[step.Op], step.Magnitude ?? 0, MagnitudeBins, rng, Options.Interpolation, Options.Fill);
        }
        return image;
    }

    /// <summary>One step of a sub-policy: torchvision's op name, its probability and its magnitude bin (of 10).</summary>
    /// <param name="Op">The op's name in <see cref="AugmentOpTables.TorchvisionAutoAugment"/>.</param>
    /// <param name="Probability">Probability of applying the step.</param>
    /// <param name="Magnitude">Magnitude bin in [0, 10), or <c>null</c> for ops without magnitude.</param>
    public readonly record struct Step(string Op, double Probability, int? Magnitude);

    private readonly record struct SubPolicy(Step First, Step Second);
}
