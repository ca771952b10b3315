using System.Globalization;

namespace FineTune.Vision.Optim.Schedules;

/// <summary>
/// A schedule evaluated over a run: the rate (and momentum, where cycled) for each optimizer step, writable as CSV
/// (<c>step,lr[,momentum]</c>); the FineTune.Vision.Plots package adds <c>SavePng</c>.
/// </summary>
public sealed class ScheduleCurve
{
    private ScheduleCurve(string title, double[] lr, double[]? momentum) => (Title, Lr, Momentum) = (title, lr, momentum);

    /// <summary>A caption for plots.</summary>
    public string Title { get; }

    /// <summary>The rate for each step.</summary>
    public IReadOnlyList<double> Lr { get; }

    /// <summary>The momentum for each step, or null when the schedule does not cycle momentum.</summary>
    public IReadOnlyList<double>? Momentum { get; }

    /// <summary>Evaluates <paramref name="schedule"/> for steps 0 … <paramref name="steps"/> − 1.</summary>
    public static ScheduleCurve Evaluate(ILrSchedule schedule, long steps, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        var lr = new double[steps];
        for (long s = 0; s < steps; s++) lr[s] = schedule.LrAt(s);
        double[]? momentum = null;
        if (schedule is IMomentumSchedule { CyclesMomentum: true } m)
        {
            momentum = new double[steps];
            for (long s = 0; s < steps; s++) momentum[s] = m.MomentumAt(s);
        }
        return new ScheduleCurve(title ?? schedule.GetType().Name, lr, momentum);
    }

    /// <summary>Writes <c>step,lr</c> (and <c>momentum</c>) rows, one per optimizer step, with invariant culture.</summary>
    public void WriteCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine(Momentum is null ? "step,lr" : "step,lr,momentum");
        for (int s = 0; s < Lr.Count; s++)
        {
            string row = string.Create(CultureInfo.InvariantCulture, $"{s},{Lr[s]:R}");
            writer.WriteLine(Momentum is null ? row : string.Create(CultureInfo.InvariantCulture, $"{row},{Momentum[s]:R}"));
        }
    }
}
