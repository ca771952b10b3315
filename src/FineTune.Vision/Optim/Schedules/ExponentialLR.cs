namespace FineTune.Vision.Optim.Schedules;

/// <summary>PyTorch's <c>ExponentialLR</c>: the rate is multiplied by <c>gamma</c> every step.</summary>
public sealed class ExponentialLR(double baseLr, double gamma) : ILrSchedule
{
    /// <summary>Rate at step 0.</summary>
    public double BaseLr { get; } = baseLr >= 0 ? baseLr : throw new ArgumentOutOfRangeException(nameof(baseLr), baseLr, "ExponentialLR: baseLr must be ≥ 0.");

    /// <summary>Decay factor per step.</summary>
    public double Gamma { get; } = gamma >= 0 ? gamma : throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "ExponentialLR: gamma must be ≥ 0.");

    /// <inheritdoc />
    public double LrAt(long step)
    {
        ScheduleGuard.Step(step);
        return BaseLr * Math.Pow(Gamma, step);
    }
}
