using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FineTune.Vision.Weights;

namespace QuickStart;

/// <summary>
/// A small pretrained checkpoint made by <c>samples/Pretrain</c>: a safetensors file whose metadata says which registry
/// model and timm kwargs rebuild it, what it was trained on, how, and how accurate it is.
/// </summary>
public sealed class PretrainedCheckpoint
{
    /// <summary>Metadata key of the registry name (timm architecture).</summary>
    public const string ArchitectureKey = "architecture";

    /// <summary>Metadata key of the timm kwargs (a JSON object) that turn the registry entry into this model.</summary>
    public const string ConfigKey = "config";

    /// <summary>Metadata key of the class names (a JSON array, in label order).</summary>
    public const string ClassesKey = "classes";

    /// <summary>Metadata key of the top-1 accuracy on the held-out test images of the pretraining classes.</summary>
    public const string TestTop1Key = "test_top1";

    private PretrainedCheckpoint(string path, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        Metadata = metadata;
        Architecture = Required(ArchitectureKey);
        using (var config = JsonDocument.Parse(Required(ConfigKey)))
        {
            Config = config.RootElement.EnumerateObject().ToDictionary(
                p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(), StringComparer.Ordinal);
        }
        ClassNames = JsonSerializer.Deserialize<string[]>(Required(ClassesKey)) ?? [];
        TestTop1 = double.Parse(Required(TestTop1Key), CultureInfo.InvariantCulture);
    }

    /// <summary>The default checkpoint: <c>samples/data/pretrained/vit_fmnist5_tiny.safetensors</c> under <paramref name="repositoryRoot"/>.</summary>
    public static string DefaultPath(string repositoryRoot) =>
        System.IO.Path.Combine(repositoryRoot, "samples", "data", "pretrained", "vit_fmnist5_tiny.safetensors");

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>All metadata of the file (how it was made).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The registry name the model is built from.</summary>
    public string Architecture { get; }

    /// <summary>The timm kwargs applied to the registry entry (<c>img_size</c>, <c>embed_dim</c>, ...).</summary>
    public IReadOnlyDictionary<string, string> Config { get; }

    /// <summary>The classes of the pretrained classifier, in label order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Top-1 accuracy (0..1) the pretraining measured on held-out test images of its classes.</summary>
    public double TestTop1 { get; }

    /// <summary>Reads the metadata of a checkpoint (not its tensors).</summary>
    /// <exception cref="InvalidDataException">The file lacks one of the metadata keys this class needs.</exception>
    public static PretrainedCheckpoint Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"No pretrained checkpoint at '{path}'; make it with `dotnet run --project samples/Pretrain -c Release`.", path);
        return new PretrainedCheckpoint(path, SafeTensors.ReadHeader(path).Metadata);
    }

    /// <summary>The metadata entries for a new checkpoint of <paramref name="architecture"/> with <paramref name="config"/>.</summary>
    public static Dictionary<string, string> Describe(string architecture, IReadOnlyDictionary<string, string> config,
        IReadOnlyList<string> classNames, double testTop1)
    {
        var kwargs = new JsonObject();
        foreach (var (key, value) in config)
        {
            kwargs[key] = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number)
                ? JsonValue.Create(number) : JsonValue.Create(value);
        }
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ArchitectureKey] = architecture,
            [ConfigKey] = kwargs.ToJsonString(),
            [ClassesKey] = JsonSerializer.Serialize(classNames),
            [TestTop1Key] = testTop1.ToString("0.0000", CultureInfo.InvariantCulture),
        };
    }

    private string Required(string key) => Metadata.TryGetValue(key, out string? value)
        ? value
        : throw new InvalidDataException($"'{Path}' has no '{key}' metadata entry; it was not written by samples/Pretrain (keys present: {string.Join(", ", Metadata.Keys)}).");
}
