using System.Globalization;
using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// Settings of <see cref="TimmAutoAugment"/>, with timm's defaults (<c>timm.data.auto_augment.auto_augment_transform</c>).
/// The config string form (<c>original-mstd0.5</c>) is read by <see cref="Parse"/>.
/// </summary>
public sealed record TimmAutoAugmentOptions
{
    private const string ConfigHelp =
        "Expected a policy name ('original', 'originalr', 'v0' or 'v0r') optionally followed by '-mstd<float>' " +
        "(magnitude noise); e.g. 'original-mstd0.5'.";

    /// <summary>The policy (the config string's first section).</summary>
    /// <value>Default: <see cref="TimmAutoAugmentPolicy.V0"/>, timm's default name.</value>
    public TimmAutoAugmentPolicy Policy { get; init; } = TimmAutoAugmentPolicy.V0;

    /// <summary>
    /// Standard deviation of Gaussian noise added to each step's magnitude (timm <c>mstd</c>);
    /// <see cref="double.PositiveInfinity"/> draws it uniformly from [0, magnitude].
    /// </summary>
    /// <value>Default: 0 (the policy's fixed magnitudes).</value>
    public double MagnitudeStd { get; init; }

    /// <summary>Upper clamp of the (noisy) magnitude (timm hparam <c>magnitude_max</c>); <c>null</c> means 10.</summary>
    /// <value>Default: <c>null</c>.</value>
    public double? MagnitudeMax { get; init; }

    /// <summary>Maximum relative translation of TranslateYRel (timm hparam <c>translate_pct</c>).</summary>
    /// <value>Default: 0.45.</value>
    public double TranslatePct { get; init; } = 0.45;

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
        if (!Enum.IsDefined(Policy)) errors.Add($"{nameof(Policy)} {(int)Policy} is not a {nameof(TimmAutoAugmentPolicy)}.");
        if (!(MagnitudeStd >= 0)) errors.Add($"{nameof(MagnitudeStd)} must be >= 0 or +infinity (was {MagnitudeStd}).");
        if (MagnitudeMax is double max && !(max > 0)) errors.Add($"{nameof(MagnitudeMax)} must be > 0 (was {max}).");
        if (!(TranslatePct >= 0)) errors.Add($"{nameof(TranslatePct)} must be >= 0 (was {TranslatePct}).");
        if (Interpolations is null || Interpolations.Count == 0) errors.Add($"{nameof(Interpolations)} must hold at least one filter.");
        else errors.AddRange(Interpolations.Select(i => AugmentOpRunner.CheckInterpolation(i, nameof(Interpolations))).OfType<string>().Distinct());
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(TimmAutoAugmentOptions)}:\n  " + string.Join("\n  ", errors));
    }

    /// <summary>
    /// Reads timm's AutoAugment config string: a policy name (<c>original</c>, <c>originalr</c>, <c>v0</c>, <c>v0r</c>)
    /// and optional dash-separated sections, of which timm knows one, <c>mstd</c> (the magnitude noise's standard
    /// deviation; unlike RandAugment's, timm does not read a large value as uniform here). Unset values keep those of <paramref name="defaults"/>.
    /// </summary>
    /// <remarks>Stricter than timm, which skips sections without a number: here they are errors.</remarks>
    /// <param name="config">The config string, e.g. <c>original-mstd0.5</c>.</param>
    /// <param name="defaults">Settings the string does not mention; <c>null</c> means timm's defaults.</param>
    /// <exception cref="FormatException">The string is malformed; the message quotes the bad section.</exception>
    public static TimmAutoAugmentOptions Parse(string config, TimmAutoAugmentOptions? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        TimmAutoAugmentOptions o = defaults ?? new TimmAutoAugmentOptions();
        string[] sections = config.Trim().Split('-');
        o = o with { Policy = PolicyNamed(sections[0]) ?? throw new FormatException($"AutoAugment config '{config}': unknown policy '{sections[0]}'. {ConfigHelp}") };
        foreach (string section in sections.Skip(1))
        {
            if (!section.StartsWith("mstd", StringComparison.Ordinal))
                throw new FormatException($"AutoAugment config '{config}': section '{section}' is not 'mstd<float>'. {ConfigHelp}");
            if (!double.TryParse(section.AsSpan(4), NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out double std))
                throw new FormatException($"AutoAugment config '{config}': section '{section}' has '{section[4..]}', which is not a number. {ConfigHelp}");
            o = o with { MagnitudeStd = std };
        }
        try
        {
            o.Validate();
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"AutoAugment config '{config}' gives invalid settings: {e.Message}", e);
        }
        return o;
    }

    /// <summary>The policy of a timm config name (<c>original</c>, <c>originalr</c>, <c>v0</c>, <c>v0r</c>), or null.</summary>
    internal static TimmAutoAugmentPolicy? PolicyNamed(string name) => name switch
    {
        "original" => TimmAutoAugmentPolicy.Original,
        "originalr" => TimmAutoAugmentPolicy.OriginalR,
        "v0" => TimmAutoAugmentPolicy.V0,
        "v0r" => TimmAutoAugmentPolicy.V0R,
        _ => null,
    };
}
