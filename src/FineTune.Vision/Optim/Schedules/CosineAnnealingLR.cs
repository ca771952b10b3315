namespace FineTune.Vision.Optim.Schedules;

/// <summary>
/// PyTorch's <c>CosineAnnealingLR</c> (closed form): <c>etaMin + (baseLr − etaMin)·(1 + cos(π·step/tMax))/2</c>.
/// Past <c>tMax</c> the curve rises again, as PyTorch's does; use <see cref="CosineWithRestarts"/> (cycle limit 1)
/// for a cosine that stays at its floor.
/// </summary>
public sealed class CosineAnnealingLR : ILrSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="baseLr">Rate at step 0.</param>
    /// <param name="tMax">Steps of the half period (PyTorch <c>T_max</c>).</param>
    /// <param name="etaMin">Floor (PyTorch <c>eta_min</c>, default 0).</param>
    public CosineAnnealingLR(double baseLr, long tMax, double etaMin = 0)
    {
        ScheduleGuard.NonNegative(baseLr, nameof(CosineAnnealingLR), nameof(baseLr));
        ScheduleGuard.Positive(tMax, nameof(CosineAnnealingLR), nameof(tMax));
        ScheduleGuard.NonNegative(etaMin, nameof(CosineAnnealingLR), nameof(etaMin));
        (BaseLr, TMax, EtaMin) = (baseLr, tMax, etaMin);
    }

    /// <summary>Rate at step 0.</summary>
    public double BaseLr { get; }

    /// <summary>Steps of the half period.</summary>
    public long TMax { get; }

    /// <summary>Floor.</summary>
    public double EtaMin { get; }

    /// <inheritdoc />
    public double LrAt(long step)
    {
        ScheduleGuard.Step(step);
        return EtaMin + (BaseLr - EtaMin) * (1 + Math.Cos(Math.PI * step / TMax)) / 2;
    }
}
