namespace FineTune.Vision.Optim.Schedules;

/// <summary>
/// Options of <see cref="ScheduleNoise"/>; the names transliterate timm's scheduler arguments
/// (<c>noise_range_t</c>, <c>noise_pct</c>, <c>noise_std</c>, <c>noise_seed</c>).
/// </summary>
public sealed record ScheduleNoiseOptions
{
    /// <summary>First <c>t</c> with noise (timm <c>noise_range_t</c>, or its first element).</summary>
    public required long RangeStart { get; init; }

    /// <summary>First <c>t</c> without noise again (the second element of timm's <c>noise_range_t</c>); <see langword="null"/>: noise to the end. <value>Default: null.</value></summary>
    public long? RangeEnd { get; init; }

    /// <summary>Bound on the relative noise: draws with <c>|n| ≥ Pct</c> are redrawn (timm <c>noise_pct</c>). <value>Default: 0.67.</value></summary>
    public double Pct { get; init; } = 0.67;

    /// <summary>
    /// timm's <c>noise_std</c>. timm v1.0 stores it but draws standard normal noise regardless; kept for ports, with the
    /// same (absent) effect. <value>Default: 1.</value>
    /// </summary>
    public double Std { get; init; } = 1.0;

    /// <summary>Base seed: the noise at <c>t</c> comes from a generator seeded with <c>Seed + t</c> (timm <c>noise_seed</c>). <value>Default: 42.</value></summary>
    public long Seed { get; init; } = 42;

    internal void Validate()
    {
        List<string> errors = [];
        if (RangeStart < 0) errors.Add($"{nameof(RangeStart)} must be ≥ 0 (was {RangeStart}).");
        if (RangeEnd is long end && end <= RangeStart) errors.Add($"{nameof(RangeEnd)} must be > {nameof(RangeStart)} (was {end} ≤ {RangeStart}).");
        if (!(Pct > 0)) errors.Add($"{nameof(Pct)} must be > 0 (was {Pct}).");
        if (!(Std > 0)) errors.Add($"{nameof(Std)} must be > 0 (was {Std}).");
        if (errors.Count > 0)
            throw new ArgumentException($"Invalid {nameof(ScheduleNoiseOptions)}:\n  " + string.Join("\n  ", errors));
    }
}
