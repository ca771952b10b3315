namespace FineTune.Vision.Optim.Schedules;

/// <summary>
/// timm's <c>t_in_epochs=True</c> stepping: the inner schedule counts epochs, and optimizer step <c>s</c> uses its
/// value at epoch <c>⌊s / StepsPerEpoch⌋</c>, so the rate changes once per epoch (timm's <c>scheduler.step(epoch)</c>
/// with <c>step_update</c> doing nothing).
/// </summary>
public sealed class EpochStepped : ILrSchedule
{
    /// <summary>Creates the per-epoch view of <paramref name="inner"/>, whose <c>t</c> is the epoch.</summary>
    public EpochStepped(ILrSchedule inner, long stepsPerEpoch)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepsPerEpoch);
        (Inner, StepsPerEpoch) = (inner, stepsPerEpoch);
    }

    /// <summary>The schedule in epochs.</summary>
    public ILrSchedule Inner { get; }

    /// <summary>Optimizer steps per epoch.</summary>
    public long StepsPerEpoch { get; }

    /// <inheritdoc />
    public double LrAt(long step)
    {
        ScheduleGuard.Step(step);
        return Inner.LrAt(step / StepsPerEpoch);
    }
}
