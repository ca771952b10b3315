using System.Globalization;

namespace FineTune.Vision.Optim.Schedules;

/// <summary>
/// Reads named schedule arguments given as strings (PyTorch's argument names, from a command line or a config),
/// remembering which were asked for so that unknown or misspelt names can be reported.
/// </summary>
internal sealed class ScheduleArguments(string kind, IReadOnlyDictionary<string, string> values)
{
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public bool Has(string name)
    {
        _known.Add(name);
        return values.ContainsKey(name);
    }

    public double Double(string name, double? fallback = null) =>
        Parse(name, fallback, s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : null, "a number");

    public long Long(string name, long? fallback = null) =>
        Parse(name, fallback, s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d == Math.Floor(d) ? (long)d : null, "an integer");

    public bool Bool(string name, bool fallback) =>
        Parse<bool>(name, fallback, s => s.ToLowerInvariant() switch { "true" or "1" or "yes" => true, "false" or "0" or "no" => false, _ => null }, "true or false");

    public string Text(string name, string fallback) => Raw(name) ?? fallback;

    public long[] LongList(string name)
    {
        string text = Raw(name) ?? throw Missing(name, "a comma-separated list of integers, e.g. 30,60,90");
        var parts = text.Trim('[', ']', '(', ')', ' ').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = new long[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!long.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out result[i]))
                throw new ArgumentException($"{kind}: argument '{name}' must be a comma-separated list of integers (was '{text}').");
        return result;
    }

    /// <summary>Throws if an argument was given that the schedule does not take.</summary>
    public void RejectUnknown()
    {
        var unknown = values.Keys.Where(k => !_known.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"{kind} does not take {string.Join(", ", unknown.Select(u => $"'{u}'"))}; it takes {string.Join(", ", _known.Order())}.");
    }

    private string? Raw(string name)
    {
        _known.Add(name);
        return values.TryGetValue(name, out string? text) ? text.Trim() : null;
    }

    private T Parse<T>(string name, T? fallback, Func<string, T?> parse, string expected) where T : struct
    {
        string? text = Raw(name);
        if (text is null) return fallback ?? throw Missing(name, expected);
        return parse(text) ?? throw new ArgumentException($"{kind}: argument '{name}' must be {expected} (was '{text}').");
    }

    private ArgumentException Missing(string name, string expected) => new($"{kind} needs the argument '{name}' ({expected}).");
}
