using System.CommandLine;

namespace FineTune.Vision.Cli;

/// <summary>
/// The values System.CommandLine parsed for one verb, read by option name (<c>"model"</c> for <c>--model</c>) with the
/// checks the verbs share: a missing required option or a value out of range is a <see cref="UsageException"/> that names
/// the option. Types, unknown options and repeated single-value options are System.CommandLine's to report.
/// </summary>
public sealed class VerbInput
{
    private readonly ParseResult _parse;

    /// <summary>Wraps the parse result of one verb.</summary>
    public VerbInput(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        _parse = parse;
    }

    /// <summary>The verb (the command's name).</summary>
    public string Verb => _parse.CommandResult.Command.Name;

    /// <summary>The parse result itself.</summary>
    public ParseResult Parse => _parse;

    /// <summary>Whether <c>--name</c> was written on the command line.</summary>
    public bool Given(string name) => _parse.GetResult("--" + name) is System.CommandLine.Parsing.OptionResult { Implicit: false };

    /// <summary>The value of a required option.</summary>
    /// <exception cref="UsageException">The option is absent.</exception>
    public string Required(string name) => Optional(name) ?? throw new UsageException($"{Verb}: --{name} is required.");

    /// <summary>The value of a string option, or null.</summary>
    public string? Optional(string name) => _parse.GetValue<string?>("--" + name);

    /// <summary>Every value of an option that may repeat (e.g. <c>--images a.jpg --images b.jpg</c>), in order; empty when absent.</summary>
    public IReadOnlyList<string> Values(string name) => _parse.GetValue<string[]?>("--" + name) ?? [];

    /// <summary>An integer option, or <paramref name="fallback"/>.</summary>
    public int Int(string name, int fallback) => Given(name) ? _parse.GetValue<int>("--" + name) : fallback;

    /// <summary>A floating-point option, or <paramref name="fallback"/> (null: required).</summary>
    /// <exception cref="UsageException">The option is absent and has no fallback, or is not finite.</exception>
    public double Double(string name, double? fallback = null)
    {
        double value = Given(name) ? _parse.GetValue<double>("--" + name) : fallback ?? throw new UsageException($"{Verb}: --{name} is required.");
        return double.IsFinite(value) ? value : throw new UsageException($"{Verb}: --{name} must be a finite number (was {value}).");
    }

    /// <summary>Whether a switch was given.</summary>
    public bool Flag(string name) => _parse.GetValue<bool>("--" + name);

    /// <summary>All <c>key=value</c> pairs of a repeated option (<c>--set</c> by default), in order; later ones win.</summary>
    /// <exception cref="UsageException">A value is not <c>key=value</c>.</exception>
    public Dictionary<string, string> KeyValues(string name = "set") => ParseKeyValues(Verb, name, Values(name));

    /// <summary>Splits <c>key=value</c> texts (the values of <c>--<paramref name="name"/></c>); later keys win.</summary>
    /// <exception cref="UsageException">A text is not <c>key=value</c>.</exception>
    public static Dictionary<string, string> ParseKeyValues(string verb, string name, IEnumerable<string> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in pairs)
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new UsageException($"{verb}: --{name} takes key=value (was '{pair}').");
            result[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
        }
        return result;
    }
}

/// <summary>A command-line mistake: printed as <c>error: message</c> with a pointer to <c>--help</c>, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
