namespace FineTune.Vision.Optim.Schedules;

/// <summary>PyTorch's <c>StepLR</c>: the rate is multiplied by <c>gamma</c> every <c>stepSize</c> steps.</summary>
public sealed class StepLR : ILrSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="baseLr">Rate at step 0.</param>
    /// <param name="stepSize">Steps between decays (PyTorch <c>step_size</c>).</param>
    /// <param name="gamma">Decay factor (default 0.1).</param>
    public StepLR(double baseLr, long stepSize, double gamma = 0.1)
    {
        ScheduleGuard.NonNegative(baseLr, nameof(StepLR), nameof(baseLr));
        ScheduleGuard.Positive(stepSize, nameof(StepLR), nameof(stepSize));
        ScheduleGuard.NonNegative(gamma, nameof(StepLR), nameof(gamma));
        (BaseLr, StepSize, Gamma) = (baseLr, stepSize, gamma);
    }

    /// <summary>Rate at step 0.</summary>
    public double BaseLr { get; }

    /// <summary>Steps between decays.</summary>
    public long StepSize { get; }

    /// <summary>Decay factor.</summary>
    public double Gamma { get; }

    /// <inheritdoc />
    public double LrAt(long step)
    {
        ScheduleGuard.Step(step);
        return BaseLr * Math.Pow(Gamma, step / StepSize);
    }
}
