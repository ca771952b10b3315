using System.Text.Json;
using FineTune.Vision.Data;
using FineTune.Vision.Models;
using FineTune.Vision.Training;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Cli;

/// <summary>
/// <c>evaluate --model NAME [--set key=value]... --weights FILE --data DIR [--layout L] [--batch N] [--workers N] [--json OUT.json]</c>:
/// top-1, top-5 and the hard-label cross entropy of the weights on a labelled dataset, with the eval preprocessing of
/// the model's pretrained configuration (resize to size / crop_pct, centre crop, its mean and std). Prints the result
/// and writes it as JSON.
/// </summary>
public static class EvaluateVerb
{
    /// <summary>One-line usage.</summary>
    public const string Usage =
        "evaluate --model NAME [--set key=value]... --weights FILE --data DIR [--layout imagefolder|tinyimagenet-val|tinyimagenet-train|fashion-mnist-test|fashion-mnist-train] [--batch N] [--workers N] [--json OUT.json]";

    /// <summary>Runs the verb.</summary>
    public static int Run(CommandLine line, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(output);
        int batch = ModelSetup.PositiveInt(line, "batch", 32), workers = ModelSetup.PositiveInt(line, "workers", Environment.ProcessorCount);
        string? json = line.Optional("json");
        IImageDataset data = ModelSetup.OpenData(line);
        using VisionModel model = ModelSetup.LoadModel(line, output, weightsRequired: true);
        line.RejectUnknown();
        if (data.ClassNames.Count > model.NumClasses)
            throw new InvalidDataException($"The data has {data.ClassNames.Count} classes but '{model.Name}' has {model.NumClasses} outputs; give the weights' class count with --set num_classes=N.");

        EvalPresetOptions eval = Presets.EvalOptions(model.PretrainedConfig);
        using var loader = new DataLoader(data.With(Presets.Eval(eval)), new DataLoaderOptions { BatchSize = batch, Workers = workers });
        using var trainer = new Trainer(model);
        EvaluationResult result = trainer.Evaluate(loader);
        output.WriteLine($"{model.Name} on {data.Count} images ({line.Optional("layout") ?? "imagefolder"}, {eval.Size}px, crop {eval.CropPct}): {result}");
        if (json is not null)
        {
            Write(json, model.Name, line.Required("weights"), line.Required("data"), data.ClassNames, result);
            output.WriteLine($"wrote {json}");
        }
        return 0;
    }

    private static void Write(string path, string model, string weights, string data, IReadOnlyList<string> classes, EvaluationResult result)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        using var stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteString("model", model);
        writer.WriteString("weights", weights);
        writer.WriteString("data", data);
        writer.WriteNumber("samples", result.Samples);
        writer.WriteNumber("top1", result.Top1);
        writer.WriteNumber("top5", result.Top5);
        writer.WriteNumber("loss", result.Loss);
        writer.WriteStartObject("per_class_top1");
        for (int c = 0; c < classes.Count && c < result.PerClassAccuracy.Count; c++)
        {
            double accuracy = result.PerClassAccuracy[c];
            if (double.IsNaN(accuracy)) writer.WriteNull(classes[c]);
            else writer.WriteNumber(classes[c], accuracy);
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
