using System.Globalization;

namespace FineTune.Vision.Optim.Schedules;

/// <summary>
/// A schedule evaluated over a run: the rate (and momentum, where cycled) for each optimizer step, writable as CSV
/// (<c>step,lr[,momentum]</c>) or as a PNG plot.
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

    /// <summary>Saves a PNG plot of the rate (and momentum on a second axis) against the step.</summary>
    public void SavePng(string path, int width = 800, int height = 450)
    {
        ArgumentNullException.ThrowIfNull(path);
        var plot = new ScottPlot.Plot();
        double[] xs = Enumerable.Range(0, Lr.Count).Select(i => (double)i).ToArray();
        var lrLine = plot.Add.ScatterLine(xs, Lr.ToArray());
        lrLine.LegendText = "learning rate";
        if (Momentum is not null)
        {
            var m = plot.Add.ScatterLine(xs, Momentum.ToArray());
            m.LegendText = "momentum";
            m.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = "momentum";
            plot.ShowLegend();
        }
        plot.Title(Title);
        plot.XLabel("optimizer step");
        plot.YLabel("learning rate");
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        plot.SavePng(path, width, height);
    }
}
