namespace FineTune.Vision.Optim.Schedules;

/// <summary>
/// Cosine annealing with warm restarts as timm's <c>CosineLRScheduler</c> computes it (and fastai's <c>fit_sgdr</c>,
/// which is the special case <c>LrMin = 0</c>, <c>CycleDecay = 1</c>, <c>CycleLimit = n_cycles</c>): cycle <c>i</c> lasts
/// <c>TInitial · CycleMul^i</c> steps and peaks at <c>BaseLr · CycleDecay^i</c>; after <c>CycleLimit</c> cycles the rate
/// stays at <c>LrMin</c>. With the defaults it is a single cosine from <c>BaseLr</c> to <c>LrMin</c> that then stays
/// at the floor — the recipe-1 "cosine with a floor". Combine with <see cref="Warmup"/> for a warm-up.
/// </summary>
public sealed class CosineWithRestarts : ILrSchedule
{
    /// <summary>Creates the schedule from its options (validated here).</summary>
    public CosineWithRestarts(CosineWithRestartsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The options the schedule was made with.</summary>
    public CosineWithRestartsOptions Options { get; }

    /// <inheritdoc />
    public double LrAt(long step)
    {
        ScheduleGuard.Step(step);
        var o = Options;
        double t = step, tI, tCurr;
        long i;
        if (o.CycleMul != 1)
        {
            i = (long)Math.Floor(Math.Log(1 - t / o.TInitial * (1 - o.CycleMul), o.CycleMul));
            tI = Math.Pow(o.CycleMul, i) * o.TInitial;
            tCurr = t - (1 - Math.Pow(o.CycleMul, i)) / (1 - o.CycleMul) * o.TInitial;
        }
        else
        {
            i = step / o.TInitial;
            tI = o.TInitial;
            tCurr = t - o.TInitial * i;
        }
        if (i >= o.CycleLimit) return o.LrMin;
        double peak = o.BaseLr * Math.Pow(o.CycleDecay, i);
        double k = o.KDecay;
        return o.LrMin + 0.5 * (peak - o.LrMin) * (1 + Math.Cos(Math.PI * Math.Pow(tCurr, k) / Math.Pow(tI, k)));
    }
}
