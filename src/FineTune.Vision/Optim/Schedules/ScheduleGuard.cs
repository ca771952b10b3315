namespace FineTune.Vision.Optim.Schedules;

/// <summary>Argument checks shared by the schedules, with the schedule and argument named in every message.</summary>
internal static class ScheduleGuard
{
    public static void Step(long step)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "The step index must be ≥ 0.");
    }

    public static void Positive(double value, string schedule, string argument)
    {
        if (!(value > 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(argument, value, $"{schedule}: {argument} must be a positive finite number (was {value}).");
    }

    public static void NonNegative(double value, string schedule, string argument)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(argument, value, $"{schedule}: {argument} must be ≥ 0 and finite (was {value}).");
    }

    public static void Positive(long value, string schedule, string argument)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(argument, value, $"{schedule}: {argument} must be ≥ 1 (was {value}).");
    }
}
