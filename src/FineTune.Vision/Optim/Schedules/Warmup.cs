namespace FineTune.Vision.Optim.Schedules;

/// <summary>
/// A linear warm-up in front of any schedule: from <c>startLr</c> to the inner schedule's peak over
/// <c>warmupSteps</c> steps. With <c>prefix: true</c> (the Hugging Face and timm <c>warmup_prefix</c> behaviour) the inner
/// schedule starts after the warm-up (its step 0 is step <c>warmupSteps</c> here); with <c>prefix: false</c> (timm's
/// default) the inner schedule keeps its own clock and the warm-up replaces its first steps.
/// </summary>
public sealed class Warmup : ILrSchedule, IMomentumSchedule
{
    /// <summary>Creates the warm-up.</summary>
    /// <param name="inner">The schedule after the warm-up.</param>
    /// <param name="warmupSteps">Steps of warm-up (0 means none).</param>
    /// <param name="startLr">Rate at step 0 (timm <c>warmup_lr_init</c>). Default 0.</param>
    /// <param name="prefix">Whether the inner schedule starts after the warm-up. Default true.</param>
    public Warmup(ILrSchedule inner, long warmupSteps, double startLr = 0, bool prefix = true)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        ScheduleGuard.NonNegative(startLr, nameof(Warmup), nameof(startLr));
        (Inner, WarmupSteps, StartLr, Prefix) = (inner, warmupSteps, startLr, prefix);
    }

    /// <summary>The schedule after the warm-up.</summary>
    public ILrSchedule Inner { get; }

    /// <summary>Steps of warm-up.</summary>
    public long WarmupSteps { get; }

    /// <summary>Rate at step 0.</summary>
    public double StartLr { get; }

    /// <summary>Whether the inner schedule starts after the warm-up.</summary>
    public bool Prefix { get; }

    /// <inheritdoc />
    public bool CyclesMomentum => Inner is IMomentumSchedule { CyclesMomentum: true };

    /// <inheritdoc />
    public double LrAt(long step)
    {
        ScheduleGuard.Step(step);
        if (step < WarmupSteps) return StartLr + step * (Inner.LrAt(0) - StartLr) / WarmupSteps;
        return Inner.LrAt(Prefix ? step - WarmupSteps : step);
    }

    /// <inheritdoc />
    public double MomentumAt(long step)
    {
        var momentum = Inner as IMomentumSchedule ?? throw new InvalidOperationException($"{Inner.GetType().Name} does not cycle momentum.");
        return momentum.MomentumAt(Prefix ? Math.Max(0, step - WarmupSteps) : step);
    }
}
