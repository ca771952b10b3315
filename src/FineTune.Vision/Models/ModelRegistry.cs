namespace FineTune.Vision.Models;

/// <summary>
/// Named model configurations with timm's names (<c>arch</c> or <c>arch.tag</c>), from explicit static tables
/// (no reflection, no registration side effects): names, entries, architecture and pretrained configurations. Create
/// models with <c>VisionModels.Create</c> (Weights layer), which also loads pretrained weights.
/// </summary>
public static class ModelRegistry
{
    private static readonly Lazy<(Dictionary<string, ModelEntry> ByFull, Dictionary<string, ModelEntry> ByArch)> Tables = new(Build);

    /// <summary>Architecture names, sorted.</summary>
    public static IReadOnlyList<string> Names => [.. Tables.Value.ByArch.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Every <c>arch.tag</c>, sorted.</summary>
    public static IReadOnlyList<string> PretrainedNames => [.. Tables.Value.ByFull.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The model families the registry holds (timm's file names): vit, deit, beit, swin, swinv2, cait.</summary>
    public static IReadOnlyList<string> Families { get; } = ["vit", "deit", "beit", "swin", "swinv2", "cait"];

    /// <summary>The entry for <paramref name="name"/> (<c>arch</c> → its default tag, or <c>arch.tag</c>).</summary>
    /// <exception cref="ArgumentException">
    /// Unknown name: the message lists the three nearest names of the same family, or says that the family is not
    /// supported and lists the supported ones; an unknown tag lists the architecture's tags.
    /// </exception>
    public static ModelEntry Get(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var (byFull, byArch) = Tables.Value;
        if (byFull.TryGetValue(name, out var e) || byArch.TryGetValue(name, out e)) return e;
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0 && byArch.TryGetValue(name[..dot], out var arch))
        {
            var tags = byFull.Values.Where(v => v.Architecture == arch.Architecture).Select(v => v.Tag);
            throw new ArgumentException($"Unknown tag '{name[(dot + 1)..]}' for model '{arch.Architecture}'; known tags: {string.Join(", ", tags)}.", nameof(name));
        }
        string bare = dot > 0 ? name[..dot] : name;
        string? family = NameDistance.Family(bare, Families);
        if (family is null)
        {
            throw new ArgumentException(
                $"Unknown model '{name}': the '{NameDistance.FirstToken(bare)}' family is not supported. FineTune.Vision has vision transformers only, "
                + $"families {string.Join(", ", Families)} (e.g. {string.Join(", ", Families.Select(f => byArch.Keys.Where(k => k.StartsWith(f + "_", StringComparison.Ordinal)).Order(StringComparer.Ordinal).First()))}); "
                + $"see {nameof(ModelRegistry)}.{nameof(Names)} for all {byArch.Count}.", nameof(name));
        }
        var nearest = NameDistance.Nearest(bare, byArch.Keys.Where(k => k.StartsWith(family + "_", StringComparison.Ordinal)), 3);
        throw new ArgumentException(
            $"Unknown model '{name}'. Did you mean: {string.Join(", ", nearest)}? ({byArch.Count} models in {nameof(ModelRegistry)}.{nameof(Names)})", nameof(name));
    }

    /// <summary>The architecture configuration of <paramref name="name"/>.</summary>
    public static ModelConfig GetConfig(string name) => Get(name).Config;

    /// <summary>The pretrained/data configuration of <paramref name="name"/>.</summary>
    public static PretrainedConfig GetPretrainedConfig(string name) => Get(name).Pretrained;

    private static (Dictionary<string, ModelEntry>, Dictionary<string, ModelEntry>) Build()
    {
        var byFull = new Dictionary<string, ModelEntry>(StringComparer.Ordinal);
        var byArch = new Dictionary<string, ModelEntry>(StringComparer.Ordinal);
        foreach (var e in VitVariants.All().Concat(DeitVariants.All()).Concat(BeitVariants.All()).Concat(SwinVariants.All()).Concat(SwinV2Variants.All()).Concat(CaitVariants.All()))
        {
            if (!byFull.TryAdd(e.FullName, e)) throw new InvalidOperationException($"Duplicate model registration '{e.FullName}'.");
            byArch.TryAdd(e.Architecture, e);    // the first tag listed is the default, as in timm
        }
        return (byFull, byArch);
    }
}
