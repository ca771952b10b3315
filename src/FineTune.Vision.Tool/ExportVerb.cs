using System.CommandLine;
using FineTune.Vision.Deployment;
using FineTune.Vision.Models;

namespace FineTune.Vision.Cli;

/// <summary>
/// <c>export --format onnx (--model-file M | --model NAME [--set key=value]... --weights FILE) --output model.onnx</c>: writes
/// the model (LoRA merged, eval forward) as an ONNX graph that ONNX Runtime runs without libtorch, with the class names and
/// preprocessing as metadata (<see cref="OnnxExport"/>); <c>predict --onnx</c> and <see cref="OnnxImageClassifier"/> read it.
/// </summary>
public static class ExportVerb
{
    /// <summary>The <c>export</c> command.</summary>
    public static Command Command() => Opts.Verb("export", "Write a model (LoRA merged) as an ONNX graph with its class names and preprocessing.",
    [
        Opts.Text("--format", "onnx (the only format). Required.", "FORMAT"),
        Opts.Text("--model-file", "A one-file model (instead of --model/--weights).", "FILE"),
        .. Opts.Model(weightsRequired: false),
        Opts.Text("--output", "The file to write. Required.", "model.onnx"),
    ], Run);

    /// <summary>Runs the verb.</summary>
    public static int Run(VerbInput line, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(output);
        string format = line.Required("format");
        if (!format.Equals("onnx", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"export: --format '{format}' is not supported; the only format is onnx.");
        string path = line.Required("output");
        string? modelFile = line.Optional("model-file");
        if (modelFile is not null)
        {
            if (line.Optional("model") is not null) throw new UsageException("export: give either --model-file or --model with --weights, not both.");
            OnnxExport.ExportModelFile(modelFile, path);
        }
        else
        {
            if (line.Optional("model") is null) throw new UsageException("export: --model-file (a model file) or --model NAME with --weights is required.");
            using VisionModel model = ModelSetup.LoadModel(line, output, weightsRequired: true);
            OnnxExport.Export(model, path);
        }
        output.WriteLine($"wrote {path} ({new FileInfo(path).Length:N0} bytes, ONNX opset {OnnxExport.Opset}, input {OnnxExport.InputName} [batch, 3, H, W], output {OnnxExport.OutputName})");
        return 0;
    }
}
