using System.Globalization;

namespace FineTune.Vision.Benchmarks.Reports;

/// <summary><c>--name value</c> options of the report commands, with defaults per option.</summary>
public sealed class ReportArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    /// <summary>Parses the arguments after the command name (<c>--batch 16 --no-bf16</c>).</summary>
    public ReportArguments(IEnumerable<string> arguments)
    {
        string? pending = null;
        foreach (string a in arguments)
        {
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                if (pending is not null) _flags.Add(pending);
                pending = a[2..];
            }
            else if (pending is not null)
            {
                _values[pending] = a;
                pending = null;
            }
            else
            {
                throw new ArgumentException($"Unexpected argument '{a}'; options are --name value (e.g. --batch 16).");
            }
        }
        if (pending is not null) _flags.Add(pending);
    }

    /// <summary>The integer option <paramref name="name"/>, or <paramref name="fallback"/>.</summary>
    public int Int(string name, int fallback) =>
        _values.TryGetValue(name, out string? v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    /// <summary>The string option <paramref name="name"/>, or null.</summary>
    public string? Text(string name) => _values.GetValueOrDefault(name);

    /// <summary>Whether the flag <c>--<paramref name="name"/></c> was given.</summary>
    public bool Flag(string name) => _flags.Contains(name);
}
