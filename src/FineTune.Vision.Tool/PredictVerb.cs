using System.CommandLine;
using System.Globalization;
using FineTune.Vision.Deployment;
using FineTune.Vision.Models;
using FineTune.Vision.Training;

namespace FineTune.Vision.Cli;

/// <summary>
/// <c>predict --model-file M | --onnx model.onnx | --model NAME [--set key=value]... --weights FILE --images DIR|FILE [--images ...] [--csv OUT [--kaggle] [--skip-unreadable]] [--top K] [--tta] [--batch N]</c>:
/// the top-k classes and probabilities of each image (a folder gives its image files and those of its subfolders, sorted),
/// with the eval preprocessing of the model's pretrained configuration; <c>--tta</c> averages with the mirror image's softmax.
/// Printed one line per image, or written to <c>--csv</c> (<see cref="PredictionsFile"/>: <c>path,label,probability,…</c>,
/// or Kaggle's <c>id,label</c> with <c>--kaggle</c>).
/// </summary>
public static class PredictVerb
{
    /// <summary>The <c>predict</c> command.</summary>
    public static Command Command() => Opts.Verb("predict", "Top-k classes of images, printed or written as a predictions CSV.",
    [
        Opts.Text("--model-file", "A one-file model.", "FILE"),
        Opts.Text("--onnx", "An exported ONNX model (runs on ONNX Runtime).", "model.onnx"),
        .. Opts.Model(weightsRequired: false),
        Opts.Text("--labels", "Class names, one per line (with --model/--weights).", "FILE"),
        Opts.Many("--images", "A folder or an image file (repeatable). Required.", "DIR|FILE"),
        Opts.Text("--csv", "Write the predictions file.", "OUT"),
        Opts.Flag("--kaggle", "Kaggle's id,label format (with --csv)."),
        Opts.Flag("--skip-unreadable", "Skip unreadable images (with --csv)."),
        Opts.Int("--top", "Classes per image (default 5)."),
        Opts.Flag("--tta", "Average with the mirror image."),
        Opts.Int("--batch", "Batch size (default 32)."),
        Opts.Device(),
    ], Run);

    /// <summary>Runs the verb: one line per image, <c>path: class p, class p, ...</c>, or the predictions file.</summary>
    public static int Run(VerbInput line, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(output);
        IReadOnlyList<string> inputs = line.Values("images");
        if (inputs.Count == 0) throw new UsageException("predict: --images is required (a folder or an image file; repeat it for more).");
        int top = ModelSetup.PositiveInt(line, "top", 5), batch = ModelSetup.PositiveInt(line, "batch", 32);
        string? csv = line.Optional("csv");
        bool kaggle = line.Flag("kaggle"), skip = line.Flag("skip-unreadable");
        if (csv is null && (kaggle || skip))
            throw new UsageException($"predict: --{(kaggle ? "kaggle" : "skip-unreadable")} applies to the predictions file; give --csv OUT.");
        var options = new ImageClassifierOptions { BatchSize = batch, DecodeWorkers = Math.Min(batch, Environment.ProcessorCount), FlipTta = line.Flag("tta"), Device = ModelSetup.Device(line) };
        foreach (string input in inputs)
            if (!File.Exists(input) && !Directory.Exists(input)) throw new FileNotFoundException($"predict: '{input}' is neither an image file nor a folder.", input);

        VisionModel? owned = null;
        try
        {
            using IImageClassifier classifier = Open(line, options, output, out owned);
            if (csv is not null)
            {
                var fileOptions = new PredictionsFileOptions { Format = kaggle ? PredictionsFormat.Kaggle : PredictionsFormat.TopK, TopK = top, SkipUnreadable = skip };
                PredictionsFileResult result = inputs.Count == 1 && Directory.Exists(inputs[0])
                    ? PredictionsFile.Write(classifier, inputs[0], csv, fileOptions)
                    : PredictionsFile.Write(classifier, [.. inputs.SelectMany(ImageFiles)], csv, fileOptions);
                foreach (var s in result.Skipped) output.WriteLine($"skipped unreadable image {s.Source}: {s.Reason}");
                output.WriteLine($"wrote {result.Rows} predictions to {result.Path}" + (result.Skipped.Count > 0 ? $" ({result.Skipped.Count} unreadable image(s) skipped)" : ""));
                return 0;
            }
            List<string> files = [.. inputs.SelectMany(ImageFiles)];
            IReadOnlyList<IReadOnlyList<ClassScore>> predictions = classifier.PredictMany(files, top);
            for (int i = 0; i < files.Count; i++)
                output.WriteLine($"{files[i]}: " + string.Join(", ", predictions[i].Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Label} {s.Probability:F4}"))));
            return 0;
        }
        finally
        {
            owned?.Dispose();
        }
    }

    /// <summary>
    /// The classifier of <c>--onnx</c> (<see cref="OnnxImageClassifier"/>), of <c>--model-file</c>, or of <c>--model</c>/<c>--weights</c> (<paramref name="owned"/>: that model, which the
    /// caller disposes after the classifier).
    /// </summary>
    private static IImageClassifier Open(VerbInput line, ImageClassifierOptions options, TextWriter output, out VisionModel? owned)
    {
        owned = null;
        if (line.Optional("onnx") is { } onnx)    // an exported model on ONNX Runtime (no libtorch)
        {
            if (line.Optional("model-file") is not null || line.Optional("model") is not null || line.Optional("weights") is not null || line.Optional("labels") is not null)
                throw new UsageException("predict: --onnx holds the graph, weights, class names and preprocessing; give it without --model-file, --model, --weights or --labels.");
            if (options.Device is { } device && device.type != TorchSharp.DeviceType.CPU)
                throw new UsageException("predict: --onnx runs on ONNX Runtime's CPU session; --device applies to libtorch models.");
            return new OnnxImageClassifier(onnx, new OnnxImageClassifierOptions { FlipTta = options.FlipTta, BatchSize = options.BatchSize, DecodeWorkers = options.DecodeWorkers });
        }
        if (line.Optional("model-file") is { } modelFile)
        {
            if (line.Optional("model") is not null || line.Optional("weights") is not null || line.Optional("labels") is not null)
                throw new UsageException("predict: --model-file holds the architecture, weights and class names; give it without --model, --weights or --labels.");
            return ImageClassifier.Load(modelFile, options);
        }
        string? labelsPath = line.Optional("labels");
        owned = ModelSetup.LoadModel(line, output, weightsRequired: true);
        return new ImageClassifier(owned, ClassNames(labelsPath, owned.NumClasses), options);
    }

    /// <summary>A file as it is; a folder's image files and those of its subfolders (by extension), sorted ordinally.</summary>
    private static IEnumerable<string> ImageFiles(string path)
    {
        if (File.Exists(path)) return [path];
        string[] found = [.. PredictionsFile.ImageFiles(path).Select(f => Path.Combine(path, f))];
        return found.Length > 0 ? found
            : throw new FileNotFoundException($"predict: the folder '{path}' holds no image ({string.Join(", ", Data.ImageFolder.DefaultExtensions)}).");
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
