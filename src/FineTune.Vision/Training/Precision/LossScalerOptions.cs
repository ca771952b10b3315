namespace FineTune.Vision.Training.Precision;

/// <summary>Options of <see cref="DynamicLossScaler"/>; the defaults are <c>torch.amp.GradScaler</c>'s.</summary>
public sealed record LossScalerOptions
{
    /// <summary>Starting scale. <value>Default: 2^16.</value></summary>
    public double InitScale { get; init; } = 65536.0;

    /// <summary>Scale multiplier after <see cref="GrowthInterval"/> steps without inf/NaN. <value>Default: 2.</value></summary>
    public double GrowthFactor { get; init; } = 2.0;

    /// <summary>Scale multiplier when inf/NaN gradients are found. <value>Default: 0.5.</value></summary>
    public double BackoffFactor { get; init; } = 0.5;

    /// <summary>Consecutive good steps before the scale grows. <value>Default: 2000.</value></summary>
    public int GrowthInterval { get; init; } = 2000;

    internal void Validate()
    {
        List<string> errors = [];
        if (!(InitScale > 0) || double.IsInfinity(InitScale)) errors.Add($"{nameof(InitScale)} must be positive and finite (was {InitScale}).");
        if (!(GrowthFactor > 1)) errors.Add($"{nameof(GrowthFactor)} must be > 1 (was {GrowthFactor}).");
        if (!(BackoffFactor is > 0 and < 1)) errors.Add($"{nameof(BackoffFactor)} must be in (0, 1) (was {BackoffFactor}).");
        if (GrowthInterval <= 0) errors.Add($"{nameof(GrowthInterval)} must be ≥ 1 (was {GrowthInterval}).");
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(LossScalerOptions)}:\n  " + string.Join("\n  ", errors));
    }
}
