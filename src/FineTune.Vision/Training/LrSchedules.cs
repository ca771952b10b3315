using FineTune.Vision.Optim.Schedules;

namespace FineTune.Vision.Training;

/// <summary>Ready-made <see cref="LrScheduleFactory"/>s for <see cref="TrainerOptions.Schedule"/>.</summary>
public static class LrSchedules
{
    /// <summary>The base rate throughout (the default).</summary>
    public static LrScheduleFactory Constant() => (lr, _) => new ConstantLR(lr, 1.0, 0);

    /// <summary>Cosine decay to <paramref name="minLr"/> over the run, after a linear warm-up of <paramref name="warmupFraction"/> of it.</summary>
    public static LrScheduleFactory Cosine(double minLr = 0, double warmupFraction = 0) => (lr, total) =>
        WithWarmup(warmupFraction, total, body => new CosineAnnealingLR(lr, Math.Max(1, body), minLr));

    /// <summary>Linear decay to 0 after a linear warm-up (seed recipe 2: 5%).</summary>
    public static LrScheduleFactory Linear(double warmupFraction = 0.05) => (lr, total) =>
        WithWarmup(warmupFraction, total, body => new LinearLR(lr, 1.0, 0.0, Math.Max(1, body)));

    /// <summary>One-cycle with the base rate as the peak (PyTorch defaults otherwise).</summary>
    public static LrScheduleFactory OneCycle(double pctStart = 0.3, double divFactor = 25, double finalDivFactor = 1e4) => (lr, total) =>
        new OneCycleLR(new OneCycleLROptions { MaxLr = lr, TotalSteps = Math.Max(2, total), PctStart = pctStart, DivFactor = divFactor, FinalDivFactor = finalDivFactor });

    /// <summary>Step decay: the rate times <paramref name="gamma"/> every <paramref name="stepSize"/> optimizer steps.</summary>
    public static LrScheduleFactory Step(long stepSize, double gamma = 0.1) => (lr, _) => new StepLR(lr, stepSize, gamma);

    /// <summary>Any schedule <see cref="ScheduleFactory"/> knows, by PyTorch class name and PyTorch argument names.</summary>
    public static LrScheduleFactory Named(string kind, IReadOnlyDictionary<string, string>? arguments = null)
    {
        ArgumentNullException.ThrowIfNull(kind);
        var args = arguments ?? new Dictionary<string, string>();
        return (lr, total) => ScheduleFactory.Create(kind, lr, args, total);
    }

    private static ILrSchedule WithWarmup(double fraction, long total, Func<long, ILrSchedule> body)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fraction);
        long warmup = (long)Math.Round(fraction * total);
        ILrSchedule inner = body(total - warmup);
        return warmup > 0 ? new Warmup(inner, warmup) : inner;
    }
}
