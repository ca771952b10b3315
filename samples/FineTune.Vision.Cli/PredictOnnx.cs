using System.Globalization;
using FineTune.Vision.Deployment;

namespace FineTune.Vision.Cli;

/// <summary>
/// <c>predict --onnx model.onnx --images DIR|FILE [--images ...] [--top K] [--tta] [--batch N]</c>: the <c>predict</c> verb on an
/// exported model, run by ONNX Runtime (<see cref="OnnxImageClassifier"/>): class names and preprocessing come from the
/// file's metadata. Same output as <see cref="PredictVerb"/>: one line per image, <c>path: class p, class p, ...</c>.
/// </summary>
internal static class PredictOnnx
{
    /// <summary>Runs <c>predict --onnx</c>.</summary>
    public static int Run(CommandLine line, TextWriter output)
    {
        string onnx = line.Required("onnx");
        IReadOnlyList<string> inputs = line.Values("images");
        if (inputs.Count == 0) throw new UsageException("predict: --images is required (a folder or an image file; repeat it for more).");
        int top = ModelSetup.PositiveInt(line, "top", 5), batch = ModelSetup.PositiveInt(line, "batch", 32);
        bool tta = line.Flag("tta");
        line.RejectUnknown();
        List<string> files = [.. inputs.SelectMany(PredictVerb.ImageFiles)];
        using var classifier = new OnnxImageClassifier(onnx, new OnnxImageClassifierOptions { FlipTta = tta, BatchSize = batch });
        var predictions = classifier.PredictMany(files, top);
        for (int i = 0; i < files.Count; i++)
            output.WriteLine($"{files[i]}: " + string.Join(", ", predictions[i].Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Label} {s.Probability:F4}"))));
        return 0;
    }
}
