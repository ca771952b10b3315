namespace FineTune.Vision.Optim.Schedules;

/// <summary>
/// PyTorch's <c>LinearLR</c>: the multiplier goes linearly from <c>startFactor</c> to <c>endFactor</c> over
/// <c>totalIters</c> steps, then stays at <c>endFactor</c>. <c>LinearLR(lr, 1, 0, n)</c> is a linear decay to zero.
/// </summary>
public sealed class LinearLR : ILrSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="baseLr">Reference rate the factors multiply.</param>
    /// <param name="startFactor">Multiplier at step 0 (PyTorch default 1/3).</param>
    /// <param name="endFactor">Multiplier from step <paramref name="totalIters"/> on (default 1).</param>
    /// <param name="totalIters">Length of the ramp in steps (PyTorch default 5).</param>
    public LinearLR(double baseLr, double startFactor = 1.0 / 3, double endFactor = 1.0, long totalIters = 5)
    {
        ScheduleGuard.NonNegative(baseLr, nameof(LinearLR), nameof(baseLr));
        ScheduleGuard.NonNegative(startFactor, nameof(LinearLR), nameof(startFactor));
        ScheduleGuard.NonNegative(endFactor, nameof(LinearLR), nameof(endFactor));
        ScheduleGuard.Positive(totalIters, nameof(LinearLR), nameof(totalIters));
        (BaseLr, StartFactor, EndFactor, TotalIters) = (baseLr, startFactor, endFactor, totalIters);
    }

    /// <summary>Reference rate the factors multiply.</summary>
    public double BaseLr { get; }

    /// <summary>Multiplier at step 0.</summary>
    public double StartFactor { get; }

    /// <summary>Multiplier from step <see cref="TotalIters"/> on.</summary>
    public double EndFactor { get; }

    /// <summary>Length of the ramp in steps.</summary>
    public long TotalIters { get; }

    /// <inheritdoc />
    public double LrAt(long step)
    {
        ScheduleGuard.Step(step);
        double t = Math.Min(step, TotalIters) / (double)TotalIters;
        return BaseLr * (StartFactor + (EndFactor - StartFactor) * t);
    }
}
