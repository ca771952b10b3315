using Microsoft.Extensions.Logging;

namespace FineTune.Vision.Data;

/// <summary>The data loader's log messages (<see cref="DataLoaderOptions.Logger"/>), source-generated.</summary>
internal static partial class DataLog
{
    [LoggerMessage(EventId = 1001, EventName = "SkippedUnreadableImage", Level = LogLevel.Warning,
        Message = "Skipped unreadable image {Source} (item {Index}) in epoch {Epoch}: {Reason}")]
    public static partial void SkippedImage(ILogger logger, string source, int index, int epoch, string reason);
}
