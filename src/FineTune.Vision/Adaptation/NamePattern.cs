using System.Text;
using RegexOptions = System.Text.RegularExpressions.RegexOptions;

namespace FineTune.Vision.Adaptation;

/// <summary>
/// A pattern over module or parameter names (timm state-dict keys such as <c>blocks.3.attn.qkv.weight</c>).
/// A glob matches the whole name, with <c>*</c> for any run of characters (dots included) and <c>?</c> for one character;
/// a glob without wildcards also matches as a dotted suffix, as PEFT's <c>target_modules</c> do (<c>qkv</c> matches
/// <c>blocks.0.attn.qkv</c>). A regex must match the whole name. Strings convert implicitly to globs.
/// </summary>
public sealed class NamePattern
{
    private readonly System.Text.RegularExpressions.Regex _regex;
    private readonly string? _suffix;

    private NamePattern(string text, bool isRegex, System.Text.RegularExpressions.Regex regex, string? suffix)
    {
        Text = text;
        IsRegex = isRegex;
        _regex = regex;
        _suffix = suffix;
    }

    /// <summary>The pattern as written.</summary>
    public string Text { get; }

    /// <summary>Whether <see cref="Text"/> is a regular expression (otherwise a glob).</summary>
    public bool IsRegex { get; }

    /// <summary>A glob pattern (see the type's remarks).</summary>
    /// <exception cref="ArgumentException">The pattern is empty.</exception>
    public static NamePattern Glob(string glob)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(glob);
        var sb = new StringBuilder("^");
        foreach (char c in glob)
        {
            sb.Append(c switch { '*' => ".*", '?' => ".", _ => System.Text.RegularExpressions.Regex.Escape(c.ToString()) });
        }
        sb.Append('$');
        bool literal = glob.IndexOfAny(['*', '?']) < 0;
        return new NamePattern(glob, false, new System.Text.RegularExpressions.Regex(sb.ToString(), RegexOptions.CultureInvariant), literal ? "." + glob : null);
    }

    /// <summary>A regular expression that must match the whole name.</summary>
    /// <exception cref="ArgumentException">The expression is empty or invalid.</exception>
    public static NamePattern Regex(string regex)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(regex);
        return new NamePattern(regex, true, new System.Text.RegularExpressions.Regex($"^(?:{regex})$", RegexOptions.CultureInvariant), null);
    }

    /// <summary>A glob from a string.</summary>
    public static implicit operator NamePattern(string glob) => Glob(glob);

    /// <summary>Whether the pattern matches <paramref name="name"/> (whole name, or dotted suffix for a literal glob).</summary>
    public bool IsMatch(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _regex.IsMatch(name) || (_suffix is not null && name.EndsWith(_suffix, StringComparison.Ordinal));
    }

    /// <summary>
    /// Whether the pattern names the parameter <paramref name="parameterName"/> or one of the modules that hold it:
    /// <c>head</c> and <c>blocks.11</c> match <c>head.weight</c> and <c>blocks.11.mlp.fc1.bias</c>.
    /// </summary>
    public bool MatchesParameter(string parameterName)
    {
        ArgumentNullException.ThrowIfNull(parameterName);
        if (IsMatch(parameterName)) return true;
        for (int i = parameterName.IndexOf('.'); i > 0; i = parameterName.IndexOf('.', i + 1))
        {
            if (IsMatch(parameterName[..i])) return true;
        }
        return false;
    }

    /// <inheritdoc />
    public override string ToString() => IsRegex ? $"regex:{Text}" : Text;
}
