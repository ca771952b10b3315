using FineTune.Vision.Adaptation;
namespace FineTune.Vision.Optim;

/// <summary>
/// What optimizer to build and its hyper-parameters. The learning rate is the base rate the schedule starts from;
/// each parameter group multiplies it by its <see cref="ParameterGroup.LrScale"/>.
/// </summary>
/// <remarks>
/// Weight decay defaults follow PyTorch, not TorchSharp: AdamW decays by 0.01 unless told otherwise (TorchSharp's
/// AdamW defaults to 0); SGD and Adam default to 0. The factory passes the value explicitly, so TorchSharp's default
/// never applies.
/// </remarks>
public sealed record OptimizerConfig
{
    /// <summary>The optimizer. <value>Default: <see cref="OptimizerKind.AdamW"/>.</value></summary>
    public OptimizerKind Kind { get; init; } = OptimizerKind.AdamW;

    /// <summary>Base learning rate. <value>Default: 1e-3.</value></summary>
    public double Lr { get; init; } = 1e-3;

    /// <summary>Weight decay of decayed parameters; null means PyTorch's default for <see cref="Kind"/> (AdamW 0.01, else 0).</summary>
    public double? WeightDecay { get; init; }

    /// <summary>SGD momentum. <value>Default: 0.9.</value></summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>SGD Nesterov momentum. <value>Default: false.</value></summary>
    public bool Nesterov { get; init; }

    /// <summary>Adam β1. <value>Default: 0.9.</value></summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam β2. <value>Default: 0.999.</value></summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Adam ε. <value>Default: 1e-8.</value></summary>
    public double Eps { get; init; } = 1e-8;

    /// <summary>The weight decay in force: <see cref="WeightDecay"/>, or PyTorch's default for the kind.</summary>
    public double EffectiveWeightDecay => WeightDecay ?? (Kind == OptimizerKind.AdamW ? 0.01 : 0.0);

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
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(OptimizerConfig)}:\n  " + string.Join("\n  ", errors));
    }
}
