using System.Globalization;
using FineTune.Vision.Cli;
using FineTune.Vision.Deployment;
using FineTune.Vision.Models;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Tests.Training;
using FineTune.Vision.Training;
using FineTune.Vision.Weights;
using static FineTune.Vision.Tests.Deployment.DeploymentFixtures;

namespace FineTune.Vision.Tests.Cli;

/// <summary><c>predict --model-file</c> on the shipped model file: printed predictions, <c>--csv</c> and <c>--kaggle</c> files, mistakes.</summary>
public sealed class PredictModelFileTests : IDisposable
{
    private readonly IDisposable _threads = TrainingFixtures.SingleThread();
    private readonly TempDir _dir = new();

    /// <summary>Restores the libtorch thread count, deletes the temp folder.</summary>
    public void Dispose()
    {
        _threads.Dispose();
        _dir.Dispose();
    }

    /// <summary>Four photographs in a folder with a subfolder.</summary>
    private string Folder()
    {
        string[] images = Images;
        File.Copy(images[0], _dir.File("photos", "one.jpg"));
        File.Copy(images[1], _dir.File("photos", "two.jpg"));
        File.Copy(images[6], _dir.File("photos", "more", "three.jpg"));
        File.Copy(images[8], _dir.File("photos", "more", "four.jpg"));
        return Path.Combine(_dir.Path, "photos");
    }

    [Fact]
    public void Predict_prints_the_model_files_class_names_and_probabilities()
    {
        string folder = Folder();
        var output = new StringWriter();
        Assert.Equal(0, PredictVerb.Run(CliApp.Parse(["predict", "--model-file", ShippedModel, "--images", folder, "--top", "2", "--batch", "3"]), output));

        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] files = [.. new[] { "more/four.jpg", "more/three.jpg", "one.jpg", "two.jpg" }.Select(f => Path.Combine(folder, f))];
        Assert.Equal(4, lines.Length);
        using var classifier = ImageClassifier.Load(ShippedModel);
        for (int i = 0; i < files.Length; i++)
        {
            IReadOnlyList<ClassScore> expected = classifier.Predict(files[i], 2);
            string want = $"{files[i]}: " + string.Join(", ", expected.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Label} {s.Probability:F4}")));
            Assert.Equal(want, lines[i].TrimEnd('\r'));
        }
    }

    [Fact]
    public void Csv_and_kaggle_files_hold_the_classifiers_predictions()
    {
        string folder = Folder();
        string csv = _dir.File("out", "predictions.csv"), kaggle = _dir.File("out", "submission.csv");
        var output = new StringWriter();
        Assert.Equal(0, PredictVerb.Run(CliApp.Parse(["predict", "--model-file", ShippedModel, "--images", folder, "--csv", csv, "--top", "3", "--tta"]), output));
        Assert.Contains($"wrote 4 predictions to {csv}", output.ToString());
        Assert.Equal(0, PredictVerb.Run(CliApp.Parse(["predict", "--model-file", ShippedModel, "--images", folder, "--csv", kaggle, "--kaggle", "--tta"]), TextWriter.Null));

        using var classifier = ImageClassifier.Load(ShippedModel, new ImageClassifierOptions { FlipTta = true });
        string[] rows = File.ReadAllLines(csv);
        Assert.Equal("path,label,probability,label2,probability2,label3,probability3", rows[0]);
        Assert.Equal(["more/four.jpg", "more/three.jpg", "one.jpg", "two.jpg"], rows.Skip(1).Select(r => r.Split(',')[0]));
        foreach (string row in rows.Skip(1))
        {
            string[] f = row.Split(',');
            IReadOnlyList<ClassScore> expected = classifier.Predict(Path.Combine(folder, f[0]), 3);
            Assert.Equal(expected.Select(s => s.Label), new[] { f[1], f[3], f[5] });
            Assert.Equal(expected[0].Probability, double.Parse(f[2], CultureInfo.InvariantCulture), 1e-6);
        }
        string[] submission = File.ReadAllLines(kaggle);
        Assert.Equal(["id,label", .. new[] { "four", "three", "one", "two" }.Select(id => $"{id},{CsvLabel(classifier, folder, id)}")], submission);
    }

    private static string CsvLabel(ImageClassifier classifier, string folder, string id)
    {
        string file = Directory.GetFiles(folder, id + ".jpg", SearchOption.AllDirectories).Single();
        return classifier.Predict(file, 1)[0].Label; // the five Fashion-MNIST names hold no comma or quote
    }

    [Fact]
    public void The_weights_form_still_works_and_agrees_with_the_model_file_form()
    {
        // The same model as --model NAME --set ... --weights FILE (a plain checkpoint) and --labels.
        string weights = _dir.File("plain.safetensors"), labels = _dir.File("labels.txt");
        ModelFileInfo info = ModelFile.ReadInfo(ShippedModel);
        using (VisionModel model = VisionModels.Load(ShippedModel)) SafeTensors.Save(weights, model.state_dict());
        File.WriteAllLines(labels, info.ClassNames!);
        string[] set = ["--set", "img_size=28", "--set", "patch_size=4", "--set", "embed_dim=64", "--set", "depth=4", "--set", "num_heads=4", "--set", "mlp_ratio=2", "--set", "num_classes=5"];
        string folder = Folder();
        var fromWeights = new StringWriter();
        var fromFile = new StringWriter();
        Assert.Equal(0, PredictVerb.Run(CliApp.Parse(["predict", "--model", "vit_tiny_patch16_224", .. set, "--weights", weights, "--labels", labels, "--images", folder]), fromWeights));
        Assert.Equal(0, PredictVerb.Run(CliApp.Parse(["predict", "--model-file", ShippedModel, "--images", folder]), fromFile));
        // The plain checkpoint's model uses the registry's preprocessing, not the file's (mean = std = 0.5): the labels are the
        // same names, and both list four images.
        string[] a = Lines(fromWeights), b = Lines(fromFile);
        Assert.Equal(4, a.Length);
        Assert.Equal(b.Select(l => l[..l.IndexOf(": ", StringComparison.Ordinal)]), a.Select(l => l[..l.IndexOf(": ", StringComparison.Ordinal)]));
        Assert.All(a, l => Assert.Contains(info.ClassNames!, n => l.Contains(": " + n + " ", StringComparison.Ordinal)));
    }

    private static string[] Lines(StringWriter output) =>
        [.. output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).Where(l => l.Contains(".jpg: ", StringComparison.Ordinal))];

    [Fact]
    public void Unreadable_images_are_skipped_and_reported_on_request()
    {
        string folder = Folder();
        Undecodable(Path.Combine(folder, "more", "broken.jpg"));
        string csv = _dir.File("skip.csv");
        CliRun failed = CliRun.InProcess("predict", "--model-file", ShippedModel, "--images", folder, "--csv", csv).AssertFailsCleanly();
        Assert.Contains("broken.jpg", failed.Error);
        Assert.False(File.Exists(csv));

        CliRun run = CliRun.InProcess("predict", "--model-file", ShippedModel, "--images", folder, "--csv", csv, "--skip-unreadable");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("skipped unreadable image", run.Output);
        Assert.Contains("broken.jpg", run.Output);
        Assert.Contains("(1 unreadable image(s) skipped)", run.Output);
        Assert.Equal(5, File.ReadAllLines(csv).Length);
    }

    [Fact]
    public void Mistakes_are_named()
    {
        string folder = Folder();
        string plain = _dir.File("plain.safetensors");
        using (VisionModel model = VisionModels.Load(ShippedModel)) SafeTensors.Save(plain, model.state_dict());
        CliRun noMetadata = CliRun.InProcess("predict", "--model-file", plain, "--images", folder).AssertFailsCleanly();
        Assert.Contains(plain, noMetadata.Error);
        Assert.Contains("not a FineTune.Vision model file", noMetadata.Error);

        var kaggle = Assert.Throws<UsageException>(() => PredictVerb.Run(CliApp.Parse(["predict", "--model-file", ShippedModel, "--images", folder, "--kaggle"]), TextWriter.Null));
        Assert.Contains("--csv", kaggle.Message);
        var both = Assert.Throws<UsageException>(() => PredictVerb.Run(CliApp.Parse(["predict", "--model-file", ShippedModel, "--weights", plain, "--images", folder]), TextWriter.Null));
        Assert.Contains("--model-file", both.Message);
        var missing = Assert.Throws<FileNotFoundException>(() => PredictVerb.Run(CliApp.Parse(["predict", "--model-file", ShippedModel, "--images", _dir.File("nothing")]), TextWriter.Null));
        Assert.Contains("nothing", missing.Message);
    }
}
