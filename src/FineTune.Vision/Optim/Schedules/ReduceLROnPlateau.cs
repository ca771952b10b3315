namespace FineTune.Vision.Optim.Schedules;

/// <summary>
/// PyTorch's <c>ReduceLROnPlateau</c>: multiplies the rate by <c>Factor</c> when the reported metric has not improved
/// for more than <c>Patience</c> reports (usually epochs), then waits <c>Cooldown</c> reports. Unlike the other
/// schedules it has state, driven by <see cref="Report"/>; <see cref="LrAt"/> returns the current rate.
/// </summary>
public sealed class ReduceLROnPlateau : ILrSchedule
{
    private int _badReports, _cooldownLeft;

    /// <summary>Creates the schedule. Defaults are PyTorch's.</summary>
    /// <param name="baseLr">Starting rate.</param>
    /// <param name="mode">Whether lower or higher metric values are better.</param>
    /// <param name="factor">Multiplier on a plateau (must be &lt; 1).</param>
    /// <param name="patience">Reports without improvement tolerated before reducing.</param>
    /// <param name="threshold">Minimum change that counts as an improvement.</param>
    /// <param name="relativeThreshold">Whether <paramref name="threshold"/> is relative (PyTorch 'rel') or absolute ('abs').</param>
    /// <param name="cooldown">Reports to wait after a reduction before counting again.</param>
    /// <param name="minLr">Floor.</param>
    /// <param name="eps">Reductions smaller than this are ignored.</param>
    public ReduceLROnPlateau(double baseLr, PlateauMode mode = PlateauMode.Min, double factor = 0.1, int patience = 10,
        double threshold = 1e-4, bool relativeThreshold = true, int cooldown = 0, double minLr = 0, double eps = 1e-8)
    {
        ScheduleGuard.NonNegative(baseLr, nameof(ReduceLROnPlateau), nameof(baseLr));
        if (!(factor is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "ReduceLROnPlateau: factor must be in (0, 1).");
        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        ArgumentOutOfRangeException.ThrowIfNegative(cooldown);
        ScheduleGuard.NonNegative(minLr, nameof(ReduceLROnPlateau), nameof(minLr));
        (CurrentLr, Mode, Factor, Patience, Threshold, RelativeThreshold, Cooldown, MinLr, Eps) =
            (baseLr, mode, factor, patience, threshold, relativeThreshold, cooldown, minLr, eps);
        Best = mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
    }

    /// <summary>The rate now.</summary>
    public double CurrentLr { get; private set; }

    /// <summary>The best metric reported so far.</summary>
    public double Best { get; private set; }

    /// <summary>Whether lower or higher is better.</summary>
    public PlateauMode Mode { get; }

    /// <summary>Multiplier on a plateau.</summary>
    public double Factor { get; }

    /// <summary>Reports without improvement tolerated before reducing.</summary>
    public int Patience { get; }

    /// <summary>Minimum change that counts as an improvement.</summary>
    public double Threshold { get; }

    /// <summary>Whether <see cref="Threshold"/> is relative.</summary>
    public bool RelativeThreshold { get; }

    /// <summary>Reports to wait after a reduction.</summary>
    public int Cooldown { get; }

    /// <summary>Floor.</summary>
    public double MinLr { get; }

    /// <summary>Reductions smaller than this are ignored.</summary>
    public double Eps { get; }

    /// <summary>Reports without improvement since the last improvement or reduction.</summary>
    public int BadReports => _badReports;

    /// <summary>Reports still to wait after the last reduction.</summary>
    public int CooldownLeft => _cooldownLeft;

    /// <summary>A snapshot of the counters and the current rate (for checkpoints).</summary>
    internal ReduceLROnPlateauState GetState() => new(CurrentLr, Best, _badReports, _cooldownLeft);

    /// <summary>Restores a snapshot taken by <see cref="GetState"/> (on a schedule made with the same settings).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate is negative or NaN, or a counter is negative.</exception>
    internal void SetState(ReduceLROnPlateauState state)
    {
        ScheduleGuard.NonNegative(state.CurrentLr, nameof(ReduceLROnPlateau), nameof(state.CurrentLr));
        ArgumentOutOfRangeException.ThrowIfNegative(state.BadReports, nameof(state));
        ArgumentOutOfRangeException.ThrowIfNegative(state.CooldownLeft, nameof(state));
        (CurrentLr, Best, _badReports, _cooldownLeft) = (state.CurrentLr, state.Best, state.BadReports, state.CooldownLeft);
    }

    /// <inheritdoc />
    public double LrAt(long step)
    {
        ScheduleGuard.Step(step);
        return CurrentLr;
    }

    /// <summary>Reports a metric value (usually once per epoch); returns true when the rate was reduced.</summary>
    public bool Report(double metric)
    {
        if (IsBetter(metric))
        {
            Best = metric;
            _badReports = 0;
        }
        else
        {
            _badReports++;
        }
        if (_cooldownLeft > 0)
        {
            _cooldownLeft--;
            _badReports = 0;
        }
        if (_badReports <= Patience) return false;
        _cooldownLeft = Cooldown;
        _badReports = 0;
        double reduced = Math.Max(CurrentLr * Factor, MinLr);
        if (CurrentLr - reduced <= Eps) return false;
        CurrentLr = reduced;
        return true;
    }

    private bool IsBetter(double value) => (Mode, RelativeThreshold) switch
    {
        (PlateauMode.Min, true) => value < Best * (1 - Threshold),
        (PlateauMode.Min, false) => value < Best - Threshold,
        (PlateauMode.Max, true) => value > Best * (1 + Threshold),
        _ => value > Best + Threshold,
    };
}
