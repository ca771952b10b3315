namespace FineTune.Vision.Optim.Schedules;

/// <summary>
/// PyTorch's <c>ConstantLR</c>: <c>baseLr · factor</c> for the first <c>totalIters</c> steps, then <c>baseLr</c>.
/// With the defaults <c>factor = 1</c>, <c>totalIters = 0</c> it is simply a constant rate.
/// </summary>
public sealed class ConstantLR : ILrSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="baseLr">The rate after <paramref name="totalIters"/> steps.</param>
    /// <param name="factor">Multiplier during the first <paramref name="totalIters"/> steps (PyTorch's default is 1/3; here 1).</param>
    /// <param name="totalIters">Steps during which <paramref name="factor"/> applies.</param>
    public ConstantLR(double baseLr, double factor = 1.0, long totalIters = 0)
    {
        ScheduleGuard.NonNegative(baseLr, nameof(ConstantLR), nameof(baseLr));
        if (factor is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(factor), factor, "ConstantLR: factor must be in [0, 1].");
        if (totalIters < 0) throw new ArgumentOutOfRangeException(nameof(totalIters), totalIters, "ConstantLR: totalIters must be ≥ 0.");
        (BaseLr, Factor, TotalIters) = (baseLr, factor, totalIters);
    }

    /// <summary>The rate after <see cref="TotalIters"/> steps.</summary>
    public double BaseLr { get; }

    /// <summary>Multiplier during the first <see cref="TotalIters"/> steps.</summary>
    public double Factor { get; }

    /// <summary>Steps during which <see cref="Factor"/> applies.</summary>
    public long TotalIters { get; }

    /// <inheritdoc />
    public double LrAt(long step)
    {
        ScheduleGuard.Step(step);
        return step < TotalIters ? BaseLr * Factor : BaseLr;
    }
}
