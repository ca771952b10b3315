using System.Globalization;
using System.Text.Json;
using FineTune.Vision.Models;
using FineTune.Vision.Weights;

namespace QuickStart;

/// <summary>
/// A small pretrained checkpoint made by <c>samples/Pretrain</c>: a FineTune.Vision model file (architecture, configuration,
/// class names and preprocessing in its metadata, read with <see cref="ModelFile.ReadInfo"/>) whose extra metadata says what
/// it was trained on, how, and how accurate it is.
/// </summary>
public sealed class PretrainedCheckpoint
{
    /// <summary>Metadata key of the top-1 accuracy on the held-out test images of the pretraining classes.</summary>
    public const string TestTop1Key = "test_top1";

    private PretrainedCheckpoint(ModelFileInfo info)
    {
        Info = info;
        TestTop1 = info.Metadata.TryGetValue(TestTop1Key, out string? top1)
            ? double.Parse(top1, CultureInfo.InvariantCulture)
            : throw new InvalidDataException($"'{info.Path}' has no '{TestTop1Key}' metadata entry; it was not written by samples/Pretrain.");
    }

    /// <summary>The default checkpoint: <c>samples/data/pretrained/vit_fmnist5_tiny.safetensors</c> under <paramref name="repositoryRoot"/>.</summary>
    public static string DefaultPath(string repositoryRoot) =>
        System.IO.Path.Combine(repositoryRoot, "samples", "data", "pretrained", "vit_fmnist5_tiny.safetensors");

    /// <summary>The model file's header.</summary>
    public ModelFileInfo Info { get; }

    /// <summary>The file.</summary>
    public string Path => Info.Path;

    /// <summary>All metadata of the file (the model file's own entries and how it was made).</summary>
    public IReadOnlyDictionary<string, string> Metadata => Info.Metadata;

    /// <summary>The registry name the model is built from.</summary>
    public string Architecture => Info.Architecture;

    /// <summary>The architecture configuration (<c>img_size</c> 28, <c>embed_dim</c> 64, ...).</summary>
    public ModelConfig Config => Info.Config;

    /// <summary>The classes of the pretrained classifier, in label order.</summary>
    public IReadOnlyList<string> ClassNames => Info.ClassNames ?? [];

    /// <summary>Top-1 accuracy (0..1) the pretraining measured on held-out test images of its classes.</summary>
    public double TestTop1 { get; }

    /// <summary>Reads the metadata of a checkpoint (not its tensors).</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="IOException">The file is not a model file written by samples/Pretrain.</exception>
    public static PretrainedCheckpoint Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"No pretrained checkpoint at '{path}'; make it with `dotnet run --project samples/Pretrain -c Release`.", path);
        return new PretrainedCheckpoint(ModelFile.ReadInfo(path));
    }

    /// <summary>The provenance entries for a new checkpoint (the model file records architecture, configuration and classes itself).</summary>
    public static Dictionary<string, string> Describe(IReadOnlyList<string> classNames, double testTop1) => new(StringComparer.Ordinal)
    {
        ["classes"] = JsonSerializer.Serialize(classNames),
        [TestTop1Key] = testTop1.ToString("0.0000", CultureInfo.InvariantCulture),
    };
}
