using System.Globalization;
using FineTune.Vision.Data;
using FineTune.Vision.Models;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Callbacks;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Tests.Training;

public class UnreadableAndPredictTests
{
    /// <summary>An image folder of two classes of 4 real JPEGs each, plus one corrupt file in the first class.</summary>
    private static (TempDir Dir, FileImageDataset Data) FolderWithACorruptImage()
    {
        var dir = new TempDir();
        string val = Path.Combine(DataFixtures.TinyImageNetMini, "val", "images");
        for (int i = 0; i < 8; i++)
        {
            string folder = Directory.CreateDirectory(dir.File(i < 4 ? "cat" : "dog")).FullName;
            File.Copy(Path.Combine(val, string.Create(CultureInfo.InvariantCulture, $"val_{i % 6}.JPEG")), Path.Combine(folder, $"img{i}.jpg"));
        }
        File.WriteAllBytes(dir.File("cat", "broken.jpg"), [.. Enumerable.Range(0, 500).Select(i => (byte)(i * 37))]);
        return (dir, ImageFolder.Open(dir.Path));
    }

    private static SampleEncoder Small => new(new Resize(8, 8), 8, 8, Normalization.Inception);

    private static VisionTransformer Model() => TrainingFixtures.Model(TrainingFixtures.MicroVit with { NumClasses = 2 });

    [Fact]
    public void A_corrupt_image_fails_the_fit_naming_the_file_and_the_trainer_setting()
    {
        var (dir, data) = FolderWithACorruptImage();
        using var _ = dir;
        using var model = Model();
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 1, BatchSize = 3, Workers = 1 });
        var e = Assert.Throws<SampleLoadException>(() => trainer.Fit(data.With(Small)));
        Assert.Contains("broken.jpg", e.Message);
        Assert.Contains("set TrainerOptions.SkipUnreadable = true", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void With_SkipUnreadable_a_folder_with_a_corrupt_image_trains_and_reports_the_skip()
    {
        var (dir, data) = FolderWithACorruptImage();
        using var _ = dir;
        using var model = Model();
        var output = new StringWriter();
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Epochs = 2, BatchSize = 3, Workers = 2, SkipUnreadable = true, Callbacks = { new ProgressDisplay(output, interactive: false) },
        });
        FitResult result = trainer.Fit(data.With(Small), data.With(Small));

        Assert.Equal(StopKind.Completed, result.StopReason.Kind);
        Assert.All(result.History, epoch =>
        {
            // The same folder trains and validates here: the training pass skips the file, then the validation pass.
            Assert.Equal(2, epoch.Skipped.Count);
            Assert.All(epoch.Skipped, skipped => Assert.Contains(Path.Combine(dir.Path, "cat", "broken.jpg"), skipped.Source));
        });
        Assert.Equal(8, result.LastValidation!.Samples); // the validation pass skips it too
        string[] epochLines = [.. output.ToString().Split('\n').Where(l => l.StartsWith("epoch 1/2  ", StringComparison.Ordinal) || l.StartsWith("epoch 2/2  ", StringComparison.Ordinal))];
        Assert.Equal(2, epochLines.Length);
        Assert.All(epochLines, l => Assert.Contains("skipped 1 unreadable image: '" + Path.Combine(dir.Path, "cat", "broken.jpg") + "'", l));
    }

    [Fact]
    public void Evaluate_and_Predict_take_a_sample_source_and_Top_names_the_classes()
    {
        var (dir, data) = FolderWithACorruptImage();
        using var _ = dir;
        var good = data.Subset([.. Enumerable.Range(0, data.Count).Where(i => !data.Paths[i].EndsWith("broken.jpg", StringComparison.Ordinal))]);
        using var model = Model();
        using var trainer = new Trainer(model, new TrainerOptions { BatchSize = 3, Workers = 1 });
        using var loader = TrainingFixtures.Loader(good.With(Small), 3, shuffle: false);
        EvaluationResult fromSource = trainer.Evaluate(good.With(Small)), fromLoader = trainer.Evaluate(loader);
        Assert.Equal((fromLoader.Loss, fromLoader.Top1, fromLoader.Samples), (fromSource.Loss, fromSource.Top1, fromSource.Samples));

        Predictions predictions = trainer.Predict(good.With(Small));
        Assert.Equal(8, predictions.Count);
        Assert.Equal(["cat", "dog"], predictions.ClassNames);
        IReadOnlyList<ClassScore> top = predictions.Top(0, 2);
        Assert.Equal(2, top.Count);
        Assert.True(top[0].Probability >= top[1].Probability);
        Assert.Equal(predictions.Labels[0], top[0].Index);
        Assert.Equal(top[0].Index == 0 ? "cat" : "dog", top[0].Label);
        Assert.Equal(1.0, top.Sum(s => s.Probability), 5);
    }

    [Fact]
    public void Predict_on_image_paths_needs_no_labels_and_uses_the_models_eval_preset_by_default()
    {
        var (dir, data) = FolderWithACorruptImage();
        using var _ = dir;
        string[] paths = [data.Paths.First(p => p.EndsWith("img0.jpg", StringComparison.Ordinal)), data.Paths.First(p => p.EndsWith("img5.jpg", StringComparison.Ordinal))];
        // A model whose pretrained config asks for 8x8 inputs, so its default eval preset fits it.
        using var model = Model();
        using var trainer = new Trainer(model, new TrainerOptions { Workers = 1 });
        var config = model.PretrainedConfig;
        Assert.Equal(8, config.InputSize[^1]);

        Predictions byPreset = trainer.Predict(paths, classNames: ["cat", "dog"]);
        Assert.Equal([-1, -1], byPreset.TrueLabels);
        Assert.Contains(byPreset.Top(1, 1)[0].Label, new[] { "cat", "dog" });
        var explicitEncoder = Presets.Eval(new EvalPresetOptions
        {
            Size = 8, CropPct = config.CropPct, Interpolation = FineTune.Vision.Imaging.Interpolation.Bicubic,
            Normalization = new Normalization(((float)config.Mean[0], (float)config.Mean[1], (float)config.Mean[2]), ((float)config.Std[0], (float)config.Std[1], (float)config.Std[2])),
        });
        Predictions byEncoder = trainer.Predict(paths, explicitEncoder);
        Assert.Equal(byEncoder.Probabilities, byPreset.Probabilities);
        Assert.Equal("1", byEncoder.Top(0, 2)[1].Index == 1 ? byEncoder.Top(0, 2)[1].Label : byEncoder.Top(0, 2)[0].Label); // no names: indices as text

        using (var image = FineTune.Vision.Imaging.ImageDecoder.Decode(paths[1]))
        {
            Predictions one = trainer.Predict(image, classNames: ["cat", "dog"]);
            Assert.Equal(byPreset.Probabilities[1], one.Probabilities[0]);
            Assert.Equal(image.Width * image.Height * 3, image.Pixels.Length); // the caller's image is left intact
        }

        var e = Assert.Throws<SampleLoadException>(() => trainer.Predict([Path.Combine(dir.Path, "cat", "broken.jpg")]));
        Assert.Contains("broken.jpg", e.Message);
    }
}
