namespace FineTune.Vision.Optim.Schedules;

/// <summary>PNG plots of learning-rate schedules.</summary>
public static class SchedulePlots
{
    /// <summary>Saves a PNG plot of the rate (and momentum on a second axis) against the step.</summary>
    /// <param name="curve">The evaluated schedule (<see cref="ScheduleCurve.Evaluate"/>).</param>
    /// <param name="path">The PNG file; its folder is created.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public static void SavePng(this ScheduleCurve curve, string path, int width = 800, int height = 450)
    {
        ArgumentNullException.ThrowIfNull(curve);
        ArgumentNullException.ThrowIfNull(path);
        var plot = new ScottPlot.Plot();
        double[] xs = [.. Enumerable.Range(0, curve.Lr.Count).Select(i => (double)i)];
        var lrLine = plot.Add.ScatterLine(xs, curve.Lr.ToArray());
        lrLine.LegendText = "learning rate";
        if (curve.Momentum is not null)
        {
            var m = plot.Add.ScatterLine(xs, curve.Momentum.ToArray());
            m.LegendText = "momentum";
            m.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = "momentum";
            plot.ShowLegend();
        }
        plot.Title(curve.Title);
        plot.XLabel("optimizer step");
        plot.YLabel("learning rate");
        PlotFile.Save(plot, path, width, height);
    }
}
