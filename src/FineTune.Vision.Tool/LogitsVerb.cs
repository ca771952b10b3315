using System.CommandLine;
using FineTune.Vision.Models;
using FineTune.Vision.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Cli;

/// <summary>
/// <c>logits --model NAME [--set key=value]... --weights FILE --input IN.safetensors --output OUT.safetensors</c>: builds
/// the model with timm-style overrides, loads the weights (any supported format and naming, auto-detected), runs the
/// float32 NCHW tensor <c>input</c> in eval mode and writes the tensor <c>logits</c>.
/// </summary>
public static class LogitsVerb
{
    /// <summary>The <c>logits</c> command.</summary>
    public static Command Command() => Opts.Verb("logits", "Run the float32 NCHW tensor 'input' of a safetensors file through a model and write the tensor 'logits'.",
    [
        .. Opts.Model(weightsRequired: true),
        Opts.Text("--input", "safetensors file holding 'input'. Required.", "IN.safetensors"),
        Opts.Text("--output", "safetensors file to write. Required.", "OUT.safetensors"),
        Opts.Flag("--strict", "Every key must match (no classifier drop, no position-embedding resampling)."),
        Opts.Device(),
    ], Run);

    /// <summary>Runs the verb.</summary>
    public static int Run(VerbInput line, TextWriter output)
    {
        string name = line.Required("model");
        Dictionary<string, string> overrides = line.KeyValues();
        string weightsPath = line.Required("weights"), inputPath = line.Required("input"), outputPath = line.Required("output");
        bool strict = line.Flag("strict");
        torch.Device? device = ModelSetup.Device(line); // null: the CPU (touching torch.CPU here would load the backend before the check)

        using VisionModel model = VisionModels.Create<ModelConfig>(name, c => c.WithOverrides(overrides));     // first: it checks for the native backend
        using var scope = torch.NewDisposeScope();
        LoadReport report = model.LoadWeights(weightsPath, strict ? new WeightLoadOptions() : new WeightLoadOptions
        {
            Strict = false, DropClassifierOnMismatch = true, ResamplePositionEmbedding = true, ResizeRelativePositionBias = true,
        });
        output.WriteLine(report);
        model.eval();
        if (device is not null) model.to(device);

        using StateDict input = SafeTensors.Load(inputPath);
        if (!input.TryGetValue("input", out Tensor x))
            throw new InvalidDataException($"'{inputPath}' has no tensor named 'input' (it has: {string.Join(", ", input.Keys.Take(10))}).");
        if (x.dim() != 4)
            throw new InvalidDataException($"'{inputPath}': 'input' must be NCHW (4 dimensions); it is [{string.Join(", ", x.shape)}].");
        using (torch.no_grad())
        {
            Tensor batch = x.to(ScalarType.Float32);
            Tensor logits = model.call(device is null ? batch : batch.to(device)).cpu().contiguous();
            SafeTensors.Save(outputPath, [new KeyValuePair<string, Tensor>("logits", logits)], new Dictionary<string, string> { ["model"] = name });
            output.WriteLine($"wrote {outputPath}: logits [{string.Join(", ", logits.shape)}]");
        }
        return 0;
    }
}
