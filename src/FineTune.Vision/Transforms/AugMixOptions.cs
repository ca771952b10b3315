using System.Globalization;
using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// Settings of <see cref="AugMix"/>, with the defaults of timm's <c>augment_and_mix_transform</c> as timm's
/// <c>create_transform</c> calls it (relative translations up to 0.3 of the side). The config string form
/// (<c>augmix-m3-w3-d-1</c>) is read by <see cref="Parse"/>.
/// </summary>
public sealed record AugMixOptions
{
    private const string ConfigHelp =
        "Expected 'augmix' followed by dash-separated sections: m<int> magnitude, w<int> width, d<int> depth (-1 or 0: " +
        "random 1..3, written 'd-1' or 'd0'), mstd<float> magnitude noise, a<float> alpha, b<0|1> blended; e.g. 'augmix-m3-w3-d-1'.";

    /// <summary>Magnitude (severity) of every op on timm's 0–10 scale (timm <c>m</c>).</summary>
    /// <value>Default: 3.</value>
    public double Magnitude { get; init; } = 3;

    /// <summary>Number of augmentation chains mixed (timm <c>w</c>).</summary>
    /// <value>Default: 3.</value>
    public int Width { get; init; } = 3;

    /// <summary>Ops per chain (timm <c>d</c>); 0 or less draws it per chain uniformly from 1..3.</summary>
    /// <value>Default: -1 (random).</value>
    public int Depth { get; init; } = -1;

    /// <summary>Concentration of the Dirichlet chain weights and both parameters of the Beta blend with the original (timm <c>a</c>).</summary>
    /// <value>Default: 1.</value>
    public double Alpha { get; init; } = 1.0;

    /// <summary>
    /// timm's faster "blended" mode (<c>b1</c>): each chain is blended into the result with Pillow's <c>Image.blend</c> at
    /// recomputed weights, instead of a float sum of the chains blended once with the original.
    /// </summary>
    /// <value>Default: <c>false</c>.</value>
    public bool Blended { get; init; }

    /// <summary>
    /// Standard deviation of Gaussian noise on each op's magnitude (timm <c>mstd</c>); <see cref="double.PositiveInfinity"/>
    /// draws it uniformly from [0, <see cref="Magnitude"/>], timm's AugMix default.
    /// </summary>
    /// <value>Default: +∞ (uniform).</value>
    public double MagnitudeStd { get; init; } = double.PositiveInfinity;

    /// <summary>Upper clamp of the (noisy) magnitude (timm hparam <c>magnitude_max</c>); <c>null</c> means 10.</summary>
    /// <value>Default: <c>null</c>.</value>
    public double? MagnitudeMax { get; init; }

    /// <summary>Maximum relative translation of TranslateXRel/TranslateYRel (timm hparam <c>translate_pct</c>).</summary>
    /// <value>Default: 0.3, what timm's <c>create_transform</c> sets for AugMix (the op table's own default is 0.45).</value>
    public double TranslatePct { get; init; } = 0.3;

    /// <summary>Colour brought in by rotate, shear and translate (timm hparam <c>img_mean</c>).</summary>
    /// <value>Default: (128, 128, 128), timm's <c>_FILL</c>.</value>
    public RgbColor Fill { get; init; } = RgbColor.Gray(128);

    /// <summary>Filters of the geometric ops, one drawn per application when there are several (timm's <c>_RANDOM_INTERPOLATION</c>).</summary>
    /// <value>Default: [<see cref="Interpolation.Bilinear"/>, <see cref="Interpolation.Bicubic"/>], as timm.</value>
    public IReadOnlyList<Interpolation> Interpolations { get; init; } = [Interpolation.Bilinear, Interpolation.Bicubic];

    /// <summary>Checks every setting and throws one exception that lists all the problems.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        List<string> errors = [];
        if (!(Magnitude >= 0)) errors.Add($"{nameof(Magnitude)} must be >= 0 (was {Magnitude}).");
        if (Width < 1) errors.Add($"{nameof(Width)} must be >= 1 (was {Width}).");
        if (!(Alpha > 0) || double.IsInfinity(Alpha)) errors.Add($"{nameof(Alpha)} must be finite and > 0 (was {Alpha}).");
        if (!(MagnitudeStd >= 0)) errors.Add($"{nameof(MagnitudeStd)} must be >= 0 or +infinity (was {MagnitudeStd}).");
        if (MagnitudeMax is double max && !(max > 0)) errors.Add($"{nameof(MagnitudeMax)} must be > 0 (was {max}).");
        if (!(TranslatePct >= 0)) errors.Add($"{nameof(TranslatePct)} must be >= 0 (was {TranslatePct}).");
        if (Interpolations is null || Interpolations.Count == 0) errors.Add($"{nameof(Interpolations)} must hold at least one filter.");
        else errors.AddRange(Interpolations.Select(i => AugmentOpRunner.CheckInterpolation(i, nameof(Interpolations))).OfType<string>().Distinct());
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(AugMixOptions)}:\n  " + string.Join("\n  ", errors));
    }

    /// <summary>
    /// Reads timm's AugMix config string, e.g. <c>augmix-m3-w3-d-1</c> or <c>augmix-m5-w4-d2-mstd0.5</c>. Sections (any
    /// order, after <c>augmix</c>): <c>m</c> magnitude (int), <c>w</c> width (int), <c>d</c> depth (int; <c>d-1</c> or
    /// <c>d0</c> is random 1..3), <c>mstd</c> magnitude noise, <c>a</c> alpha, <c>b</c> blended (0 or 1). Unset values keep
    /// those of <paramref name="defaults"/>.
    /// </summary>
    /// <remarks>
    /// Stricter than timm, which skips sections without a number, fails on <c>d-1</c> (its parser sees a section
    /// <c>1</c> without a key) and reads <c>b0</c> as true (Python's <c>bool("0")</c>): here such sections are errors,
    /// <c>d-1</c> is the random depth timm's docstring means, and <c>b0</c> is the basic mode.
    /// </remarks>
    /// <param name="config">The config string.</param>
    /// <param name="defaults">Settings the string does not mention; <c>null</c> means <see cref="AugMixOptions"/>' defaults.</param>
    /// <exception cref="FormatException">The string is malformed; the message quotes the bad section.</exception>
    public static AugMixOptions Parse(string config, AugMixOptions? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        AugMixOptions o = defaults ?? new AugMixOptions();
        List<string> sections = [.. config.Trim().Split('-')];
        if (sections[0] != "augmix")
            throw new FormatException($"AugMix config '{config}' must start with 'augmix', not '{sections[0]}'. {ConfigHelp}");
        for (int i = 1; i < sections.Count; i++)
        {
            string section = sections[i];
            if (section.Length > 0 && char.IsLetter(section[^1]) && i + 1 < sections.Count && sections[i + 1].Length > 0 && char.IsDigit(sections[i + 1][0]))
                section += "-" + sections[++i]; // a negative number: 'd-1'
            o = ParseSection(config, section, o);
        }
        try
        {
            o.Validate();
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"AugMix config '{config}' gives invalid settings: {e.Message}", e);
        }
        return o;
    }

    private static AugMixOptions ParseSection(string config, string section, AugMixOptions o)
    {
        if (section.Length == 0) throw Bad(config, section, "an empty section (doubled or trailing '-')");
        int digit = section.IndexOfAny("-0123456789".ToCharArray());
        if (digit <= 0) throw Bad(config, section, digit < 0 ? "a section without a number" : "a number without a key");
        string key = section[..digit], value = section[digit..];
        return key switch
        {
            "m" => o with { Magnitude = Int(config, section, value) },
            "w" => o with { Width = Int(config, section, value) },
            "d" => o with { Depth = Int(config, section, value) },
            "mstd" => o with { MagnitudeStd = Float(config, section, value) },
            "a" => o with { Alpha = Float(config, section, value) },
            "b" => o with { Blended = Int(config, section, value) != 0 },
            _ => throw Bad(config, section, $"the unknown key '{key}'"),
        };
    }

    private static int Int(string config, string section, string value) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v) ? v
            : throw Bad(config, section, $"'{value}', which is not a whole number");

    private static double Float(string config, string section, string value) =>
        double.TryParse(value, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out double v) ? v
            : throw Bad(config, section, $"'{value}', which is not a number");

    private static FormatException Bad(string config, string section, string what) =>
        new($"AugMix config '{config}': section '{section}' has {what}. {ConfigHelp}");
}
