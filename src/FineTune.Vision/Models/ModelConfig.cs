using System.Globalization;
using System.Text.Json.Serialization;

namespace FineTune.Vision.Models;

/// <summary>
/// Architecture hyper-parameters shared by every family, named after timm's keyword arguments
/// (<c>num_classes</c> → <see cref="NumClasses"/>, <c>drop_path_rate</c> → <see cref="DropPathRate"/>, ...).
/// Family records add their own. Change values with <c>with</c> or with <see cref="WithOverrides"/> (timm kwarg names).
/// </summary>
public abstract record ModelConfig
{
    /// <summary>timm <c>num_classes</c>. <value>Default: 1000.</value></summary>
    public int NumClasses { get; init; } = 1000;

    /// <summary>timm <c>img_size</c> (square). <value>Default: 224.</value></summary>
    public int ImgSize { get; init; } = 224;

    /// <summary>timm <c>patch_size</c>. <value>Default: 16.</value></summary>
    public int PatchSize { get; init; } = 16;

    /// <summary>timm <c>in_chans</c>. <value>Default: 3.</value></summary>
    public int InChans { get; init; } = 3;

    /// <summary>timm <c>embed_dim</c> (Swin: the first stage's width). <value>Default: 768.</value></summary>
    public int EmbedDim { get; init; } = 768;

    /// <summary>timm <c>mlp_ratio</c>. <value>Default: 4.</value></summary>
    public double MlpRatio { get; init; } = 4.0;

    /// <summary>timm <c>qkv_bias</c>. <value>Default: true.</value></summary>
    public bool QkvBias { get; init; } = true;

    /// <summary>timm <c>drop_rate</c>: dropout before the classifier. <value>Default: 0.</value></summary>
    public double DropRate { get; init; }

    /// <summary>timm <c>pos_drop_rate</c>: dropout after adding position embeddings. <value>Default: 0.</value></summary>
    public double PosDropRate { get; init; }

    /// <summary>timm <c>proj_drop_rate</c>: dropout after attention and MLP projections. <value>Default: 0.</value></summary>
    public double ProjDropRate { get; init; }

    /// <summary>timm <c>attn_drop_rate</c>: dropout on attention weights. <value>Default: 0.</value></summary>
    public double AttnDropRate { get; init; }

    /// <summary>timm <c>drop_path_rate</c>: stochastic depth (per-block schedule is family-specific). <value>Default: 0.</value></summary>
    public double DropPathRate { get; init; }

    /// <summary>The family name, for messages (<c>vit</c>, <c>beit</c>, <c>swin</c>, <c>cait</c>).</summary>
    [JsonIgnore]
    public abstract string Family { get; }

    /// <summary>The timm kwarg names <see cref="WithOverrides"/> accepts for this family.</summary>
    [JsonIgnore]
    public virtual IReadOnlyList<string> OverrideKeys =>
    [
        "num_classes", "img_size", "patch_size", "in_chans", "embed_dim", "mlp_ratio", "qkv_bias", "drop_rate",
        "pos_drop_rate", "proj_drop_rate", "attn_drop_rate", "drop_path_rate",
    ];

    /// <summary>
    /// A copy with values set by timm kwarg name (<c>num_classes=200</c>, <c>depths=2,2,6</c>, <c>init_values=none</c>).
    /// Unknown keys and unparsable values throw <see cref="ArgumentException"/> naming the key, value and accepted keys.
    /// </summary>
    public ModelConfig WithOverrides(IReadOnlyDictionary<string, string> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        ModelConfig config = this;
        foreach (var (key, value) in overrides)
        {
            ModelConfig? next;
            try
            {
                next = config.ApplyOverride(key.Trim(), value.Trim());
            }
            catch (FormatException e)
            {
                throw new ArgumentException($"Override {key}={value} for a {Family} model: {e.Message}", nameof(overrides), e);
            }
            config = next ?? throw new ArgumentException(
                $"Unknown override key '{key}' for a {Family} model; accepted keys: {string.Join(", ", OverrideKeys)}.",
                nameof(overrides));
        }
        return config;
    }

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> listing every problem at once.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (NumClasses < 0) errors.Add($"num_classes must be >= 0 (was {NumClasses}).");
        if (ImgSize <= 0 || PatchSize <= 0 || InChans <= 0 || EmbedDim <= 0)
            errors.Add($"img_size, patch_size, in_chans and embed_dim must be > 0 (were {ImgSize}, {PatchSize}, {InChans}, {EmbedDim}).");
        else if (ImgSize % PatchSize != 0)
            errors.Add($"img_size {ImgSize} is not a multiple of patch_size {PatchSize}.");
        if (!(MlpRatio > 0) || double.IsInfinity(MlpRatio)) errors.Add($"mlp_ratio must be > 0 (was {MlpRatio}).");
        CheckRate(errors, "drop_rate", DropRate);
        CheckRate(errors, "pos_drop_rate", PosDropRate);
        CheckRate(errors, "proj_drop_rate", ProjDropRate);
        CheckRate(errors, "attn_drop_rate", AttnDropRate);
        CheckRate(errors, "drop_path_rate", DropPathRate);
        ValidateFamily(errors);
        if (errors.Count > 0)
            throw new ArgumentException($"Invalid {GetType().Name}:\n  " + string.Join("\n  ", errors));
    }

    /// <summary>Adds family-specific problems to <paramref name="errors"/>.</summary>
    protected abstract void ValidateFamily(List<string> errors);

    /// <summary>Applies one override; returns null when <paramref name="key"/> is not known.</summary>
    protected virtual ModelConfig? ApplyOverride(string key, string value) => key switch
    {
        "num_classes" => this with { NumClasses = ParseInt(value) },
        "img_size" => this with { ImgSize = ParseInt(value) },
        "patch_size" => this with { PatchSize = ParseInt(value) },
        "in_chans" => this with { InChans = ParseInt(value) },
        "embed_dim" => this with { EmbedDim = ParseInt(value) },
        "mlp_ratio" => this with { MlpRatio = ParseDouble(value) },
        "qkv_bias" => this with { QkvBias = ParseBool(value) },
        "drop_rate" => this with { DropRate = ParseDouble(value) },
        "pos_drop_rate" => this with { PosDropRate = ParseDouble(value) },
        "proj_drop_rate" => this with { ProjDropRate = ParseDouble(value) },
        "attn_drop_rate" => this with { AttnDropRate = ParseDouble(value) },
        "drop_path_rate" => this with { DropPathRate = ParseDouble(value) },
        _ => null,
    };

    /// <summary>Parses an integer (invariant culture).</summary>
    protected static int ParseInt(string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)
            ? v : throw new FormatException($"'{value}' is not an integer.");

    /// <summary>Parses a number (invariant culture).</summary>
    protected static double ParseDouble(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
            ? v : throw new FormatException($"'{value}' is not a number.");

    /// <summary>Parses a number or <c>none</c>/<c>null</c> (null).</summary>
    protected static double? ParseNullableDouble(string value) =>
        value.Equals("none", StringComparison.OrdinalIgnoreCase) || value.Equals("null", StringComparison.OrdinalIgnoreCase)
            ? null : ParseDouble(value);

    /// <summary>Parses true/false/1/0.</summary>
    protected static bool ParseBool(string value) => value.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        _ => throw new FormatException($"'{value}' is not a boolean (true/false)."),
    };

    /// <summary>Parses a comma-separated integer list (<c>2,2,6,2</c>, brackets and parentheses allowed).</summary>
    protected static int[] ParseIntList(string value) =>
        value.Trim('[', ']', '(', ')').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(ParseInt).ToArray();

    /// <summary>Parses <c>token</c>, <c>avg</c> or an empty string / <c>none</c>.</summary>
    protected static GlobalPool ParsePool(string value) => value.ToLowerInvariant() switch
    {
        "token" => GlobalPool.Token,
        "avg" => GlobalPool.Avg,
        "" or "none" or "''" => GlobalPool.None,
        _ => throw new FormatException($"'{value}' is not a global_pool (token, avg or none)."),
    };

    private static void CheckRate(List<string> errors, string name, double rate)
    {
        if (rate is < 0 or >= 1 || double.IsNaN(rate)) errors.Add($"{name} must be in [0, 1) (was {rate}).");
    }
}
