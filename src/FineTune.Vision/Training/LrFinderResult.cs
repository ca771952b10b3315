namespace FineTune.Vision.Training;

/// <summary>The outcome of an LR range test: the sweep, the smoothed losses and fastai's suggestions.</summary>
public sealed class LrFinderResult
{
    internal LrFinderResult(double[] lrs, double[] losses, int numSteps, string? stopReason)
    {
        (Lrs, Losses, StopReason) = (lrs, losses, stopReason);
        var (l, y) = LrSuggestions.Trim(lrs, losses, numSteps);
        ValleyPoint = LrSuggestions.Valley(l, y);
        SteepPoint = LrSuggestions.Steep(l, y);
        MinimumPoint = LrSuggestions.Minimum(l, y);
    }

    /// <summary>The rate of each step.</summary>
    public IReadOnlyList<double> Lrs { get; }

    /// <summary>The smoothed (bias-corrected) loss after each step.</summary>
    public IReadOnlyList<double> Losses { get; }

    /// <summary>Why the sweep ended early (divergence), or null when it ran all its steps.</summary>
    public string? StopReason { get; }

    /// <summary>fastai's default suggestion (<c>valley</c>).</summary>
    public double Valley => ValleyPoint.Lr;

    /// <summary>The steepest descent (<c>steep</c>).</summary>
    public double Steep => SteepPoint.Lr;

    /// <summary>A tenth of the rate of the lowest loss (<c>minimum</c>).</summary>
    public double MinimumDiv10 => MinimumPoint.Lr / 10;

    /// <summary>The valley point (rate, loss).</summary>
    public (double Lr, double Loss) ValleyPoint { get; }

    /// <summary>The steepest point (rate, loss).</summary>
    public (double Lr, double Loss) SteepPoint { get; }

    /// <summary>The lowest-loss point (rate, loss).</summary>
    public (double Lr, double Loss) MinimumPoint { get; }

    /// <summary>Saves a PNG of the smoothed loss against log10(rate), with the valley suggestion marked.</summary>
    public void SavePng(string path, int width = 800, int height = 450)
    {
        ArgumentNullException.ThrowIfNull(path);
        var plot = new ScottPlot.Plot();
        double[] xs = [.. Lrs.Select(Math.Log10)];
        plot.Add.ScatterLine(xs, Losses.ToArray()).LegendText = "smoothed loss";
        if (!double.IsNaN(Valley))
        {
            var marker = plot.Add.Marker(Math.Log10(ValleyPoint.Lr), ValleyPoint.Loss, ScottPlot.MarkerShape.FilledCircle, 10, ScottPlot.Colors.Red);
            marker.LegendText = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"valley: lr {Valley:G3}");
            plot.Add.VerticalLine(Math.Log10(ValleyPoint.Lr), 1, ScottPlot.Colors.Red);
        }
        plot.ShowLegend();
        plot.Title("LR range test");
        plot.XLabel("learning rate (log10)");
        plot.YLabel("loss");
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        plot.SavePng(path, width, height);
    }
}
