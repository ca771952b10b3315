namespace FineTune.Vision.Training.Callbacks;

/// <summary>At the end of training, saves a PNG of the per-epoch losses (left axis) and accuracies (right axis).</summary>
public sealed class TrainingCurves : Callback
{
    /// <inheritdoc />
    public override bool MainProcessOnly => true;

    /// <summary>Saves to <paramref name="path"/>.</summary>
    public TrainingCurves(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path;
    }

    /// <summary>The PNG file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public override int Order => CallbackOrder.Logger;

    /// <inheritdoc />
    public override void OnFitEnd(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.History.Count == 0) return;
        Save(context.History, Path);
    }

    /// <summary>Plots <paramref name="history"/> (one metrics dictionary per epoch) to a PNG.</summary>
    public static void Save(IReadOnlyList<IReadOnlyDictionary<string, double>> history, string path, int width = 900, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(path);
        var plot = new ScottPlot.Plot();
        double[] epochs = [.. Enumerable.Range(1, history.Count).Select(e => (double)e)];
        foreach (string name in history.SelectMany(h => h.Keys).Distinct().Where(n => n != "lr"))
        {
            double[] ys = [.. history.Select(h => h.TryGetValue(name, out double v) ? v : double.NaN)];
            var line = plot.Add.ScatterLine(epochs, ys);
            line.LegendText = name;
            if (!name.Contains("loss", StringComparison.Ordinal)) line.Axes.YAxis = plot.Axes.Right;
        }
        plot.ShowLegend();
        plot.Title("Training curves");
        plot.XLabel("epoch");
        plot.YLabel("loss");
        plot.Axes.Right.Label.Text = "accuracy";
        PlotFile.Save(plot, path, width, height);
    }
}
