using System.Globalization;

namespace FineTune.Vision.Training.Callbacks;

/// <summary>
/// Writes one CSV row per epoch: <c>epoch</c>, the epoch's metrics (columns fixed by the first epoch) and the
/// elapsed seconds. Appends when resuming into an existing file with the same header.
/// </summary>
public sealed class CsvLogger : Callback
{
    /// <inheritdoc />
    public override bool MainProcessOnly => true;

    private string[]? _columns;
    private DateTime _start;

    /// <summary>Logs to <paramref name="path"/>.</summary>
    public CsvLogger(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path;
    }

    /// <summary>The CSV file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public override int Order => CallbackOrder.Logger;

    /// <inheritdoc />
    public override void OnFitStart(TrainingContext context)
    {
        _start = DateTime.UtcNow;
        _columns = null;
    }

    /// <inheritdoc />
    public override void OnEpochEnd(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_columns is null)
        {
            _columns = [.. context.EpochMetrics.Keys];
            string header = string.Join(",", ["epoch", .. _columns, "seconds"]);
            string? folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
            if (folder is not null) Directory.CreateDirectory(folder);
            bool append = File.Exists(Path) && File.ReadLines(Path).FirstOrDefault() == header;
            if (!append) File.WriteAllText(Path, header + "\n");
        }
        IEnumerable<string> values = _columns.Select(c => context.EpochMetrics.TryGetValue(c, out double v) ? v.ToString("R", CultureInfo.InvariantCulture) : "");
        double seconds = (DateTime.UtcNow - _start).TotalSeconds;
        File.AppendAllText(Path, string.Join(",", [(context.Epoch + 1).ToString(CultureInfo.InvariantCulture), .. values, seconds.ToString("F1", CultureInfo.InvariantCulture)]) + "\n");
    }
}
