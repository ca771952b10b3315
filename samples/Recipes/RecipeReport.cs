using System.Globalization;
using System.Text;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Callbacks;

namespace FineTune.Vision.Recipes;

/// <summary>Ends a recipe run: headline metrics to the log and to <c>OUT/summary.md</c>.</summary>
public static class RecipeReport
{
    /// <summary>
    /// Collects the best tracked value and the last epoch's validation metrics, writes <c>summary.md</c> and returns the
    /// result with <paramref name="files"/> (plus the summary).
    /// </summary>
    public static RecipeResult Finish(string recipe, CommonOptions common, TextWriter log, FitResult result, MetricTracker? best, IEnumerable<string> files)
    {
        ArgumentNullException.ThrowIfNull(common);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(files);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal) { ["epochs_run"] = result.History.Count };
        foreach (Metric metric in new[] { Metric.ValTop1, Metric.ValTop5, Metric.ValLoss, Metric.TrainLoss, Metric.EmaValTop1, Metric.EmaValTop5 })
            if (result.LastEpoch?.Get(metric) is double value) metrics[metric.Name] = value;
        if (best is not null && double.IsFinite(best.Best)) metrics["best_" + best.Monitor.Name] = best.Best;
        string[] lines = result.LastValidation is { } last ? [$"Last validation top-1: {last.Top1Estimate} (95 % Clopper-Pearson interval, {last.Samples} images)."] : [];
        return Write(recipe, common, log, metrics, files, result.StopReason.Kind == StopKind.Completed ? null : result.StopReason.Message, lines);
    }

    /// <summary>Writes <paramref name="metrics"/> to the log and <c>summary.md</c>; returns the result.</summary>
    /// <remarks><paramref name="lines"/> (intervals, tests) go below the table and to the log.</remarks>
    public static RecipeResult Write(string recipe, CommonOptions common, TextWriter log, IReadOnlyDictionary<string, double> metrics, IEnumerable<string> files,
        string? note = null, IReadOnlyList<string>? lines = null)
    {
        ArgumentNullException.ThrowIfNull(common);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(metrics);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# {recipe}{(common.Smoke ? " (smoke run: tiny generated data and a tiny model; the numbers mean nothing)" : "")}");
        text.AppendLine();
        text.AppendLine("| metric | value |");
        text.AppendLine("| --- | --- |");
        foreach (var (name, value) in metrics) text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {value:G4} |");
        if (lines is { Count: > 0 })
        {
            text.AppendLine();
            foreach (string line in lines) text.AppendLine(line);
        }
        if (note is not null) text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Stopped early: {note}.");
        Directory.CreateDirectory(common.OutDir);
        string summary = Path.Combine(common.OutDir, "summary.md");
        File.WriteAllText(summary, text.ToString());
        log.WriteLine(string.Join(", ", metrics.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value:G4}"))));
        foreach (string line in lines ?? []) log.WriteLine(line);
        log.WriteLine($"outputs in {Path.GetFullPath(common.OutDir)}");
        return new RecipeResult(common.OutDir, metrics, [.. files, summary]);
    }
}
