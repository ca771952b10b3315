namespace FineTune.Vision.Optim.Schedules;

/// <summary>
/// PyTorch's <c>CyclicLR</c> (Smith, "Cyclical Learning Rates for Training Neural Networks", 2017): the rate
/// oscillates between <c>BaseLr</c> and <c>MaxLr</c> in triangles whose amplitude follows <see cref="CyclicMode"/>;
/// momentum optionally moves the opposite way.
/// </summary>
public sealed class CyclicLR : ILrSchedule, IMomentumSchedule
{
    private readonly double _totalSize, _stepRatio;

    /// <summary>Creates the schedule from its options (validated here).</summary>
    public CyclicLR(CyclicLROptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _totalSize = options.StepSizeUp + (options.StepSizeDown ?? options.StepSizeUp);
        _stepRatio = options.StepSizeUp / _totalSize;
    }

    /// <summary>The options the schedule was made with.</summary>
    public CyclicLROptions Options { get; }

    /// <inheritdoc />
    public bool CyclesMomentum => Options.CycleMomentum;

    /// <inheritdoc />
    public double LrAt(long step)
    {
        (double scaleFactor, double scale) = Position(step);
        return Options.BaseLr + (Options.MaxLr - Options.BaseLr) * scaleFactor * scale;
    }

    /// <inheritdoc />
    public double MomentumAt(long step)
    {
        (double scaleFactor, double scale) = Position(step);
        return Options.MaxMomentum - (Options.MaxMomentum - Options.BaseMomentum) * scaleFactor * scale;
    }

    private (double ScaleFactor, double Scale) Position(long step)
    {
        ScheduleGuard.Step(step);
        double cycle = Math.Floor(1 + step / _totalSize);
        double x = 1.0 + step / _totalSize - cycle;
        double scaleFactor = x <= _stepRatio ? x / _stepRatio : (x - 1) / (_stepRatio - 1);
        double scale = Options.Mode switch
        {
            CyclicMode.Triangular => 1.0,
            CyclicMode.Triangular2 => 1 / Math.Pow(2, cycle - 1),
            _ => Math.Pow(Options.Gamma, step),
        };
        return (scaleFactor, scale);
    }
}
