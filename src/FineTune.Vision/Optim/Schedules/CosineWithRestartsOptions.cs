namespace FineTune.Vision.Optim.Schedules;

/// <summary>Options of <see cref="CosineWithRestarts"/>; the names transliterate timm's <c>CosineLRScheduler</c> arguments.</summary>
public sealed record CosineWithRestartsOptions
{
    /// <summary>Peak rate of the first cycle.</summary>
    public required double BaseLr { get; init; }

    /// <summary>Steps in the first cycle (timm <c>t_initial</c>).</summary>
    public required long TInitial { get; init; }

    /// <summary>Floor (timm <c>lr_min</c>). <value>Default: 0.</value></summary>
    public double LrMin { get; init; }

    /// <summary>Cycle length multiplier (timm <c>cycle_mul</c>, fastai <c>cycle_mult</c>). <value>Default: 1.</value></summary>
    public double CycleMul { get; init; } = 1;

    /// <summary>Peak multiplier per restart (timm <c>cycle_decay</c>). <value>Default: 1.</value></summary>
    public double CycleDecay { get; init; } = 1;

    /// <summary>Number of cycles before the rate stays at <see cref="LrMin"/> (timm <c>cycle_limit</c>). <value>Default: 1.</value></summary>
    public long CycleLimit { get; init; } = 1;

    /// <summary>Exponent on the cycle position (timm <c>k_decay</c>). <value>Default: 1.</value></summary>
    public double KDecay { get; init; } = 1;

    internal void Validate()
    {
        List<string> errors = [];
        if (!(BaseLr >= 0)) errors.Add($"{nameof(BaseLr)} must be ≥ 0 (was {BaseLr}).");
        if (TInitial <= 0) errors.Add($"{nameof(TInitial)} must be ≥ 1 step (was {TInitial}).");
        if (!(LrMin >= 0)) errors.Add($"{nameof(LrMin)} must be ≥ 0 (was {LrMin}).");
        if (!(CycleMul > 0)) errors.Add($"{nameof(CycleMul)} must be > 0 (was {CycleMul}).");
        if (!(CycleDecay > 0)) errors.Add($"{nameof(CycleDecay)} must be > 0 (was {CycleDecay}).");
        if (CycleLimit <= 0) errors.Add($"{nameof(CycleLimit)} must be ≥ 1 (was {CycleLimit}).");
        if (!(KDecay > 0)) errors.Add($"{nameof(KDecay)} must be > 0 (was {KDecay}).");
        if (errors.Count > 0)
            throw new ArgumentException($"Invalid {nameof(CosineWithRestartsOptions)}:\n  " + string.Join("\n  ", errors));
    }
}
