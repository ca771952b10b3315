using FineTune.Vision.Data;
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
    /// <paramref name="weightsRequired"/>), strictly: weights that leave parameters at their initial values, or hold keys the
    /// model lacks, are refused (<see cref="CheckpointMismatchException"/>, an <see cref="IOException"/>, listing them).
    /// </summary>
    /// <exception cref="UsageException">A required option is missing.</exception>
    /// <exception cref="CheckpointMismatchException">The weights do not cover the model (the message lists what is missing).</exception>
    public static VisionModel LoadModel(VerbInput line, TextWriter output, bool weightsRequired)
    {
        string name = line.Required("model");
        Dictionary<string, string> overrides = line.KeyValues();
        string? weights = weightsRequired ? line.Required("weights") : line.Optional("weights");
        VisionModel model = VisionModels.Create<ModelConfig>(name, c => c.WithOverrides(overrides));
        if (weights is null) return model;
        try
        {
            output.WriteLine(model.LoadWeights(weights));
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Opens <c>--data</c> in <c>--layout</c> (default imagefolder).</summary>
    /// <exception cref="UsageException">The layout is unknown.</exception>
    public static IImageDataset OpenData(VerbInput line)
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

    /// <summary><c>--device cpu|cuda[:N]|auto</c> (null when absent: the library's default, CUDA when available).</summary>
    /// <exception cref="UsageException">The text names no device.</exception>
    public static TorchSharp.torch.Device? Device(VerbInput line)
    {
        if (line.Optional("device") is not { } spec) return null;
        try
        {
            return Core.TorchBackend.ParseDevice(spec);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{line.Verb}: --device: {e.Message}");
        }
    }

    /// <summary>The positive integer option <paramref name="name"/>.</summary>
    public static int PositiveInt(VerbInput line, string name, int fallback)
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
