using FineTune.Vision.Deployment;
using FineTune.Vision.Imaging;
using FineTune.Vision.Tests.Adaptation;

namespace FineTune.Vision.Tests.Cli;

/// <summary>The CLI's <c>export --format onnx</c> and <c>predict --onnx</c> on the shipped Fashion-MNIST model.</summary>
public sealed class OnnxVerbTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ftv-cli-onnx-").FullName;

    /// <summary>Deletes the temp folder.</summary>
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] ShippedModel =
        ["--model", "vit_tiny_patch16_224", "--set", "img_size=28", "--set", "patch_size=4", "--set", "embed_dim=64", "--set", "depth=4",
         "--set", "num_heads=4", "--set", "mlp_ratio=2", "--set", "num_classes=5"];

    private string Images()
    {
        string folder = Path.Combine(_dir, "images");
        Directory.CreateDirectory(folder);
        var test = FineTuneFixtures.Subset(train: false, classes: [0, 1, 2, 3, 4], perClass: 1);
        for (int i = 0; i < test.Count; i++)
        {
            using var image = test.Load(i);
            ImageEncoder.Save(image, Path.Combine(folder, $"img{i}.png"));
        }
        return folder;
    }

    [Fact]
    public void Export_from_a_model_file_then_predict_with_onnx_prints_the_classifiers_top_k()
    {
        string onnx = Path.Combine(_dir, "model.onnx");
        var export = CliRun.InProcess("export", "--format", "onnx", "--model-file", FineTuneFixtures.ShippedPath, "--output", onnx);
        Assert.True(export.ExitCode == 0, export.Error);
        Assert.Contains($"wrote {onnx}", export.Output, StringComparison.Ordinal);

        string images = Images();
        var predict = CliRun.InProcess("predict", "--onnx", onnx, "--images", images, "--top", "2");
        Assert.True(predict.ExitCode == 0, predict.Error);
        string[] lines = predict.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string[] files = [.. Directory.GetFiles(images).Order(StringComparer.Ordinal)];
        Assert.Equal(files.Length, lines.Length);
        using var classifier = new OnnxImageClassifier(onnx);
        for (int i = 0; i < files.Length; i++)
        {
            var top = classifier.Predict(files[i], 2);
            Assert.Equal(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{files[i]}: {top[0].Label} {top[0].Probability:F4}, {top[1].Label} {top[1].Probability:F4}"), lines[i]);
        }

        // The predictions file from the ONNX model: one row per image, the classifier's best label.
        string csv = Path.Combine(_dir, "predictions.csv");
        var file = CliRun.InProcess("predict", "--onnx", onnx, "--images", images, "--csv", csv, "--top", "1");
        Assert.True(file.ExitCode == 0, file.Error);
        string[] rows = File.ReadAllLines(csv);
        Assert.Equal(files.Length + 1, rows.Length);
        Assert.Contains($",{classifier.Predict(files[0], 1)[0].Label},", rows[1], StringComparison.Ordinal);
        Assert.Equal(2, CliRun.InProcess("predict", "--onnx", onnx, "--model-file", FineTuneFixtures.ShippedPath, "--images", images).ExitCode);

        // The libtorch predict verb names the same best class for every image.
        string labels = Path.Combine(_dir, "labels.txt");
        File.WriteAllLines(labels, classifier.ClassNames);
        var library = CliRun.InProcess(["predict", .. ShippedModel, "--weights", FineTuneFixtures.ShippedPath, "--labels", labels, "--images", images, "--top", "1"]);
        Assert.True(library.ExitCode == 0, library.Error);
        string[] libraryLines = library.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith(images, StringComparison.Ordinal)).ToArray();
        Assert.Equal(files.Length, libraryLines.Length);
        for (int i = 0; i < files.Length; i++)
            Assert.Equal(lines[i].Split(", ")[0][..^7], libraryLines[i][..^7]);    // "path: label" without " 0.1234"
    }

    [Fact]
    public void Export_from_a_model_name_and_weights_runs_on_onnx_runtime()
    {
        string onnx = Path.Combine(_dir, "named.onnx");
        var export = CliRun.InProcess(["export", "--format", "onnx", .. ShippedModel, "--weights", FineTuneFixtures.ShippedPath, "--output", onnx]);
        Assert.True(export.ExitCode == 0, export.Error);
        using var classifier = new OnnxImageClassifier(onnx);
        Assert.Equal("vit_tiny_patch16_224", classifier.Architecture);
        Assert.Equal(5, classifier.NumClasses);
        string file = Path.Combine(_dir, "file.onnx");
        Assert.Equal(0, CliRun.InProcess("export", "--format", "onnx", "--model-file", FineTuneFixtures.ShippedPath, "--output", file).ExitCode);
        using var fromFile = new OnnxImageClassifier(file);
        var x = new float[3 * 28 * 28];
        for (int i = 0; i < x.Length; i++) x[i] = (i % 17 / 8f) - 1f;
        var a = classifier.Logits(x, 1)[0];
        var b = fromFile.Logits(x, 1)[0];
        Assert.Equal(b, a);    // same weights, same graph
    }

    [Fact]
    public void Bad_arguments_and_files_fail_with_clear_messages()
    {
        var format = CliRun.InProcess("export", "--format", "tflite", "--model-file", FineTuneFixtures.ShippedPath, "--output", Path.Combine(_dir, "x"));
        Assert.Equal(2, format.ExitCode);
        Assert.Contains("--format 'tflite'", format.Error, StringComparison.Ordinal);
        var neither = CliRun.InProcess("export", "--format", "onnx", "--output", Path.Combine(_dir, "x"));
        Assert.Equal(2, neither.ExitCode);

        string notOnnx = Path.Combine(_dir, "fake.onnx");
        File.WriteAllText(notOnnx, "not a model");
        var predict = CliRun.InProcess("predict", "--onnx", notOnnx, "--images", Images());
        Assert.Equal(1, predict.ExitCode);
        Assert.Contains(notOnnx, predict.Error, StringComparison.Ordinal);
    }
}
