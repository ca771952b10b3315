using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using FineTune.Vision.Models;

namespace FineTune.Vision.Weights;

/// <summary>The <c>__metadata__</c> of model files (<see cref="ModelFile.Save"/>, <see cref="VisionModels.Load"/>).</summary>
internal sealed record ModelFileMetadata(ModelEntry Entry, ModelConfig Config, PretrainedConfig? Pretrained, IReadOnlyList<string>? ClassNames,
    string Adapters, IReadOnlyDictionary<string, string> Metadata)
{
    public static readonly IReadOnlySet<string> ReservedKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "format", "format_version", "architecture", "family", "config", "pretrained_config", "adapters", "class_names",
    };

    public const string Format = "finetune.vision.model";
    public const string Version = "1";

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static Dictionary<string, string> From(VisionModel model, IReadOnlyDictionary<string, IMergeableAdapter> adapters)
    {
        var m = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = Format,
            ["format_version"] = Version,
            ["architecture"] = model.Name,
            ["family"] = model.Config.Family,
            ["config"] = JsonSerializer.Serialize(model.Config, model.Config.GetType(), Json),
            ["pretrained_config"] = JsonSerializer.Serialize(model.PretrainedConfig, Json),
            ["adapters"] = adapters.Count == 0 ? "none" : Describe(adapters),
        };
        if (model.ClassNames is { } names) m["class_names"] = JsonSerializer.Serialize(names, Json);
        return m;
    }

    /// <summary>Reads and checks the metadata of <paramref name="path"/>.</summary>
    public static ModelFileMetadata Read(string path)
    {
        if (WeightsFile.DetectFormat(path) != WeightsFormat.SafeTensors) throw NotAModelFile(path, "it is a torch.save checkpoint");
        var (_, m) = SafeTensors.ReadHeader(path);
        if (!m.TryGetValue("format", out string? format) || format != Format)
            throw NotAModelFile(path, $"its metadata 'format' is '{format ?? "(missing)"}', not '{Format}'");
        if (m.GetValueOrDefault("format_version") != Version)
            throw new WeightsFormatException(path, null, $"model file format version '{m.GetValueOrDefault("format_version")}' is not supported (this library reads version {Version}).");
        try
        {
            var entry = ModelRegistry.Get(m["architecture"]);
            var config = (ModelConfig?)JsonSerializer.Deserialize(m["config"], entry.Config.GetType(), Json)
                ?? throw new JsonException("config is null");
            config.Validate();
            var pretrained = m.TryGetValue("pretrained_config", out string? p) ? JsonSerializer.Deserialize<PretrainedConfig>(p, Json) : null;
            var names = m.TryGetValue("class_names", out string? n) ? JsonSerializer.Deserialize<string[]>(n, Json) : null;
            return new ModelFileMetadata(entry, config, pretrained, names, m.GetValueOrDefault("adapters") ?? "none", m);
        }
        catch (Exception e) when (e is KeyNotFoundException or JsonException or ArgumentException or NotSupportedException)
        {
            throw new WeightsFormatException(path, null, $"the model file's metadata is incomplete or malformed: {e.Message}", e);
        }
    }

    private static string Describe(IReadOnlyDictionary<string, IMergeableAdapter> adapters)
    {
        var kinds = adapters.Values.Select(a => a.Describe()).Distinct().ToList();
        string modules = string.Join(", ", adapters.Keys.Select(k => k[..^".weight".Length]));
        return string.Create(CultureInfo.InvariantCulture, $"lora: merged ({string.Join("; ", kinds)}; {adapters.Count} modules: {modules})");
    }

    private static WeightsFormatException NotAModelFile(string path, string why) => new(path, null,
        $"not a FineTune.Vision model file ({why}): it has no architecture, configuration or class names. It is a plain checkpoint; " +
        "load it with VisionModels.Create(name, numClasses: ..., pretrained: path) instead (or model.LoadWeights(path) into a model you created).");
}
