using System.Globalization;

namespace FineTune.Vision.Transforms;

public sealed partial record RandAugmentOptions
{
    private const string ConfigHelp =
        "Expected 'rand' followed by dash-separated sections: m<int> magnitude, n<int> ops, p<float> probability, " +
        "mstd<float> magnitude noise (> 100 = uniform), mmax<int> magnitude clamp, inc<0|1> increasing ops, tweights; " +
        "e.g. 'rand-m9-mstd0.5-inc1'.";

    /// <summary>
    /// Reads timm's RandAugment config string, e.g. <c>rand-m9-mstd0.5-inc1</c> or <c>rand-m7-n3-p0.8-tweights</c>.
    /// Sections (any order, after <c>rand</c>): <c>m</c> magnitude (int), <c>n</c> ops (int), <c>p</c> probability per op,
    /// <c>mstd</c> magnitude noise (above 100 means uniform), <c>mmax</c> magnitude clamp (int), <c>inc</c> increasing op
    /// set (0 or 1), <c>t</c> op set name (only <c>weights</c>). Unset values keep the defaults of <paramref name="defaults"/>.
    /// </summary>
    /// <remarks>
    /// Stricter than timm, which skips sections without a number and reads <c>inc0</c> as true (Python's
    /// <c>bool("0")</c>): here such sections are errors, and <c>inc0</c> means the standard op set.
    /// </remarks>
    /// <param name="config">The config string.</param>
    /// <param name="defaults">Settings that the string does not mention (fill, interpolations, ...); <c>null</c> means timm's defaults.</param>
    /// <exception cref="FormatException">The string is malformed; the message quotes the bad section.</exception>
    public static RandAugmentOptions Parse(string config, RandAugmentOptions? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        RandAugmentOptions o = defaults ?? new RandAugmentOptions();
        string[] sections = config.Trim().Split('-');
        if (sections[0] != "rand")
            throw new FormatException($"RandAugment config '{config}' must start with 'rand', not '{sections[0]}'. {ConfigHelp}");
        foreach (string section in sections.Skip(1))
            o = ParseSection(config, section, o);
        try
        {
            o.Validate();
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"RandAugment config '{config}' gives invalid settings: {e.Message}", e);
        }
        return o;
    }

    private static RandAugmentOptions ParseSection(string config, string section, RandAugmentOptions o)
    {
        if (section.Length == 0) throw Bad(config, section, "an empty section (doubled or trailing '-')");
        if (section[0] == 't')
        {
            string set = section[1..];
            return set == "weights" ? o with { Weighted = true }
                : throw Bad(config, section, $"op set '{set}', which is not supported (only 'tweights')");
        }
        int digit = section.IndexOfAny("0123456789".ToCharArray());
        if (digit <= 0) throw Bad(config, section, digit < 0 ? "a section without a number" : "a number without a key");
        string key = section[..digit], value = section[digit..];
        return key switch
        {
            "m" => o with { Magnitude = Int(config, section, value) },
            "n" => o with { NumOps = Int(config, section, value) },
            "p" => o with { Probability = Float(config, section, value) },
            "mstd" => o with { MagnitudeStd = Float(config, section, value) is var s && s > 100 ? double.PositiveInfinity : s },
            "mmax" => o with { MagnitudeMax = Int(config, section, value) },
            "inc" => o with { Increasing = Int(config, section, value) != 0 },
            _ => throw Bad(config, section, $"the unknown key '{key}'"),
        };
    }

    private static int Int(string config, string section, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v
            : throw Bad(config, section, $"'{value}', which is not a whole number");

    private static double Float(string config, string section, string value) =>
        double.TryParse(value, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out double v) ? v
            : throw Bad(config, section, $"'{value}', which is not a number");

    private static FormatException Bad(string config, string section, string what) =>
        new($"RandAugment config '{config}': section '{section}' has {what}. {ConfigHelp}");
}
