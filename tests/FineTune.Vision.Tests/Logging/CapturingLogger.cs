using Microsoft.Extensions.Logging;

namespace FineTune.Vision.Tests.Logging;

/// <summary>One record a <see cref="CapturingLogger"/> kept: level, event, the formatted message and its named values.</summary>
internal sealed record LogRecord(LogLevel Level, EventId Event, string Message, IReadOnlyDictionary<string, object?> Values);

/// <summary>An <see cref="ILogger"/> that keeps every record at or above <see cref="MinimumLevel"/> (thread-safe).</summary>
internal sealed class CapturingLogger(LogLevel minimumLevel = LogLevel.Trace) : ILogger
{
    private readonly List<LogRecord> _records = [];

    public LogLevel MinimumLevel { get; } = minimumLevel;

    public IReadOnlyList<LogRecord> Records
    {
        get { lock (_records) return [.. _records]; }
    }

    public IReadOnlyList<LogRecord> Named(string eventName) => [.. Records.Where(r => r.Event.Name == eventName)];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= MinimumLevel;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel)) return;
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal)
            : new Dictionary<string, object?>(StringComparer.Ordinal);
        lock (_records) _records.Add(new LogRecord(logLevel, eventId, formatter(state, exception), values));
    }
}
