using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FineTune.Vision.Data;
using FineTune.Vision.Metrics;
using FineTune.Vision.Models;
using FineTune.Vision.Training;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Cli;

/// <summary>
/// <c>evaluate --model NAME [--set key=value]... --weights FILE --data DIR [--layout L] [--batch N] [--workers N] [--json OUT.json]
/// [--confusion-png FILE] [--reliability-png FILE]</c>: top-1 with its 95 % Clopper–Pearson interval, top-5, the
/// hard-label cross entropy, per-class precision/recall/F1 (macro and weighted F1) and the expected calibration error of
/// the weights on a labelled dataset, with the eval preprocessing of the model's pretrained configuration (resize to
/// size / crop_pct, centre crop, its mean and std). Prints the result and writes it as JSON; draws the confusion matrix
/// and the reliability diagram as PNGs when asked.
/// </summary>
public static class EvaluateVerb
{
    /// <summary>The <c>evaluate</c> command.</summary>
    public static Command Command() => Opts.Verb("evaluate", "Top-1 (with its 95 % interval), top-5, loss, per-class precision/recall/F1 and calibration of weights on a labelled dataset.",
    [
        .. Opts.Model(weightsRequired: true), .. Opts.Data(),
        Opts.Int("--batch", "Batch size (default 32)."),
        Opts.Int("--workers", "Decoding threads (default: one per core)."),
        Opts.Text("--json", "Write the result as JSON.", "OUT.json"),
        Opts.Text("--confusion-png", "Draw the confusion matrix.", "FILE"),
        Opts.Text("--reliability-png", "Draw the reliability diagram.", "FILE"),
        Opts.Device(),
    ], Run);

    /// <summary>Runs the verb.</summary>
    public static int Run(VerbInput line, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(output);
        int batch = ModelSetup.PositiveInt(line, "batch", 32), workers = ModelSetup.PositiveInt(line, "workers", Environment.ProcessorCount);
        string? json = line.Optional("json"), confusionPng = line.Optional("confusion-png"), reliabilityPng = line.Optional("reliability-png");
        IImageDataset data = ModelSetup.OpenData(line);
        var device = ModelSetup.Device(line);
        using VisionModel model = ModelSetup.LoadModel(line, output, weightsRequired: true);
        if (data.ClassNames.Count > model.NumClasses)
            throw new InvalidDataException($"The data has {data.ClassNames.Count} classes but '{model.Name}' has {model.NumClasses} outputs; give the weights' class count with --set num_classes=N.");

        EvalPresetOptions eval = Presets.EvalOptions(model.PretrainedConfig);
        using var loader = new DataLoader(data.With(Presets.Eval(eval)), new DataLoaderOptions { BatchSize = batch, Workers = workers });
        using var trainer = new Trainer(model, new TrainerOptions { Device = device });
        EvaluationResult result = trainer.Evaluate(loader);
        output.WriteLine($"{model.Name} on {data.Count} images ({line.Optional("layout") ?? "imagefolder"}, {eval.Size}px, crop {eval.CropPct}): {result}");
        ClassificationReport report = result.Report(data.ClassNames);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"top-1 {result.Top1Estimate} (95 % Clopper-Pearson interval); macro F1 {report.MacroF1:F4}, weighted F1 {report.WeightedF1:F4}; expected calibration error {100 * result.Calibration.Value:F2} % ({result.Calibration.BinCount} bins)"));
        output.Write(report.ToString());
        if (confusionPng is not null)
        {
            result.Confusion.SavePng(confusionPng, data.ClassNames);
            output.WriteLine($"wrote {confusionPng}");
        }
        if (reliabilityPng is not null)
        {
            result.Calibration.SaveReliabilityDiagram(reliabilityPng);
            output.WriteLine($"wrote {reliabilityPng}");
        }
        if (json is not null)
        {
            Write(json, model.Name, line.Required("weights"), line.Required("data"), data.ClassNames, result, report);
            output.WriteLine($"wrote {json}");
        }
        return 0;
    }

    private static void Write(string path, string model, string weights, string data, IReadOnlyList<string> classes, EvaluationResult result, ClassificationReport report)
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
        if (result.Top1Estimate.Interval is { } interval)
        {
            writer.WriteStartArray("top1_interval_95");
            writer.WriteNumberValue(interval.Lower);
            writer.WriteNumberValue(interval.Upper);
            writer.WriteEndArray();
        }
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
        writer.WriteNumber("macro_f1", report.MacroF1);
        writer.WriteNumber("weighted_f1", report.WeightedF1);
        writer.WriteNumber("ece", result.Calibration.Value);
        writer.WriteStartArray("classes");
        foreach (ClassMetrics c in report.Classes)
        {
            writer.WriteStartObject();
            writer.WriteString("name", c.Name);
            writer.WriteNumber("precision", c.Precision);
            writer.WriteNumber("recall", c.Recall);
            writer.WriteNumber("f1", c.F1);
            writer.WriteNumber("support", c.Support);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
