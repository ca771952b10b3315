using System.Globalization;
using FineTune.Vision.Data;
using FineTune.Vision.Models;
using FineTune.Vision.Training;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Cli;

/// <summary>
/// <c>predict --model NAME [--set key=value]... --weights FILE --images DIR|FILE [--images ...] [--top K] [--labels FILE] [--tta] [--batch N]</c>:
/// the top-k classes and probabilities of each image (a folder gives its image files, sorted), with the eval
/// preprocessing of the model's pretrained configuration; <c>--tta</c> averages with the mirror image's softmax.
/// </summary>
public static class PredictVerb
{
    /// <summary>One-line usage.</summary>
    public const string Usage = "predict --model NAME [--set key=value]... --weights FILE --images DIR|FILE [--images DIR|FILE]... [--top K] [--labels FILE] [--tta] [--batch N]";

    /// <summary>Runs the verb: one line per image, <c>path: class p, class p, ...</c>.</summary>
    public static int Run(CommandLine line, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(output);
        if (line.Optional("onnx") is not null) return PredictOnnx.Run(line, output);    // an exported model on ONNX Runtime
        IReadOnlyList<string> inputs = line.Values("images");
        if (inputs.Count == 0) throw new UsageException("predict: --images is required (a folder or an image file; repeat it for more).");
        int top = ModelSetup.PositiveInt(line, "top", 5), batch = ModelSetup.PositiveInt(line, "batch", 32);
        string? labelsPath = line.Optional("labels");
        bool tta = line.Flag("tta");
        List<string> files = [.. inputs.SelectMany(ImageFiles)];
        using VisionModel model = ModelSetup.LoadModel(line, output, weightsRequired: true);
        line.RejectUnknown();

        IReadOnlyList<string> names = ClassNames(labelsPath, model.NumClasses);
        var dataset = new FileImageDataset(files, new int[files.Count], names);
        using var loader = new DataLoader(dataset.With(Presets.Eval(model.PretrainedConfig)), new DataLoaderOptions { BatchSize = batch, Workers = Math.Min(batch, Environment.ProcessorCount) });
        using var trainer = new Trainer(model);
        Predictions predictions = trainer.Predict(loader, flipTta: tta);
        for (int i = 0; i < predictions.Count; i++)
        {
            float[] p = predictions.Probabilities[i];
            var best = Enumerable.Range(0, p.Length).OrderByDescending(c => p[c]).ThenBy(c => c).Take(top);
            output.WriteLine($"{files[predictions.SampleIndices[i]]}: " + string.Join(", ", best.Select(c => string.Create(CultureInfo.InvariantCulture, $"{names[c]} {p[c]:F4}"))));
        }
        return 0;
    }

    /// <summary>A file as it is; a folder's image files (by extension), sorted ordinally.</summary>
    internal static IEnumerable<string> ImageFiles(string path)
    {
        if (File.Exists(path)) return [path];
        if (!Directory.Exists(path)) throw new FileNotFoundException($"predict: '{path}' is neither an image file nor a folder.");
        string[] found = [.. Directory.EnumerateFiles(path)
            .Where(f => ImageFolder.DefaultExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)];
        return found.Length > 0 ? found
            : throw new FileNotFoundException($"predict: the folder '{path}' holds no image ({string.Join(", ", ImageFolder.DefaultExtensions)}).");
    }

    /// <summary>One name per line of <paramref name="path"/> (as many as the model has outputs), or <c>class k</c>.</summary>
    private static IReadOnlyList<string> ClassNames(string? path, int classes)
    {
        if (path is null) return [.. Enumerable.Range(0, classes).Select(c => $"class {c}")];
        string[] names = [.. File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0)];
        return names.Length == classes ? names
            : throw new InvalidDataException($"'{path}' lists {names.Length} class names but the model has {classes} outputs; give one name per line, in label order.");
    }
}
