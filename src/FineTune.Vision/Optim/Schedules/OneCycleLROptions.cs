namespace FineTune.Vision.Optim.Schedules;

/// <summary>Options of <see cref="OneCycleLR"/>, with PyTorch's defaults and argument meanings.</summary>
public sealed record OneCycleLROptions
{
    /// <summary>Peak rate (PyTorch <c>max_lr</c>).</summary>
    public required double MaxLr { get; init; }

    /// <summary>Length of the whole cycle in optimizer steps (PyTorch <c>total_steps</c>).</summary>
    public required long TotalSteps { get; init; }

    /// <summary>Fraction of the cycle spent rising (PyTorch <c>pct_start</c>). <value>Default: 0.3.</value></summary>
    public double PctStart { get; init; } = 0.3;

    /// <summary>Interpolation between phase end points. <value>Default: <see cref="AnnealStrategy.Cos"/>.</value></summary>
    public AnnealStrategy AnnealStrategy { get; init; } = AnnealStrategy.Cos;

    /// <summary>Initial rate = <see cref="MaxLr"/> / this. <value>Default: 25.</value></summary>
    public double DivFactor { get; init; } = 25;

    /// <summary>Final rate = initial rate / this. <value>Default: 1e4.</value></summary>
    public double FinalDivFactor { get; init; } = 1e4;

    /// <summary>Whether to use fastai's three phases (up, back down to initial, then to the final rate). <value>Default: false.</value></summary>
    public bool ThreePhase { get; init; }

    /// <summary>Whether momentum cycles inversely to the rate. <value>Default: true.</value></summary>
    public bool CycleMomentum { get; init; } = true;

    /// <summary>Momentum at the rate's peak. <value>Default: 0.85.</value></summary>
    public double BaseMomentum { get; init; } = 0.85;

    /// <summary>Momentum at the start and end. <value>Default: 0.95.</value></summary>
    public double MaxMomentum { get; init; } = 0.95;

    internal void Validate()
    {
        List<string> errors = [];
        if (!(MaxLr >= 0)) errors.Add($"{nameof(MaxLr)} must be ≥ 0 (was {MaxLr}).");
        if (TotalSteps <= 1) errors.Add($"{nameof(TotalSteps)} must be ≥ 2 (was {TotalSteps}).");
        if (!(PctStart is > 0 and < 1)) errors.Add($"{nameof(PctStart)} must be in (0, 1) (was {PctStart}).");
        if (!(DivFactor > 0)) errors.Add($"{nameof(DivFactor)} must be > 0 (was {DivFactor}).");
        if (!(FinalDivFactor > 0)) errors.Add($"{nameof(FinalDivFactor)} must be > 0 (was {FinalDivFactor}).");
        if (!(BaseMomentum is >= 0 and < 1)) errors.Add($"{nameof(BaseMomentum)} must be in [0, 1) (was {BaseMomentum}).");
        if (!(MaxMomentum is >= 0 and < 1)) errors.Add($"{nameof(MaxMomentum)} must be in [0, 1) (was {MaxMomentum}).");
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(OneCycleLROptions)}:\n  " + string.Join("\n  ", errors));
    }
}
