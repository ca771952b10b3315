using System.Globalization;
using System.Text.Json;
using FineTune.Vision.Cli;
using FineTune.Vision.Data;
using FineTune.Vision.Imaging;
using FineTune.Vision.Models;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Tests.Training;
using FineTune.Vision.Training;

namespace FineTune.Vision.Tests.Cli;

/// <summary>The CLI's <c>evaluate</c>, <c>predict</c> and <c>lr-find</c> verbs on a tiny trained ViT and tiny-imagenet-mini.</summary>
public sealed class ModelUseVerbTests : IClassFixture<TinyTrainedWeights>, IDisposable
{
    private readonly TinyTrainedWeights _weights;
    private readonly IDisposable _threads = TrainingFixtures.SingleThread();
    private readonly string _dir = Directory.CreateTempSubdirectory("ftv-cli-").FullName;

    /// <summary>Uses the shared trained weights.</summary>
    public ModelUseVerbTests(TinyTrainedWeights weights) => _weights = weights;

    /// <summary>Restores the thread count and deletes the temp folder.</summary>
    public void Dispose()
    {
        _threads.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static string Mini => DataFixtures.TinyImageNetMini;

    private string[] ModelArgs(string verb) => [verb, .. TinyTrainedWeights.Model, "--weights", _weights.WeightsPath];

    [Fact]
    public void Evaluate_prints_and_writes_the_trainers_top1_top5_and_loss()
    {
        string json = Path.Combine(_dir, "eval.json");
        var output = new StringWriter();
        Assert.Equal(0, EvaluateVerb.Run(CliApp.Parse([.. ModelArgs("evaluate"), "--data", Mini, "--layout", "tinyimagenet-val", "--batch", "4", "--workers", "1", "--json", json,
            "--confusion-png", Path.Combine(_dir, "confusion.png"), "--reliability-png", Path.Combine(_dir, "reliability.png")]), output));

        EvaluationResult expected;
        using (VisionModel model = _weights.Load())
        using (var loader = new DataLoader(TinyImageNet.Open(Mini).Validation.With(TinyTrainedWeights.EvalEncoder(model)), new DataLoaderOptions { BatchSize = 6, Workers = 1 }))
        using (var trainer = new Trainer(model))
            expected = trainer.Evaluate(loader);

        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement root = doc.RootElement;
        Assert.Equal(6, root.GetProperty("samples").GetInt32());
        Assert.Equal(expected.Top1, root.GetProperty("top1").GetDouble(), 9);
        Assert.Equal(1.0, root.GetProperty("top5").GetDouble()); // three classes
        Assert.Equal(expected.Loss, root.GetProperty("loss").GetDouble(), 6);
        Assert.True(expected.Top1 >= 0.5, $"the trained tiny model should tell the three photographs apart: {expected}");
        Assert.Equal(3, root.GetProperty("per_class_top1").EnumerateObject().Count());
        Assert.Contains(expected.ToString(), output.ToString());
        // The interval, the per-class report and calibration, printed and written.
        var interval = expected.Top1Estimate.Interval!.Value;
        Assert.Contains($"top-1 {expected.Top1Estimate} (95 % Clopper-Pearson interval)", output.ToString());
        Assert.Equal([interval.Lower, interval.Upper], root.GetProperty("top1_interval_95").EnumerateArray().Select(e => e.GetDouble()));
        var report = expected.Report(TinyImageNet.Open(Mini).Validation.ClassNames);
        Assert.Contains(report.ToString(), output.ToString());
        Assert.Equal(report.MacroF1, root.GetProperty("macro_f1").GetDouble(), 12);
        Assert.Equal(expected.Calibration.Value, root.GetProperty("ece").GetDouble(), 12);
        Assert.Equal(report.Classes.Select(c => c.Support), root.GetProperty("classes").EnumerateArray().Select(c => c.GetProperty("support").GetInt64()));
        Assert.True(new FileInfo(Path.Combine(_dir, "confusion.png")).Length > 1000);
        Assert.True(new FileInfo(Path.Combine(_dir, "reliability.png")).Length > 1000);
    }

    [Fact]
    public void Predict_prints_the_top_k_per_image_with_names_and_flip_tta()
    {
        string labels = Path.Combine(_dir, "labels.txt");
        File.WriteAllLines(labels, ["tabby", "shuttle", "espresso"]); // label order: the wnids sorted
        string single = Path.Combine(Mini, "train", "n04266014", "images", "n04266014_0.JPEG");
        string[] args = [.. ModelArgs("predict"), "--images", Path.Combine(Mini, "val", "images"), "--images", single, "--top", "2", "--labels", labels, "--batch", "4"];
        var plain = new StringWriter();
        var tta = new StringWriter();
        Assert.Equal(0, PredictVerb.Run(CliApp.Parse(args), plain));
        Assert.Equal(0, PredictVerb.Run(CliApp.Parse([.. args, "--tta"]), tta));

        string[] lines = Predictions(tta);
        Assert.Equal(7, lines.Length);
        Assert.StartsWith(Path.Combine(Mini, "val", "images", "val_0.JPEG") + ": ", lines[0]);
        Assert.StartsWith(single + ": ", lines[6]);

        // The same probabilities as Trainer.Predict with flip TTA on the same images.
        string[] files = [.. Enumerable.Range(0, 6).Select(i => Path.Combine(Mini, "val", "images", $"val_{i}.JPEG")), single];
        using VisionModel model = _weights.Load();
        using var loader = new DataLoader(new FileImageDataset(files, new int[7], ["tabby", "shuttle", "espresso"]).With(TinyTrainedWeights.EvalEncoder(model)), new DataLoaderOptions { BatchSize = 7, Workers = 1 });
        using var trainer = new Trainer(model);
        Predictions expected = trainer.Predict(loader, flipTta: true);
        string[] names = ["tabby", "shuttle", "espresso"];
        for (int i = 0; i < 7; i++)
        {
            string[] parts = lines[i][(files[i].Length + 2)..].Split(", ");
            Assert.Equal(2, parts.Length);
            var top = parts.Select(p => (Name: p[..p.LastIndexOf(' ')], P: double.Parse(p[(p.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture))).ToList();
            Assert.Equal(names[expected.Labels[i]], top[0].Name);
            Assert.True(top[0].P >= top[1].P);
            Assert.Equal(expected.Probabilities[i][Array.IndexOf(names, top[0].Name)], top[0].P, 4);
        }
        Assert.NotEqual(Predictions(plain), lines); // the mirror images change the probabilities
    }

    private static string[] Predictions(StringWriter output) =>
        [.. output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).Where(l => l.Contains(".JPEG: ", StringComparison.Ordinal))];

    [Fact]
    public void Lr_find_writes_the_plot_the_sweep_and_the_suggestions()
    {
        string png = Path.Combine(_dir, "lr.png"), csv = Path.Combine(_dir, "lr.csv");
        var output = new StringWriter();
        Assert.Equal(0, LrFindVerb.Run(CliApp.Parse(
            [.. ModelArgs("lr-find"), "--data", Mini, "--layout", "tinyimagenet-train", "--png", png, "--csv", csv,
             "--steps", "30", "--batch", "4", "--workers", "1", "--start-lr", "1e-5", "--optimizer", "sgd"]), output));

        using (RgbImage plot = ImageDecoder.Decode(png)) Assert.True(plot.Width >= 400 && plot.Height >= 200);
        string[] rows = File.ReadAllLines(csv);
        Assert.Equal("step,lr,smoothed_loss", rows[0]);
        Assert.InRange(rows.Length - 1, 6, 30);
        Assert.Equal(1e-5, double.Parse(rows[1].Split(',')[1], CultureInfo.InvariantCulture), 12);
        Assert.False(output.ToString().Contains("NaN", StringComparison.Ordinal), output.ToString());
        Assert.Matches(@"suggestions: valley [0-9.eE+-]+, steep [0-9.eE+-]+, minimum/10 [0-9.eE+-]+", output.ToString());
    }

    [Fact]
    public void Mistakes_are_named()
    {
        var layout = Assert.Throws<UsageException>(() => EvaluateVerb.Run(CliApp.Parse([.. ModelArgs("evaluate"), "--data", Mini, "--layout", "coco"]), TextWriter.Null));
        Assert.Contains("'coco'", layout.Message);
        Assert.Contains("tinyimagenet-val", layout.Message);

        string[] otherHead = [.. ModelArgs("evaluate")[..^2].Select(a => a == "num_classes=3" ? "num_classes=5" : a), "--weights", _weights.WeightsPath, "--data", Mini, "--layout", "tinyimagenet-val"];
        var head = Assert.ThrowsAny<IOException>(() => EvaluateVerb.Run(CliApp.Parse(otherHead), TextWriter.Null));
        Assert.Contains("num_classes", head.Message);

        var images = Assert.Throws<UsageException>(() => PredictVerb.Run(CliApp.Parse(ModelArgs("predict")), TextWriter.Null));
        Assert.Contains("--images", images.Message);

        var device = Assert.Throws<UsageException>(() => EvaluateVerb.Run(CliApp.Parse([.. ModelArgs("evaluate"), "--data", Mini, "--layout", "tinyimagenet-val", "--device", "gpu"]), TextWriter.Null));
        Assert.Contains("evaluate: --device: 'gpu' is not a device; use cpu, cuda, cuda:N or auto", device.Message);
    }

    [Fact]
    public void Evaluate_on_an_explicit_cpu_device_gives_the_same_result()
    {
        string[] args = [.. ModelArgs("evaluate"), "--data", Mini, "--layout", "tinyimagenet-val", "--batch", "4", "--workers", "1"];
        var plain = new StringWriter();
        var cpu = new StringWriter();
        Assert.Equal(0, EvaluateVerb.Run(CliApp.Parse(args), plain));
        Assert.Equal(0, EvaluateVerb.Run(CliApp.Parse([.. args, "--device", "cpu"]), cpu));
        Assert.Equal(plain.ToString(), cpu.ToString());
    }
}
