using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// Named model configurations with timm's names (<c>arch</c> or <c>arch.tag</c>), from explicit static tables
/// (no reflection, no registration side effects). Create models with timm-style overrides:
/// <code>ModelRegistry.Create("vit_base_patch16_384", new Dictionary&lt;string, string&gt; { ["num_classes"] = "200", ["drop_path_rate"] = "0.1" });</code>
/// </summary>
public static class ModelRegistry
{
    private static readonly Lazy<(Dictionary<string, ModelEntry> ByFull, Dictionary<string, ModelEntry> ByArch)> Tables = new(Build);

    /// <summary>Architecture names, sorted.</summary>
    public static IReadOnlyList<string> Names => [.. Tables.Value.ByArch.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Every <c>arch.tag</c>, sorted.</summary>
    public static IReadOnlyList<string> PretrainedNames => [.. Tables.Value.ByFull.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The entry for <paramref name="name"/> (<c>arch</c> → its default tag, or <c>arch.tag</c>).</summary>
    /// <exception cref="KeyNotFoundException">Unknown name; the message lists the three closest names.</exception>
    public static ModelEntry Get(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var (byFull, byArch) = Tables.Value;
        if (byFull.TryGetValue(name, out var e) || byArch.TryGetValue(name, out e)) return e;
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0 && byArch.TryGetValue(name[..dot], out var arch))
        {
            var tags = byFull.Values.Where(v => v.Architecture == arch.Architecture).Select(v => v.Tag);
            throw new KeyNotFoundException($"Unknown tag '{name[(dot + 1)..]}' for model '{arch.Architecture}'; known tags: {string.Join(", ", tags)}.");
        }
        var nearest = NameDistance.Nearest(name, byArch.Keys, 3);
        throw new KeyNotFoundException($"Unknown model '{name}'. Did you mean: {string.Join(", ", nearest)}? ({byArch.Count} models in {nameof(ModelRegistry)}.{nameof(Names)})");
    }

    /// <summary>The architecture configuration of <paramref name="name"/>.</summary>
    public static ModelConfig GetConfig(string name) => Get(name).Config;

    /// <summary>The pretrained/data configuration of <paramref name="name"/>.</summary>
    public static PretrainedConfig GetPretrainedConfig(string name) => Get(name).Pretrained;

    /// <summary>Creates <paramref name="name"/> with timm kwarg overrides (<c>num_classes</c>, <c>img_size</c>, <c>depths</c> as "2,2,6", ...).</summary>
    public static VisionModel Create(string name, IReadOnlyDictionary<string, string>? overrides = null, Device? device = null)
    {
        var entry = Get(name);
        var config = overrides is { Count: > 0 } ? entry.Config.WithOverrides(overrides) : entry.Config;
        return entry.Create(config, device);
    }

    /// <summary>Creates <paramref name="name"/> with the configuration changed by <paramref name="configure"/> (e.g. <c>c =&gt; c with { NumClasses = 10 }</c>).</summary>
    public static VisionModel Create(string name, Func<ModelConfig, ModelConfig> configure, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var entry = Get(name);
        var config = configure(entry.Config) ?? throw new InvalidOperationException($"The configure function returned null for '{name}'.");
        if (config.GetType() != entry.Config.GetType())
            throw new ArgumentException($"'{name}' needs a {entry.Config.GetType().Name}; the configure function returned a {config.GetType().Name}.", nameof(configure));
        return entry.Create(config, device);
    }

    private static (Dictionary<string, ModelEntry>, Dictionary<string, ModelEntry>) Build()
    {
        var byFull = new Dictionary<string, ModelEntry>(StringComparer.Ordinal);
        var byArch = new Dictionary<string, ModelEntry>(StringComparer.Ordinal);
        foreach (var e in VitVariants.All().Concat(DeitVariants.All()).Concat(BeitVariants.All()).Concat(SwinVariants.All()).Concat(CaitVariants.All()))
        {
            if (!byFull.TryAdd(e.FullName, e)) throw new InvalidOperationException($"Duplicate model registration '{e.FullName}'.");
            byArch.TryAdd(e.Architecture, e);    // the first tag listed is the default, as in timm
        }
        return (byFull, byArch);
    }
}
