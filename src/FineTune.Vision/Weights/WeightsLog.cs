using Microsoft.Extensions.Logging;

namespace FineTune.Vision.Weights;

/// <summary>Weight loading's log messages (<see cref="WeightLoadOptions.Logger"/>), source-generated.</summary>
internal static partial class WeightsLog
{
    /// <summary>At most this many keys are named in one message; the rest are counted.</summary>
    private const int KeysNamed = 20;

    [LoggerMessage(EventId = 2001, EventName = "WeightsLoaded", Level = LogLevel.Information,
        Message = "Loaded {Loaded} tensors from {Source} ({Format}, {Layout} keys): {Missing} missing, {Unexpected} unexpected, {Ignored} ignored, {ClassifierDropped} classifier tensors dropped, {Resampled} resampled")]
    private static partial void Loaded(ILogger logger, int loaded, string source, string format, CheckpointLayout layout,
        int missing, int unexpected, int ignored, int classifierDropped, int resampled);

    [LoggerMessage(EventId = 2002, EventName = "WeightsKeysRenamed", Level = LogLevel.Information,
        Message = "Renamed the keys of {Source} from {Layout} naming to timm's")]
    private static partial void Renamed(ILogger logger, string source, CheckpointLayout layout);

    [LoggerMessage(EventId = 2003, EventName = "WeightsNote", Level = LogLevel.Debug, Message = "{Source}: {Note}")]
    private static partial void Note(ILogger logger, string source, string note);

    [LoggerMessage(EventId = 2004, EventName = "WeightsResampled", Level = LogLevel.Information, Message = "{Source}: resampled {Resize}")]
    private static partial void Resampled(ILogger logger, string source, string resize);

    [LoggerMessage(EventId = 2005, EventName = "WeightsClassifierDropped", Level = LogLevel.Information,
        Message = "{Source}: {Count} classifier tensors of another class count left out, the model's new head keeps its initialisation: {Keys}")]
    private static partial void ClassifierDropped(ILogger logger, string source, int count, string keys);

    [LoggerMessage(EventId = 2006, EventName = "WeightsIgnored", Level = LogLevel.Debug,
        Message = "{Source}: {Count} buffers the model recomputes were ignored: {Keys}")]
    private static partial void Ignored(ILogger logger, string source, int count, string keys);

    [LoggerMessage(EventId = 2007, EventName = "WeightsMissing", Level = LogLevel.Warning,
        Message = "{Source}: {Count} model keys got no value and keep their initial values: {Keys}")]
    private static partial void Missing(ILogger logger, string source, int count, string keys);

    [LoggerMessage(EventId = 2008, EventName = "WeightsUnexpected", Level = LogLevel.Warning,
        Message = "{Source}: {Count} checkpoint keys match nothing in the model: {Keys}")]
    private static partial void Unexpected(ILogger logger, string source, int count, string keys);

    /// <summary>Logs what <paramref name="report"/> says: a summary, renaming, notes, resampling and every key not simply loaded.</summary>
    public static void Report(ILogger logger, LoadReport report)
    {
        string source = report.SourcePath ?? "in-memory weights";
        if (logger.IsEnabled(LogLevel.Information))
        {
            Loaded(logger, report.Loaded.Count, source, report.Format?.ToString() ?? "state dict", report.Layout, report.Missing.Count,
                report.Unexpected.Count, report.Ignored.Count, report.ClassifierDropped.Count, report.Resampled.Count);
            if (report.Layout != CheckpointLayout.Timm) Renamed(logger, source, report.Layout);
            foreach (TensorResize resize in report.Resampled) Resampled(logger, source, resize.ToString());
            if (report.ClassifierDropped.Count > 0) ClassifierDropped(logger, source, report.ClassifierDropped.Count, Keys(report.ClassifierDropped));
        }
        if (logger.IsEnabled(LogLevel.Debug))
        {
            foreach (string note in report.Notes) Note(logger, source, note);
            if (report.Ignored.Count > 0) Ignored(logger, source, report.Ignored.Count, Keys(report.Ignored));
        }
        if (report.Missing.Count > 0) Missing(logger, source, report.Missing.Count, Keys(report.Missing));
        if (report.Unexpected.Count > 0) Unexpected(logger, source, report.Unexpected.Count, Keys(report.Unexpected));
    }

    private static string Keys(IReadOnlyList<string> keys) =>
        string.Join(", ", keys.Take(KeysNamed)) + (keys.Count > KeysNamed ? $" and {keys.Count - KeysNamed} more" : "");
}
