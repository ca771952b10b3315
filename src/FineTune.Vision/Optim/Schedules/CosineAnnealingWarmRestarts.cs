namespace FineTune.Vision.Optim.Schedules;

/// <summary>
/// PyTorch's <c>CosineAnnealingWarmRestarts</c> (SGDR, Loshchilov and Hutter 2017): cosine from <c>baseLr</c> to
/// <c>etaMin</c> over <c>t0</c> steps, then restarts, each cycle <c>tMult</c> times longer than the previous one.
/// For timm's and fastai's variants (peak decay per cycle, cycle limit, warm-up) see <see cref="CosineWithRestarts"/>.
/// </summary>
public sealed class CosineAnnealingWarmRestarts : ILrSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="baseLr">Peak rate at the start of each cycle.</param>
    /// <param name="t0">Steps in the first cycle (PyTorch <c>T_0</c>).</param>
    /// <param name="tMult">Cycle length multiplier, an integer ≥ 1 (PyTorch <c>T_mult</c>).</param>
    /// <param name="etaMin">Floor (PyTorch <c>eta_min</c>).</param>
    public CosineAnnealingWarmRestarts(double baseLr, long t0, long tMult = 1, double etaMin = 0)
    {
        ScheduleGuard.NonNegative(baseLr, nameof(CosineAnnealingWarmRestarts), nameof(baseLr));
        ScheduleGuard.Positive(t0, nameof(CosineAnnealingWarmRestarts), nameof(t0));
        ScheduleGuard.Positive(tMult, nameof(CosineAnnealingWarmRestarts), nameof(tMult));
        ScheduleGuard.NonNegative(etaMin, nameof(CosineAnnealingWarmRestarts), nameof(etaMin));
        (BaseLr, T0, TMult, EtaMin) = (baseLr, t0, tMult, etaMin);
    }

    /// <summary>Peak rate at the start of each cycle.</summary>
    public double BaseLr { get; }

    /// <summary>Steps in the first cycle.</summary>
    public long T0 { get; }

    /// <summary>Cycle length multiplier.</summary>
    public long TMult { get; }

    /// <summary>Floor.</summary>
    public double EtaMin { get; }

    /// <inheritdoc />
    public double LrAt(long step)
    {
        ScheduleGuard.Step(step);
        long tCur = step, tI = T0;
        while (tCur >= tI)
        {
            tCur -= tI;
            tI *= TMult;
        }
        return EtaMin + (BaseLr - EtaMin) * (1 + Math.Cos(Math.PI * tCur / tI)) / 2;
    }
}
