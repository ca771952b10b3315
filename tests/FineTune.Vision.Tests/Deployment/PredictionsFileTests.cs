using System.Globalization;
using System.Text;
using FineTune.Vision.Deployment;
using FineTune.Vision.Imaging;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Tests.Training;
using FineTune.Vision.Training;
using static FineTune.Vision.Tests.Deployment.DeploymentFixtures;

namespace FineTune.Vision.Tests.Deployment;

/// <summary><see cref="PredictionsFile"/>: the CSV parsed back against the classifier's own predictions, per file.</summary>
public sealed class PredictionsFileTests : IDisposable
{
    private readonly IDisposable _threads = TrainingFixtures.SingleThread();
    private readonly TempDir _dir = new();

    /// <summary>Restores the libtorch thread count, deletes the temp folder.</summary>
    public void Dispose()
    {
        _threads.Dispose();
        _dir.Dispose();
    }

    /// <summary>A folder of unlabelled images in subfolders, one name with a comma and quotes, and a file that is not an image.</summary>
    private (string Folder, string[] Relative) Folder()
    {
        string[] relative = ["b.jpg", "a/z.jpeg", "a/deeper/c.JPEG", "x,y \"q\".jpg", "B2.png"];
        string[] images = Images;
        for (int i = 0; i < relative.Length; i++)
        {
            string target = _dir.File(["images", .. relative[i].Split('/')]);
            if (relative[i].EndsWith(".png", StringComparison.Ordinal))
            {
                using RgbImage image = ImageDecoder.Decode(images[i]);
                ImageEncoder.Save(image, target);
            }
            else
            {
                File.Copy(images[i], target);
            }
        }
        File.WriteAllText(_dir.File("images", "notes.txt"), "not an image");
        return (Path.Combine(_dir.Path, "images"), [.. relative.Order(StringComparer.Ordinal)]);
    }

    [Fact]
    public void A_folder_gives_the_top_k_of_every_image_recursively_in_ordinal_order_with_quoted_paths()
    {
        var (folder, relative) = Folder();
        string csv = _dir.File("out", "predictions.csv");
        using var classifier = ImageClassifier.Load(ShippedModel, new ImageClassifierOptions { BatchSize = 2, DecodeWorkers = 2 });

        PredictionsFileResult result = PredictionsFile.Write(classifier, folder, csv, new PredictionsFileOptions { TopK = 3 });

        Assert.Equal(5, result.Rows);
        Assert.Empty(result.Skipped);
        Assert.Equal(relative, PredictionsFile.ImageFiles(folder));
        Assert.Equal(["B2.png", "a/deeper/c.JPEG", "a/z.jpeg", "b.jpg", "x,y \"q\".jpg"], relative);
        string text = File.ReadAllText(csv, Encoding.UTF8);
        Assert.DoesNotContain("\r", text);
        Assert.Contains("\"x,y \"\"q\"\".jpg\",", text); // RFC 4180 quoting
        List<string[]> rows = ParseCsv(text);
        Assert.Equal(["path", "label", "probability", "label2", "probability2", "label3", "probability3"], rows[0]);
        Assert.Equal(relative, rows.Skip(1).Select(r => r[0]));
        for (int i = 0; i < relative.Length; i++)
        {
            string[] row = rows[i + 1];
            IReadOnlyList<ClassScore> expected = classifier.Predict(Path.Combine(folder, relative[i]), 3);
            Assert.Equal(7, row.Length);
            for (int j = 0; j < 3; j++)
            {
                Assert.Equal(expected[j].Label, row[1 + 2 * j]);
                Assert.Equal(expected[j].Probability, double.Parse(row[2 + 2 * j], CultureInfo.InvariantCulture), 1e-6);
            }
        }
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(csv)!, "*.tmp")); // written atomically, no temporary left
    }

    [Fact]
    public void The_Kaggle_form_has_id_label_rows_from_file_stems()
    {
        string[] files = Images[..4];
        string csv = _dir.File("submission.csv");
        using var classifier = ImageClassifier.Load(ShippedModel);
        PredictionsFileResult result = PredictionsFile.Write(classifier, files, csv, new PredictionsFileOptions { Format = PredictionsFormat.Kaggle, TopK = 3 });

        Assert.Equal(4, result.Rows);
        List<string[]> rows = ParseCsv(File.ReadAllText(csv));
        Assert.Equal(["id", "label"], rows[0]);
        Assert.Equal(["val_0", "val_1", "val_2", "val_3"], rows.Skip(1).Select(r => r[0]));
        for (int i = 0; i < files.Length; i++) Assert.Equal(classifier.Predict(files[i], 1)[0].Label, rows[i + 1][1]);

        // Two files with one stem cannot both be ids.
        string twin = _dir.File("other", "val_0.JPEG");
        File.Copy(files[0], twin);
        var duplicate = Assert.Throws<ArgumentException>(() => PredictionsFile.Write(classifier, [files[0], twin], csv, new PredictionsFileOptions { Format = PredictionsFormat.Kaggle }));
        Assert.Contains("'val_0'", duplicate.Message);
    }

    [Fact]
    public void A_list_of_files_keeps_its_order_and_paths_and_top_1_by_default()
    {
        string[] files = [Images[5], Images[0], Images[3]];
        string csv = _dir.File("list.csv");
        using var classifier = ImageClassifier.Load(ShippedModel);
        PredictionsFile.Write(classifier, files, csv);
        List<string[]> rows = ParseCsv(File.ReadAllText(csv));
        Assert.Equal(["path", "label", "probability"], rows[0]);
        Assert.Equal(files, rows.Skip(1).Select(r => r[0]));
    }

    [Fact]
    public void An_unreadable_image_fails_the_file_naming_it_or_is_skipped_and_reported()
    {
        var (folder, relative) = Folder();
        string broken = Undecodable(Path.Combine(folder, "a", "broken.jpg"));
        string csv = _dir.File("skip.csv");
        using var classifier = ImageClassifier.Load(ShippedModel, new ImageClassifierOptions { BatchSize = 2 });

        var e = Assert.Throws<InvalidDataException>(() => PredictionsFile.Write(classifier, folder, csv));
        Assert.Contains("broken.jpg", e.Message);
        Assert.False(File.Exists(csv));

        PredictionsFileResult result = PredictionsFile.Write(classifier, folder, csv, new PredictionsFileOptions { SkipUnreadable = true });
        Assert.Equal(5, result.Rows);
        SkippedSampleIs(result, broken);
        Assert.Equal(relative, ParseCsv(File.ReadAllText(csv)).Skip(1).Select(r => r[0]));
    }

    [Fact]
    public void Any_classifier_can_write_and_skip_through_the_interface()
    {
        // A classifier that is not ImageClassifier (as the ONNX Runtime one): PredictMany fails on the whole list.
        var (folder, _) = Folder();
        string broken = Undecodable(Path.Combine(folder, "broken.jpg"));
        using var inner = ImageClassifier.Load(ShippedModel);
        using var stub = new FailingManyClassifier(inner);
        string csv = _dir.File("stub.csv");
        PredictionsFileResult result = PredictionsFile.Write(stub, folder, csv, new PredictionsFileOptions { SkipUnreadable = true, TopK = 2 });
        Assert.Equal(5, result.Rows);
        SkippedSampleIs(result, broken);
        List<string[]> rows = ParseCsv(File.ReadAllText(csv));
        Assert.Equal(inner.Predict(Path.Combine(folder, rows[1][0]), 2)[1].Label, rows[1][3]);
    }

    private static void SkippedSampleIs(PredictionsFileResult result, string broken)
    {
        var skip = Assert.Single(result.Skipped);
        Assert.Equal(Path.GetFullPath(broken), Path.GetFullPath(skip.Source));
        Assert.Contains("broken.jpg", skip.Reason);
    }

    /// <summary>Predicts through another classifier, but its PredictMany throws the decoder's exception when any file is unreadable.</summary>
    private sealed class FailingManyClassifier(IImageClassifier inner) : IImageClassifier
    {
        public IReadOnlyList<string> ClassNames => inner.ClassNames;
        public IReadOnlyList<ClassScore> Predict(string path, int topK = 5) => inner.Predict(path, topK);
        public IReadOnlyList<ClassScore> Predict(Stream image, int topK = 5) => inner.Predict(image, topK);
        public IReadOnlyList<ClassScore> Predict(RgbImage image, int topK = 5) => inner.Predict(image, topK);
        public IReadOnlyList<IReadOnlyList<ClassScore>> PredictMany(IReadOnlyList<string> paths, int topK = 5) => [.. paths.Select(p => inner.Predict(p, topK))];
        public void Dispose() { }
    }

    /// <summary>An RFC 4180 reader (quoted fields, doubled quotes), independent of the writer.</summary>
    private static List<string[]> ParseCsv(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\n') { row.Add(field.ToString()); field.Clear(); rows.Add([.. row]); row.Clear(); }
            else field.Append(c);
        }
        Assert.True(field.Length == 0 && row.Count == 0, "the file ends with a line break");
        return rows;
    }
}
