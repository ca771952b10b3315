namespace FineTune.Vision.Optim.Schedules;

/// <summary>Options of <see cref="CyclicLR"/>, with PyTorch's defaults and argument meanings.</summary>
public sealed record CyclicLROptions
{
    /// <summary>Lower bound of the cycle (PyTorch <c>base_lr</c>).</summary>
    public required double BaseLr { get; init; }

    /// <summary>Upper bound of the cycle (PyTorch <c>max_lr</c>).</summary>
    public required double MaxLr { get; init; }

    /// <summary>Steps in the rising half (PyTorch <c>step_size_up</c>). <value>Default: 2000.</value></summary>
    public long StepSizeUp { get; init; } = 2000;

    /// <summary>Steps in the falling half; null means <see cref="StepSizeUp"/>. <value>Default: null.</value></summary>
    public long? StepSizeDown { get; init; }

    /// <summary>Amplitude policy. <value>Default: <see cref="CyclicMode.Triangular"/>.</value></summary>
    public CyclicMode Mode { get; init; } = CyclicMode.Triangular;

    /// <summary>Base of the <see cref="CyclicMode.ExpRange"/> scaling. <value>Default: 1.</value></summary>
    public double Gamma { get; init; } = 1.0;

    /// <summary>Whether momentum cycles inversely to the rate. <value>Default: true.</value></summary>
    public bool CycleMomentum { get; init; } = true;

    /// <summary>Momentum at the rate's peak. <value>Default: 0.8.</value></summary>
    public double BaseMomentum { get; init; } = 0.8;

    /// <summary>Momentum at the rate's trough. <value>Default: 0.9.</value></summary>
    public double MaxMomentum { get; init; } = 0.9;

    internal void Validate()
    {
        List<string> errors = [];
        if (!(BaseLr >= 0)) errors.Add($"{nameof(BaseLr)} must be ≥ 0 (was {BaseLr}).");
        if (!(MaxLr >= BaseLr)) errors.Add($"{nameof(MaxLr)} must be ≥ {nameof(BaseLr)} (was {MaxLr} < {BaseLr}).");
        if (StepSizeUp <= 0) errors.Add($"{nameof(StepSizeUp)} must be ≥ 1 (was {StepSizeUp}).");
        if (StepSizeDown is <= 0) errors.Add($"{nameof(StepSizeDown)} must be ≥ 1 or null (was {StepSizeDown}).");
        if (!(Gamma > 0)) errors.Add($"{nameof(Gamma)} must be > 0 (was {Gamma}).");
        if (!(BaseMomentum is >= 0 and < 1)) errors.Add($"{nameof(BaseMomentum)} must be in [0, 1) (was {BaseMomentum}).");
        if (!(MaxMomentum is >= 0 and < 1)) errors.Add($"{nameof(MaxMomentum)} must be in [0, 1) (was {MaxMomentum}).");
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(CyclicLROptions)}:\n  " + string.Join("\n  ", errors));
    }
}
