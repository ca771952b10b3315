using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// Settings of timm's RandAugment (<c>timm.data.auto_augment.rand_augment_transform</c>), with timm's defaults. The
/// config string form (<c>rand-m9-mstd0.5-inc1</c>) is read by <see cref="Parse"/>.
/// </summary>
public sealed partial record RandAugmentOptions
{
    /// <summary>Ops applied per image, chosen with replacement (timm <c>n</c>).</summary>
    /// <value>Default: 2.</value>
    public int NumOps { get; init; } = 2;

    /// <summary>Magnitude on timm's 0–10 scale (timm <c>m</c>).</summary>
    /// <value>Default: 10.</value>
    public double Magnitude { get; init; } = 10;

    /// <summary>
    /// Standard deviation of Gaussian noise added to the magnitude per op application (timm <c>mstd</c>);
    /// <see cref="double.PositiveInfinity"/> draws the magnitude uniformly from [0, <see cref="Magnitude"/>].
    /// </summary>
    /// <value>Default: 0 (no noise).</value>
    public double MagnitudeStd { get; init; }

    /// <summary>Upper clamp of the (noisy) magnitude (timm <c>mmax</c>); <c>null</c> means 10.</summary>
    /// <value>Default: <c>null</c>.</value>
    public double? MagnitudeMax { get; init; }

    /// <summary>Probability of applying each chosen op (timm <c>p</c>).</summary>
    /// <value>Default: 0.5.</value>
    public double Probability { get; init; } = 0.5;

    /// <summary>Use the "increasing" op set, whose strength grows with magnitude (timm <c>inc1</c>).</summary>
    /// <value>Default: <c>false</c>.</value>
    public bool Increasing { get; init; }

    /// <summary>Choose ops by timm's experimental weights, without replacement (timm <c>tweights</c>).</summary>
    /// <value>Default: <c>false</c>.</value>
    public bool Weighted { get; init; }

    /// <summary>Maximum relative translation of TranslateXRel/TranslateYRel (timm hparam <c>translate_pct</c>).</summary>
    /// <value>Default: 0.45.</value>
    public double TranslatePct { get; init; } = 0.45;

    /// <summary>
    /// Colour of pixels that rotate, shear and translate bring in (timm hparam <c>img_mean</c>; timm's training
    /// factory passes the dataset mean, e.g. (124, 116, 104) for ImageNet).
    /// </summary>
    /// <value>Default: (128, 128, 128), timm's <c>_FILL</c>.</value>
    public RgbColor Fill { get; init; } = RgbColor.Gray(128);

    /// <summary>
    /// Filters for the geometric ops (rotate, shear, translate), one picked uniformly at random each time such an op
    /// is applied (timm's <c>_RANDOM_INTERPOLATION</c>, used when training with timm's default
    /// <c>--train-interpolation random</c>). A single filter (timm hparam <c>interpolation</c>) draws no random number.
    /// </summary>
    /// <value>Default: [<see cref="Interpolation.Bilinear"/>, <see cref="Interpolation.Bicubic"/>], as timm.</value>
    public IReadOnlyList<Interpolation> Interpolations { get; init; } = [Interpolation.Bilinear, Interpolation.Bicubic];

    /// <summary>Checks every setting and throws one exception that lists all the problems.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        List<string> errors = [];
        if (NumOps < 0) errors.Add($"{nameof(NumOps)} must be >= 0 (was {NumOps}).");
        if (!(Magnitude >= 0)) errors.Add($"{nameof(Magnitude)} must be >= 0 (was {Magnitude}).");
        if (!(MagnitudeStd >= 0)) errors.Add($"{nameof(MagnitudeStd)} must be >= 0 or +infinity (was {MagnitudeStd}).");
        if (MagnitudeMax is double max && !(max > 0)) errors.Add($"{nameof(MagnitudeMax)} must be > 0 (was {max}).");
        if (!(Probability is >= 0 and <= 1)) errors.Add($"{nameof(Probability)} must be in [0, 1] (was {Probability}).");
        if (!(TranslatePct >= 0)) errors.Add($"{nameof(TranslatePct)} must be >= 0 (was {TranslatePct}).");
        if (Weighted && NumOps > AugmentOpTables.TimmRandAugmentWeighted.Count)
            errors.Add($"{nameof(NumOps)} {NumOps} exceeds the {AugmentOpTables.TimmRandAugmentWeighted.Count} weighted ops drawn without replacement.");
        if (Interpolations is null || Interpolations.Count == 0) errors.Add($"{nameof(Interpolations)} must hold at least one filter.");
        else errors.AddRange(Interpolations.Select(i => AugmentOpRunner.CheckInterpolation(i, nameof(Interpolations))).OfType<string>().Distinct());
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(RandAugmentOptions)}:\n  " + string.Join("\n  ", errors));
    }
}
