using FineTune.Vision.Adaptation;
namespace FineTune.Vision.Optim;

/// <summary>
/// What optimizer to build and its hyper-parameters. The learning rate is the base rate the schedule starts from;
/// each parameter group multiplies it by its <see cref="ParameterGroup.LrScale"/>.
/// </summary>
/// <remarks>
/// Weight decay defaults follow PyTorch and timm, not TorchSharp: AdamW and LAMB decay by 0.01 unless told otherwise
/// (TorchSharp's AdamW defaults to 0); SGD, Adam, LARS and Lion default to 0. The factory passes the value explicitly, so
/// TorchSharp's default never applies. The record's other defaults are Adam's and SGD's; the <see cref="Optimizers"/>
/// methods (<see cref="Optimizers.Lamb"/>, <see cref="Optimizers.Lars"/>, <see cref="Optimizers.Lion"/>) start from
/// timm's defaults for their optimizer (e.g. LAMB's ε 1e-6, Lion's β2 0.99).
/// </remarks>
public sealed record OptimizerConfig
{
    /// <summary>The optimizer. <value>Default: <see cref="OptimizerKind.AdamW"/>.</value></summary>
    public OptimizerKind Kind { get; init; } = OptimizerKind.AdamW;

    /// <summary>Base learning rate. <value>Default: 1e-3.</value></summary>
    public double Lr { get; init; } = 1e-3;

    /// <summary>Weight decay of decayed parameters; null means PyTorch's default for <see cref="Kind"/> (AdamW 0.01, else 0).</summary>
    public double? WeightDecay { get; init; }

    /// <summary>SGD and LARS momentum. <value>Default: 0.9.</value></summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>SGD and LARS Nesterov momentum. <value>Default: false.</value></summary>
    public bool Nesterov { get; init; }

    /// <summary>Adam, LAMB and Lion β1. <value>Default: 0.9.</value></summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam, LAMB and Lion β2 (timm's Lion: 0.99). <value>Default: 0.999.</value></summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Adam, LAMB and LARS ε (timm's LAMB: 1e-6). <value>Default: 1e-8.</value></summary>
    public double Eps { get; init; } = 1e-8;

    /// <summary>LAMB <c>bias_correction</c>: divide the moments by 1 - βᵗ. <value>Default: true.</value></summary>
    public bool BiasCorrection { get; init; } = true;

    /// <summary>LAMB <c>grad_averaging</c>: weight the gradient by 1 - β1 in the first moment. <value>Default: true.</value></summary>
    public bool GradAveraging { get; init; } = true;

    /// <summary>LAMB <c>max_grad_norm</c>: gradients are divided by max(1, global norm / this); null disables. <value>Default: 1.0.</value></summary>
    public double? MaxGradNorm { get; init; } = 1.0;

    /// <summary>LAMB and LARS <c>trust_clip</c> (LAMBC/LARC): clip the trust ratio to 1. <value>Default: false.</value></summary>
    public bool TrustClip { get; init; }

    /// <summary>
    /// LAMB and LARS <c>always_adapt</c>: apply the trust ratio to parameters without weight decay too (otherwise, as in
    /// timm, only groups whose weight decay is not 0 are adapted). <value>Default: false.</value>
    /// </summary>
    public bool AlwaysAdapt { get; init; }

    /// <summary>LARS <c>trust_coeff</c>. <value>Default: 0.001.</value></summary>
    public double TrustCoeff { get; init; } = 0.001;

    /// <summary>LARS momentum <c>dampening</c>. <value>Default: 0.</value></summary>
    public double Dampening { get; init; }

    /// <summary>Wraps the optimizer in timm's Lookahead when set. <value>Default: null.</value></summary>
    public LookaheadOptions? Lookahead { get; init; }

    /// <summary>The weight decay in force: <see cref="WeightDecay"/>, or PyTorch's default for the kind.</summary>
    public double EffectiveWeightDecay => WeightDecay ?? (Kind is OptimizerKind.AdamW or OptimizerKind.Lamb ? 0.01 : 0.0);

    internal void Validate()
    {
        List<string> errors = [];
        if (!(Lr > 0) || double.IsInfinity(Lr)) errors.Add($"{nameof(Lr)} must be positive and finite (was {Lr}).");
        if (WeightDecay is double wd && (!(wd >= 0) || double.IsInfinity(wd))) errors.Add($"{nameof(WeightDecay)} must be ≥ 0 and finite (was {WeightDecay}).");
        if (!(Momentum is >= 0 and < 1)) errors.Add($"{nameof(Momentum)} must be in [0, 1) (was {Momentum}).");
        if (Nesterov && Momentum == 0) errors.Add($"{nameof(Nesterov)} needs a non-zero {nameof(Momentum)}.");
        if (!(Beta1 is >= 0 and < 1)) errors.Add($"{nameof(Beta1)} must be in [0, 1) (was {Beta1}).");
        if (!(Beta2 is >= 0 and < 1)) errors.Add($"{nameof(Beta2)} must be in [0, 1) (was {Beta2}).");
        if (!(Eps > 0) || double.IsInfinity(Eps)) errors.Add($"{nameof(Eps)} must be > 0 (was {Eps}).");
        if (!Enum.IsDefined(Kind)) errors.Add($"{nameof(Kind)} {(int)Kind} is not an {nameof(OptimizerKind)}.");
        if (MaxGradNorm is double m && (!(m > 0) || double.IsInfinity(m))) errors.Add($"{nameof(MaxGradNorm)} must be > 0 and finite, or null to disable clipping (was {m}).");
        if (!(TrustCoeff > 0) || double.IsInfinity(TrustCoeff)) errors.Add($"{nameof(TrustCoeff)} must be > 0 and finite (was {TrustCoeff}).");
        if (!(Dampening is >= 0 and <= 1)) errors.Add($"{nameof(Dampening)} must be in [0, 1] (was {Dampening}).");
        if (Kind == OptimizerKind.Lars && Nesterov && Dampening != 0) errors.Add($"LARS {nameof(Nesterov)} momentum needs {nameof(Dampening)} 0 (was {Dampening}).");
        if (Lookahead is { } la)
        {
            if (!(la.Alpha is >= 0 and <= 1)) errors.Add($"{nameof(Lookahead)}.{nameof(LookaheadOptions.Alpha)} must be in [0, 1] (was {la.Alpha}).");
            if (la.K < 1) errors.Add($"{nameof(Lookahead)}.{nameof(LookaheadOptions.K)} must be ≥ 1 (was {la.K}).");
        }
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(OptimizerConfig)}:\n  " + string.Join("\n  ", errors));
    }
}
