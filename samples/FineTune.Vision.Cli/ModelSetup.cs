using FineTune.Vision.Data;
using FineTune.Vision.Imaging;
using FineTune.Vision.Models;
using FineTune.Vision.Transforms;
using FineTune.Vision.Weights;

namespace FineTune.Vision.Cli;

/// <summary>
/// What the model verbs (<c>evaluate</c>, <c>predict</c>, <c>lr-find</c>) share: the model with <c>--set</c> overrides and
/// its weights, the preprocessing its <see cref="PretrainedConfig"/> asks for, and datasets in the supported layouts.
/// </summary>
public static class ModelSetup
{
    /// <summary>The dataset layouts <c>--layout</c> accepts.</summary>
    public static readonly IReadOnlyList<string> Layouts =
        ["imagefolder", "tinyimagenet-val", "tinyimagenet-train", "fashion-mnist-test", "fashion-mnist-train"];

    /// <summary>
    /// Builds <c>--model</c> with the <c>--set</c> overrides and loads <c>--weights</c> when given (or when
    /// <paramref name="weightsRequired"/>), refusing weights that leave parameters at their initial values.
    /// </summary>
    /// <exception cref="UsageException">A required option is missing.</exception>
    /// <exception cref="InvalidDataException">The weights do not cover the model (the message lists what is missing).</exception>
    public static VisionModel LoadModel(CommandLine line, TextWriter output, bool weightsRequired)
    {
        string name = line.Required("model");
        Dictionary<string, string> overrides = line.KeyValues();
        string? weights = weightsRequired ? line.Required("weights") : line.Optional("weights");
        VisionModel model = ModelRegistry.Create(name, overrides);
        if (weights is null) return model;
        try
        {
            LoadReport report = model.LoadWeights(weights);
            output.WriteLine(report);
            if (report.Missing.Count > 0 || report.ClassifierDropped.Count > 0)
                throw new InvalidDataException(
                    $"'{weights}' does not cover '{name}': missing [{string.Join(", ", report.Missing.Take(8))}], classifier dropped [{string.Join(", ", report.ClassifierDropped)}]. " +
                    "Give the architecture the weights were trained with, e.g. --set num_classes=N for a fine-tuned head.");
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>timm's eval preprocessing for <paramref name="config"/>: resize to size / crop_pct, centre crop, normalise.</summary>
    public static EvalPresetOptions EvalOptions(PretrainedConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new EvalPresetOptions
        {
            Size = config.InputSize[^1], CropPct = config.CropPct, Interpolation = InterpolationOf(config.Interpolation),
            Normalization = NormalizationOf(config),
        };
    }

    /// <summary>The mean and std of <paramref name="config"/> as a <see cref="Normalization"/>.</summary>
    public static Normalization NormalizationOf(PretrainedConfig config) => new(
        ((float)config.Mean[0], (float)config.Mean[1], (float)config.Mean[2]), ((float)config.Std[0], (float)config.Std[1], (float)config.Std[2]));

    /// <summary>timm's interpolation word as an <see cref="Interpolation"/>.</summary>
    public static Interpolation InterpolationOf(string timmName) => timmName switch
    {
        "bicubic" => Interpolation.Bicubic,
        "bilinear" => Interpolation.Bilinear,
        "nearest" => Interpolation.Nearest,
        _ => throw new InvalidDataException($"Interpolation '{timmName}' is not one of bicubic, bilinear, nearest."),
    };

    /// <summary>Opens <c>--data</c> in <c>--layout</c> (default imagefolder).</summary>
    /// <exception cref="UsageException">The layout is unknown.</exception>
    public static IImageDataset OpenData(CommandLine line)
    {
        string root = line.Required("data");
        string layout = line.Optional("layout") ?? "imagefolder";
        return layout switch
        {
            "imagefolder" => ImageFolder.Open(root),
            "tinyimagenet-val" => TinyImageNet.Open(root).Validation,
            "tinyimagenet-train" => TinyImageNet.Open(root).Train,
            "fashion-mnist-test" => Idx(root, "t10k"),
            "fashion-mnist-train" => Idx(root, "train"),
            _ => throw new UsageException($"{line.Verb}: --layout '{layout}' is not one of {string.Join(", ", Layouts)}."),
        };
    }

    /// <summary>The positive integer option <paramref name="name"/>.</summary>
    public static int PositiveInt(CommandLine line, string name, int fallback)
    {
        int value = line.Int(name, fallback);
        return value > 0 ? value : throw new UsageException($"{line.Verb}: --{name} must be a positive integer (was {value}).");
    }

    private static IdxDataset Idx(string root, string prefix)
    {
        string File(string stem) => new[] { stem + ".gz", stem }.Select(f => Path.Combine(root, f)).FirstOrDefault(System.IO.File.Exists)
            ?? throw new FileNotFoundException($"'{Path.Combine(root, stem)}(.gz)' does not exist; --data must hold the Fashion-MNIST idx files.");
        return IdxDataset.Open(File($"{prefix}-images-idx3-ubyte"), File($"{prefix}-labels-idx1-ubyte"), IdxDataset.FashionMnistClasses);
    }
}
