using System.Globalization;

namespace FineTune.Vision.Recipes;

/// <summary>
/// A recipe's command line: <c>--name value</c> options and <c>--flag</c> switches. Every name a recipe reads is
/// remembered, so that <see cref="RejectUnknown"/> can name typos and list what the recipe takes.
/// </summary>
public sealed class RecipeArguments
{
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private RecipeArguments(string recipe) => Recipe = recipe;

    /// <summary>The recipe these arguments are for (used in messages).</summary>
    public string Recipe { get; }

    /// <summary>Parses <c>--name value ... --flag</c>. A token after <c>--name</c> that does not start with <c>--</c> is its value.</summary>
    /// <exception cref="RecipeUsageException">A bare word, or an option given twice.</exception>
    public static RecipeArguments Parse(string recipe, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var parsed = new RecipeArguments(recipe);
        for (int i = 0; i < args.Count; i++)
        {
            string token = args[i];
            if (!token.StartsWith("--", StringComparison.Ordinal) || token.Length == 2)
                throw new RecipeUsageException($"{recipe}: unexpected argument '{token}'; options are written --name value.");
            string name = token[2..];
            if (parsed._options.ContainsKey(name) || parsed._flags.Contains(name))
                throw new RecipeUsageException($"{recipe}: --{name} was given twice; give it once.");
            if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) parsed._options[name] = args[++i];
            else parsed._flags.Add(name);
        }
        return parsed;
    }

    /// <summary>The value of an option, or null when it is absent.</summary>
    /// <exception cref="RecipeUsageException">The option was written as a switch, without a value.</exception>
    public string? Optional(string name)
    {
        _read.Add(name);
        if (_flags.Contains(name)) throw new RecipeUsageException($"{Recipe}: --{name} needs a value (--{name} VALUE).");
        return _options.GetValueOrDefault(name);
    }

    /// <summary>The value of a required option.</summary>
    public string Required(string name, string hint) =>
        Optional(name) ?? throw new RecipeUsageException($"{Recipe}: --{name} is required: {hint}");

    /// <summary>A positive integer option, or <paramref name="fallback"/>.</summary>
    public int Int(string name, int fallback, int min = 1)
    {
        string? text = Optional(name);
        if (text is null) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            throw new RecipeUsageException($"{Recipe}: --{name} must be an integer (was '{text}').");
        if (value < min) throw new RecipeUsageException($"{Recipe}: --{name} must be ≥ {min} (was {value}).");
        return value;
    }

    /// <summary>A positive number option, or <paramref name="fallback"/>.</summary>
    public double Double(string name, double fallback)
    {
        string? text = Optional(name);
        if (text is null) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value > 0) || double.IsInfinity(value))
            throw new RecipeUsageException($"{Recipe}: --{name} must be a positive number (was '{text}').");
        return value;
    }

    /// <summary>An option whose value must be one of <paramref name="choices"/>.</summary>
    public string Choice(string name, string fallback, params string[] choices)
    {
        string value = Optional(name) ?? fallback;
        if (!choices.Contains(value, StringComparer.Ordinal))
            throw new RecipeUsageException($"{Recipe}: --{name} must be one of {string.Join(", ", choices)} (was '{value}').");
        return value;
    }

    /// <summary>Whether a switch was given.</summary>
    /// <exception cref="RecipeUsageException">The switch was given a value.</exception>
    public bool Flag(string name)
    {
        _read.Add(name);
        if (_options.TryGetValue(name, out string? value))
            throw new RecipeUsageException($"{Recipe}: --{name} is a switch and takes no value (got '{value}').");
        return _flags.Contains(name);
    }

    /// <summary>Throws for options or switches that the recipe never read.</summary>
    public void RejectUnknown()
    {
        var unknown = _options.Keys.Concat(_flags).Where(n => !_read.Contains(n)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
            throw new RecipeUsageException(
                $"{Recipe}: unknown option(s) {string.Join(", ", unknown.Select(u => "--" + u))}; it takes {string.Join(", ", _read.Order(StringComparer.Ordinal).Select(r => "--" + r))}.");
    }
}
