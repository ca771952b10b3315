namespace FineTune.Vision.Optim.Schedules;

/// <summary>
/// PyTorch's <c>SequentialLR</c>: schedules played one after another, each on its own clock. Schedule <c>i</c> starts
/// at milestone <c>i − 1</c> (step 0 for the first) and sees its first step as step 0; the last one runs to the end.
/// fastai's <c>fine_tune</c> is two one-cycles in a row: <c>new SequentialLR([frozen, unfrozen], [frozenSteps])</c>.
/// </summary>
public sealed class SequentialLR : ILrSchedule, IMomentumSchedule
{
    private readonly ILrSchedule[] _schedules;
    private readonly long[] _milestones;

    /// <summary>Creates the sequence.</summary>
    /// <param name="schedules">The schedules, in order (at least one).</param>
    /// <param name="milestones">The steps at which the next schedule takes over: one fewer than the schedules, strictly increasing, ≥ 1.</param>
    /// <exception cref="ArgumentException">The counts do not fit, or the milestones are not strictly increasing from 1.</exception>
    public SequentialLR(IReadOnlyList<ILrSchedule> schedules, IReadOnlyList<long> milestones)
    {
        ArgumentNullException.ThrowIfNull(schedules);
        ArgumentNullException.ThrowIfNull(milestones);
        if (schedules.Count == 0 || schedules.Any(s => s is null))
            throw new ArgumentException("SequentialLR needs at least one schedule and no null entries.", nameof(schedules));
        if (milestones.Count != schedules.Count - 1)
            throw new ArgumentException($"SequentialLR: {schedules.Count} schedules need {schedules.Count - 1} milestones (got {milestones.Count}).", nameof(milestones));
        for (int i = 0; i < milestones.Count; i++)
        {
            if (milestones[i] < 1 || (i > 0 && milestones[i] <= milestones[i - 1]))
                throw new ArgumentException($"SequentialLR: milestones must be ≥ 1 and strictly increasing; got [{string.Join(", ", milestones)}].", nameof(milestones));
        }
        (_schedules, _milestones) = ([.. schedules], [.. milestones]);
    }

    /// <summary>The schedules, in order.</summary>
    public IReadOnlyList<ILrSchedule> Schedules => _schedules;

    /// <summary>The steps at which each schedule after the first starts.</summary>
    public IReadOnlyList<long> Milestones => _milestones;

    /// <summary>Whether every schedule cycles momentum (then the momentum follows the schedule in force).</summary>
    public bool CyclesMomentum => _schedules.All(s => s is IMomentumSchedule { CyclesMomentum: true });

    /// <inheritdoc />
    public double LrAt(long step)
    {
        var (schedule, local) = Locate(step);
        return schedule.LrAt(local);
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The schedule in force does not cycle momentum.</exception>
    public double MomentumAt(long step)
    {
        var (schedule, local) = Locate(step);
        return schedule is IMomentumSchedule { CyclesMomentum: true } m ? m.MomentumAt(local)
            : throw new InvalidOperationException($"{schedule.GetType().Name} (in force at step {step}) does not cycle momentum.");
    }

    private (ILrSchedule Schedule, long Local) Locate(long step)
    {
        ScheduleGuard.Step(step);
        int i = 0;
        while (i < _milestones.Length && step >= _milestones[i]) i++;
        return (_schedules[i], i == 0 ? step : step - _milestones[i - 1]);
    }
}
