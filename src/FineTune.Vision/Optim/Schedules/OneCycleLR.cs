namespace FineTune.Vision.Optim.Schedules;

/// <summary>
/// PyTorch's <c>OneCycleLR</c> (Smith and Topin, "Super-Convergence", 2018): from <c>MaxLr/DivFactor</c> up to
/// <c>MaxLr</c> over <c>PctStart</c> of the steps, then down to <c>MaxLr/DivFactor/FinalDivFactor</c>, with momentum
/// moving the opposite way. Steps at or past <c>TotalSteps</c> throw, as in PyTorch.
/// </summary>
public sealed class OneCycleLR : ILrSchedule, IMomentumSchedule
{
    private readonly record struct Phase(double EndStep, double StartLr, double EndLr, double StartMomentum, double EndMomentum);

    private readonly Phase[] _phases;

    /// <summary>Creates the schedule from its options (validated here).</summary>
    public OneCycleLR(OneCycleLROptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        double initial = options.MaxLr / options.DivFactor, min = initial / options.FinalDivFactor;
        double up = options.PctStart * options.TotalSteps - 1, last = options.TotalSteps - 1;
        (double lo, double hi) = (options.BaseMomentum, options.MaxMomentum);
        _phases = options.ThreePhase
            ? [new(up, initial, options.MaxLr, hi, lo), new(2 * options.PctStart * options.TotalSteps - 2, options.MaxLr, initial, lo, hi), new(last, initial, min, hi, hi)]
            : [new(up, initial, options.MaxLr, hi, lo), new(last, options.MaxLr, min, lo, hi)];
    }

    /// <summary>The options the schedule was made with.</summary>
    public OneCycleLROptions Options { get; }

    /// <inheritdoc />
    public bool CyclesMomentum => Options.CycleMomentum;

    /// <inheritdoc />
    public double LrAt(long step)
    {
        (Phase phase, double pct) = Locate(step);
        return Anneal(phase.StartLr, phase.EndLr, pct);
    }

    /// <inheritdoc />
    public double MomentumAt(long step)
    {
        (Phase phase, double pct) = Locate(step);
        return Anneal(phase.StartMomentum, phase.EndMomentum, pct);
    }

    private (Phase Phase, double Pct) Locate(long step)
    {
        ScheduleGuard.Step(step);
        if (step >= Options.TotalSteps)
            throw new ArgumentOutOfRangeException(nameof(step), step,
                $"OneCycleLR was configured for {Options.TotalSteps} steps; step {step} is past its end. Raise TotalSteps.");
        double start = 0;
        for (int i = 0; i < _phases.Length; i++)
        {
            Phase p = _phases[i];
            if (step <= p.EndStep || i == _phases.Length - 1) return (p, (step - start) / (p.EndStep - start));
            start = p.EndStep;
        }
        throw new InvalidOperationException("unreachable");
    }

    private double Anneal(double start, double end, double pct) => Options.AnnealStrategy == AnnealStrategy.Cos
        ? end + (start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1)
        : (end - start) * pct + start;
}
