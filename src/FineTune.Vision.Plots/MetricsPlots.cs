using System.Globalization;

namespace FineTune.Vision.Metrics;

/// <summary>PNG plots of the metrics: the confusion matrix as a heat map and the reliability diagram.</summary>
public static class MetricsPlots
{
    /// <summary>
    /// Draws the matrix as a PNG heat map, rows normalised to the true class (each cell shows its count; colour is the
    /// fraction of that class), class names on the axes.
    /// </summary>
    /// <param name="matrix">The confusion matrix.</param>
    /// <param name="path">The PNG file; its folder is created.</param>
    /// <param name="classNames">Names for the axes (class indices where null or short).</param>
    /// <param name="size">The side in pixels (default grows with the class count, 520 to 2000).</param>
    public static void SavePng(this ConfusionMatrix matrix, string path, IReadOnlyList<string>? classNames = null, int? size = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(path);
        var inv = CultureInfo.InvariantCulture;
        int n = matrix.NumClasses;
        string Name(int i) => classNames is not null && i < classNames.Count ? classNames[i] : i.ToString(inv);
        var plot = new ScottPlot.Plot();
        // One filled square per cell (row a drawn at y = N-1-a, so the first class is at the top), from white (none of the
        // class) to matplotlib's darkest "Blues" (all of it); counts written in the cells while they stay legible.
        for (int a = 0; a < n; a++)
        {
            long row = Enumerable.Range(0, n).Sum(p => matrix[a, p]);
            double y = n - 1 - a;
            for (int p = 0; p < n; p++)
            {
                double fraction = row == 0 ? 0 : (double)matrix[a, p] / row;
                var cell = plot.Add.Rectangle(p - 0.5, p + 0.5, y - 0.5, y + 0.5);
                cell.FillColor = Blend(fraction);
                cell.LineColor = ScottPlot.Colors.White;
                if (n > 30) continue;
                var text = plot.Add.Text(matrix[a, p].ToString(inv), p, y);
                text.LabelAlignment = ScottPlot.Alignment.MiddleCenter;
                text.LabelFontColor = fraction > 0.5 ? ScottPlot.Colors.White : ScottPlot.Colors.Black;
            }
        }
        double[] columns = [.. Enumerable.Range(0, n).Select(i => (double)i)];
        double[] rows = [.. Enumerable.Range(0, n).Select(i => (double)(n - 1 - i))];
        string[] labels = [.. Enumerable.Range(0, n).Select(Name)];
        plot.Axes.Bottom.SetTicks(columns, labels);
        plot.Axes.Left.SetTicks(rows, labels);
        plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);
        plot.Title(string.Create(inv, $"Confusion matrix: {matrix.Total} samples, top-1 {100 * matrix.Accuracy:F1} %"));
        plot.XLabel("predicted");
        plot.YLabel("true");
        int side = size ?? Math.Clamp(120 + 40 * n, 520, 2000);
        PlotFile.Save(plot, path, side, side);
    }

    /// <summary>
    /// Draws the reliability diagram (accuracy per confidence bin against the diagonal, with the ECE in the title) to a PNG.
    /// </summary>
    /// <param name="calibration">The calibration accumulator.</param>
    /// <param name="path">The PNG file; its folder is created.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public static void SaveReliabilityDiagram(this CalibrationError calibration, string path, int width = 600, int height = 600)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentNullException.ThrowIfNull(path);
        int binCount = calibration.BinCount;
        var plot = new ScottPlot.Plot();
        var bins = calibration.Bins();
        var bars = bins.Select(b => new ScottPlot.Bar
        {
            Position = (b.Lower + b.Upper) / 2, Value = b.Count == 0 ? 0 : b.Accuracy, Size = 1.0 / binCount * 0.95,
            FillColor = ScottPlot.Colors.SteelBlue,
        }).ToList();
        plot.Add.Bars(bars);
        var gap = bins.Where(b => b.Count > 0).Select(b => new ScottPlot.Bar
        {
            Position = (b.Lower + b.Upper) / 2, ValueBase = b.Accuracy, Value = b.Confidence, Size = 1.0 / binCount * 0.95,
            FillColor = ScottPlot.Colors.Red.WithAlpha(0.3),
        }).ToList();
        if (gap.Count > 0) plot.Add.Bars(gap);
        var diagonal = plot.Add.Line(0, 0, 1, 1);
        diagonal.LinePattern = ScottPlot.LinePattern.Dashed;
        diagonal.Color = ScottPlot.Colors.Gray;
        plot.Axes.SetLimits(0, 1, 0, 1);
        plot.Title(string.Create(CultureInfo.InvariantCulture, $"Reliability diagram (ECE {100 * calibration.Value:F2} %, {calibration.Total} predictions)"));
        plot.XLabel("confidence");
        plot.YLabel("accuracy");
        PlotFile.Save(plot, path, width, height);
    }

    /// <summary>White (0) to dark blue (1), matplotlib's "Blues" end points.</summary>
    private static ScottPlot.Color Blend(double t)
    {
        static byte Mix(int from, int to, double t) => (byte)Math.Round(from + (to - from) * Math.Clamp(t, 0, 1));
        return new ScottPlot.Color(Mix(247, 8, t), Mix(251, 48, t), Mix(255, 107, t));
    }
}
