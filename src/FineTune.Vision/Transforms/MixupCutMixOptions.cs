namespace FineTune.Vision.Transforms;

/// <summary>
/// Settings of <see cref="MixupCutMix"/>, named after timm's <c>Mixup</c> arguments. Defaults are timm's, except
/// <see cref="NumClasses"/>, which has none and must be set.
/// </summary>
public sealed record MixupCutMixOptions
{
    /// <summary>Beta(α, α) parameter of mixup; mixup is active when &gt; 0 (timm <c>mixup_alpha</c>).</summary>
    /// <value>Default: 1.0.</value>
    public double MixupAlpha { get; init; } = 1.0;

    /// <summary>Beta(α, α) parameter of CutMix; CutMix is active when &gt; 0 (timm <c>cutmix_alpha</c>).</summary>
    /// <value>Default: 0 (off).</value>
    public double CutMixAlpha { get; init; }

    /// <summary>
    /// When set, CutMix boxes take a side fraction drawn uniformly from [Min, Max) of each image side instead of
    /// following λ, CutMix is active with α forced to 1, and λ is always corrected (timm <c>cutmix_minmax</c>).
    /// </summary>
    /// <value>Default: <c>null</c>.</value>
    public (double Min, double Max)? CutMixMinMax { get; init; }

    /// <summary>Probability of mixing a batch, pair or element at all (timm <c>prob</c>).</summary>
    /// <value>Default: 1.0.</value>
    public double Probability { get; init; } = 1.0;

    /// <summary>Probability of CutMix rather than mixup when both are active (timm <c>switch_prob</c>).</summary>
    /// <value>Default: 0.5.</value>
    public double SwitchProbability { get; init; } = 0.5;

    /// <summary>Whether draws are shared by the batch, a pair or drawn per element (timm <c>mode</c>).</summary>
    /// <value>Default: <see cref="MixMode.Batch"/>.</value>
    public MixMode Mode { get; init; } = MixMode.Batch;

    /// <summary>Recompute λ from the CutMix box's area after clipping at the image border (timm <c>correct_lam</c>).</summary>
    /// <value>Default: <c>true</c>.</value>
    public bool CorrectLambda { get; init; } = true;

    /// <summary>
    /// Label smoothing ε folded into the targets: ε/K off the true class, 1 − ε + ε/K on it (timm <c>label_smoothing</c>).
    /// </summary>
    /// <value>Default: 0.1.</value>
    public double LabelSmoothing { get; init; } = 0.1;

    /// <summary>Number of classes K of the targets (timm <c>num_classes</c>); required.</summary>
    public int NumClasses { get; init; }

    /// <summary>Checks every setting and throws one exception that lists all the problems.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        List<string> errors = [];
        if (NumClasses <= 0) errors.Add($"{nameof(NumClasses)} must be set to the number of classes (was {NumClasses}).");
        if (!(MixupAlpha >= 0)) errors.Add($"{nameof(MixupAlpha)} must be >= 0 (was {MixupAlpha}).");
        if (!(CutMixAlpha >= 0)) errors.Add($"{nameof(CutMixAlpha)} must be >= 0 (was {CutMixAlpha}).");
        if (MixupAlpha == 0 && CutMixAlpha == 0 && CutMixMinMax is null)
            errors.Add($"Nothing to do: set {nameof(MixupAlpha)} > 0, {nameof(CutMixAlpha)} > 0 or {nameof(CutMixMinMax)}.");
        if (CutMixMinMax is (double min, double max) && !(min >= 0 && min < max && max <= 1))
            errors.Add($"{nameof(CutMixMinMax)} needs 0 <= Min < Max <= 1 (was ({min}, {max})).");
        if (!(Probability is >= 0 and <= 1)) errors.Add($"{nameof(Probability)} must be in [0, 1] (was {Probability}).");
        if (!(SwitchProbability is >= 0 and <= 1)) errors.Add($"{nameof(SwitchProbability)} must be in [0, 1] (was {SwitchProbability}).");
        if (!(LabelSmoothing is >= 0 and < 1)) errors.Add($"{nameof(LabelSmoothing)} must be in [0, 1) (was {LabelSmoothing}).");
        if (!Enum.IsDefined(Mode)) errors.Add($"{nameof(Mode)} {(int)Mode} is not a {nameof(MixMode)}.");
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(MixupCutMixOptions)}:\n  " + string.Join("\n  ", errors));
    }
}
