using System.Globalization;

namespace FineTune.Vision.Training;

/// <summary>PNG plots of training results: the LR range test.</summary>
public static class TrainingPlots
{
    /// <summary>Saves a PNG of the smoothed loss against log10(rate), with the valley suggestion marked.</summary>
    /// <param name="result">The LR range test's result (<c>Trainer.FindLearningRate</c>).</param>
    /// <param name="path">The PNG file; its folder is created.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public static void SavePng(this LrFinderResult result, string path, int width = 800, int height = 450)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(path);
        var plot = new ScottPlot.Plot();
        double[] xs = [.. result.Lrs.Select(Math.Log10)];
        plot.Add.ScatterLine(xs, result.Losses.ToArray()).LegendText = "smoothed loss";
        if (!double.IsNaN(result.Valley))
        {
            var marker = plot.Add.Marker(Math.Log10(result.ValleyPoint.Lr), result.ValleyPoint.Loss, ScottPlot.MarkerShape.FilledCircle, 10, ScottPlot.Colors.Red);
            marker.LegendText = string.Create(CultureInfo.InvariantCulture, $"valley: lr {result.Valley:G3}");
            plot.Add.VerticalLine(Math.Log10(result.ValleyPoint.Lr), 1, ScottPlot.Colors.Red);
        }
        plot.ShowLegend();
        plot.Title("LR range test");
        plot.XLabel("learning rate (log10)");
        plot.YLabel("loss");
        PlotFile.Save(plot, path, width, height);
    }
}
