namespace FineTune.Vision.Optim.Schedules;

/// <summary>PyTorch's <c>MultiStepLR</c>: the rate is multiplied by <c>gamma</c> at each milestone step.</summary>
public sealed class MultiStepLR : ILrSchedule
{
    private readonly long[] _milestones;

    /// <summary>Creates the schedule.</summary>
    /// <param name="baseLr">Rate at step 0.</param>
    /// <param name="milestones">Steps at which the rate decays (any order; repeats decay twice, as in PyTorch).</param>
    /// <param name="gamma">Decay factor (default 0.1).</param>
    public MultiStepLR(double baseLr, IEnumerable<long> milestones, double gamma = 0.1)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        ScheduleGuard.NonNegative(baseLr, nameof(MultiStepLR), nameof(baseLr));
        ScheduleGuard.NonNegative(gamma, nameof(MultiStepLR), nameof(gamma));
        _milestones = milestones.Order().ToArray();
        (BaseLr, Gamma) = (baseLr, gamma);
    }

    /// <summary>Rate at step 0.</summary>
    public double BaseLr { get; }

    /// <summary>Decay factor.</summary>
    public double Gamma { get; }

    /// <summary>The milestones, sorted.</summary>
    public IReadOnlyList<long> Milestones => _milestones;

    /// <inheritdoc />
    public double LrAt(long step)
    {
        ScheduleGuard.Step(step);
        int passed = _milestones.Count(m => m <= step);
        return BaseLr * Math.Pow(Gamma, passed);
    }
}
