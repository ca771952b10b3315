namespace FineTune.Vision.Optim.Schedules;

/// <summary>
/// PyTorch's <c>PolynomialLR</c>: <c>baseLr · (1 − min(step, totalIters) / totalIters)^power</c>, so the rate reaches
/// zero at <c>totalIters</c> and stays there.
/// </summary>
public sealed class PolynomialLR : ILrSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="baseLr">Rate at step 0.</param>
    /// <param name="totalIters">Steps until the rate reaches zero (PyTorch default 5).</param>
    /// <param name="power">Exponent (default 1: linear).</param>
    public PolynomialLR(double baseLr, long totalIters = 5, double power = 1.0)
    {
        ScheduleGuard.NonNegative(baseLr, nameof(PolynomialLR), nameof(baseLr));
        ScheduleGuard.Positive(totalIters, nameof(PolynomialLR), nameof(totalIters));
        ScheduleGuard.NonNegative(power, nameof(PolynomialLR), nameof(power));
        (BaseLr, TotalIters, Power) = (baseLr, totalIters, power);
    }

    /// <summary>Rate at step 0.</summary>
    public double BaseLr { get; }

    /// <summary>Steps until the rate reaches zero.</summary>
    public long TotalIters { get; }

    /// <summary>Exponent.</summary>
    public double Power { get; }

    /// <inheritdoc />
    public double LrAt(long step)
    {
        ScheduleGuard.Step(step);
        return BaseLr * Math.Pow(1.0 - Math.Min(step, TotalIters) / (double)TotalIters, Power);
    }
}
