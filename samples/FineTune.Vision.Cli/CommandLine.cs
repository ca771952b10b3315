using System.Globalization;

namespace FineTune.Vision.Cli;

/// <summary>
/// The parsed arguments of one verb: <c>--name value</c> options (an option may repeat, e.g. <c>--set k=v</c>) and
/// <c>--flag</c> switches. Every option a verb reads is remembered, so unknown ones are reported by name.
/// </summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private CommandLine(string verb, IReadOnlyList<string> arguments) => (Verb, Arguments) = (verb, arguments);

    /// <summary>The verb (first argument).</summary>
    public string Verb { get; }

    /// <summary>The arguments after the verb, as given (for verbs that hand them on, e.g. <c>train</c> to a recipe).</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>Parses <c>verb --name value ... --flag</c>. A token after <c>--name</c> that does not start with <c>--</c> is its value.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0) throw new UsageException("No verb given.");
        var line = new CommandLine(args[0], [.. args.Skip(1)]);
        for (int i = 1; i < args.Count; i++)
        {
            string token = args[i];
            if (!token.StartsWith("--", StringComparison.Ordinal) || token.Length == 2)
                throw new UsageException($"Unexpected argument '{token}': options are written --name value.");
            string name = token[2..];
            if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                if (!line._options.TryGetValue(name, out var values)) line._options[name] = values = [];
                values.Add(args[++i]);
            }
            else
            {
                line._flags.Add(name);
            }
        }
        return line;
    }

    /// <summary>The value of a required option.</summary>
    public string Required(string name) => Optional(name) ?? throw new UsageException($"{Verb}: --{name} is required.");

    /// <summary>The value of an option, or null.</summary>
    public string? Optional(string name)
    {
        _read.Add(name);
        if (!_options.TryGetValue(name, out var values)) return null;
        if (values.Count > 1) throw new UsageException($"{Verb}: --{name} was given {values.Count} times; give it once.");
        return values[0];
    }

    /// <summary>Every value of an option that may repeat (e.g. <c>--images a.jpg --images b.jpg</c>), in order; empty when absent.</summary>
    public IReadOnlyList<string> Values(string name)
    {
        _read.Add(name);
        return _options.TryGetValue(name, out var values) ? values : [];
    }

    /// <summary>An integer option.</summary>
    public int Int(string name, int fallback)
    {
        string? text = Optional(name);
        if (text is null) return fallback;
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v
            : throw new UsageException($"{Verb}: --{name} must be an integer (was '{text}').");
    }

    /// <summary>A floating-point option.</summary>
    public double Double(string name)
    {
        string text = Required(name);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v
            : throw new UsageException($"{Verb}: --{name} must be a number (was '{text}').");
    }

    /// <summary>Whether a switch was given.</summary>
    public bool Flag(string name)
    {
        _read.Add(name);
        return _flags.Contains(name);
    }

    /// <summary>All <c>--set key=value</c> pairs (or another repeated option of that form), in order; later ones win.</summary>
    public Dictionary<string, string> KeyValues(string name = "set")
    {
        _read.Add(name);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in _options.GetValueOrDefault(name) ?? [])
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new UsageException($"{Verb}: --{name} takes key=value (was '{pair}').");
            result[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
        }
        return result;
    }

    /// <summary>Throws for options or switches that the verb never read (typos).</summary>
    public void RejectUnknown()
    {
        var unknown = _options.Keys.Concat(_flags).Where(n => !_read.Contains(n)).ToList();
        if (unknown.Count > 0)
            throw new UsageException($"{Verb}: unknown option(s) {string.Join(", ", unknown.Select(u => "--" + u))}; it takes {string.Join(", ", _read.Order().Select(r => "--" + r))}.");
    }
}

/// <summary>A command-line mistake: printed with the usage text, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
