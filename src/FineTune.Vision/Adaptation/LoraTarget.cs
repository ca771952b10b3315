namespace FineTune.Vision.Adaptation;

/// <summary>
/// Which Linear modules get a LoRA adapter: a name pattern, and for timm's fused <c>qkv</c> projections optionally the
/// slices to adapt (q and v only, which PEFT cannot express on a fused projection).
/// </summary>
/// <param name="Pattern">Module-name pattern (<see cref="NamePattern"/>; a literal matches as a dotted suffix).</param>
/// <param name="FusedParts">Slices of a fused q/k/v output to adapt, or null to adapt the whole output.</param>
public sealed record LoraTarget(NamePattern Pattern, QkvParts? FusedParts = null)
{
    /// <summary>Adapts the whole output of the matching Linear modules.</summary>
    public static LoraTarget Linear(NamePattern pattern) => new(pattern);

    /// <summary>Adapts the <paramref name="parts"/> slices of matching fused <c>qkv</c> projections.</summary>
    public static LoraTarget FusedQkv(NamePattern pattern, QkvParts parts = QkvParts.QV) => new(pattern, parts);

    /// <summary>The form stored in adapter files: <c>qkv[q,v]</c>, <c>attn.proj</c>, <c>regex:...</c>.</summary>
    public override string ToString() =>
        FusedParts is { } p ? $"{Pattern}[{string.Join(",", Enum.GetValues<QkvParts>().Where(v => v is QkvParts.Q or QkvParts.K or QkvParts.V && p.HasFlag(v)).Select(v => v.ToString().ToLowerInvariant()))}]"
        : Pattern.ToString();

    /// <summary>Parses the form written by <see cref="ToString"/>.</summary>
    /// <exception cref="FormatException">The text is not a target.</exception>
    public static LoraTarget Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        QkvParts? parts = null;
        string pattern = text;
        if (text.EndsWith(']') && text.LastIndexOf('[') is var open and > 0)
        {
            parts = 0;
            foreach (string p in text[(open + 1)..^1].Split(','))
            {
                parts |= p.Trim() switch
                {
                    "q" => QkvParts.Q, "k" => QkvParts.K, "v" => QkvParts.V,
                    _ => throw new FormatException($"LoRA target '{text}': unknown slice '{p}'; use q, k or v."),
                };
            }
            pattern = text[..open];
        }
        var np = pattern.StartsWith("regex:", StringComparison.Ordinal) ? NamePattern.Regex(pattern[6..]) : NamePattern.Glob(pattern);
        return new LoraTarget(np, parts);
    }
}
