using FineTune.Vision.Data;
using FineTune.Vision.Deployment;
using FineTune.Vision.Imaging;
using FineTune.Vision.Models;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Tests.Training;
using FineTune.Vision.Training;
using FineTune.Vision.Weights;
using static FineTune.Vision.Tests.Deployment.DeploymentFixtures;

namespace FineTune.Vision.Tests.Deployment;

/// <summary>
/// <see cref="ImageClassifier"/> on the shipped model file against the library's trusted path, <c>Trainer.Predict</c> (the
/// same model and images through an <c>InMemoryDataset</c>-free loader), and under concurrent callers.
/// </summary>
public sealed class ImageClassifierTests : IDisposable
{
    private const int Classes = 5;
    private readonly IDisposable _threads = TrainingFixtures.SingleThread();
    private readonly TempDir _dir = new();

    /// <summary>Restores the libtorch thread count, deletes the temp folder.</summary>
    public void Dispose()
    {
        _threads.Dispose();
        _dir.Dispose();
    }

    /// <summary>The trusted peer: the Trainer's prediction from image paths on the same model file.</summary>
    private static Predictions TrainerPredictions(string[] files, bool flipTta)
    {
        using VisionModel model = VisionModels.Load(ShippedModel);
        using var trainer = new Trainer(model, new TrainerOptions { BatchSize = 5, Workers = 1 });
        return trainer.Predict(files, flipTta: flipTta);
    }

    [Fact]
    public void Load_reads_the_class_names_and_preprocessing_from_the_model_file()
    {
        using var classifier = ImageClassifier.Load(ShippedModel);
        ModelFileInfo info = ModelFile.ReadInfo(ShippedModel);
        Assert.Equal(info.ClassNames!, classifier.ClassNames);
        Assert.Equal(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat"], classifier.ClassNames);
        Assert.Equal((3, 28, 28), classifier.Encoder.SampleShape);
        Assert.Equal("vit_tiny_patch16_224", classifier.ModelName);
    }

    [Fact]
    public void Predict_path_stream_and_image_agree_with_each_other_and_with_Trainer_Predict()
    {
        string[] files = Images;
        Predictions expected = TrainerPredictions(files, flipTta: false);
        using var classifier = ImageClassifier.Load(ShippedModel);
        for (int i = 0; i < files.Length; i++)
        {
            IReadOnlyList<ClassScore> fromPath = classifier.Predict(files[i], topK: Classes);
            IReadOnlyList<ClassScore> fromStream;
            using (FileStream stream = File.OpenRead(files[i])) fromStream = classifier.Predict(stream, topK: Classes);
            IReadOnlyList<ClassScore> fromImage;
            using (RgbImage image = ImageDecoder.Decode(files[i]))
            {
                fromImage = classifier.Predict(image, topK: Classes);
                Assert.Equal(3 * image.Width * image.Height, image.Pixels.Length); // the caller keeps the image (not disposed)
            }

            Assert.Equal(fromPath, fromStream);
            Assert.Equal(fromPath, fromImage);
            Assert.Equal(expected.Top(i, Classes).Select(s => (s.Index, s.Label)), fromPath.Select(s => (s.Index, s.Label)));
            double[] p = ByIndex(fromPath, Classes);
            for (int c = 0; c < Classes; c++) Assert.Equal(expected.Probabilities[i][c], p[c], 1e-5);
            Assert.Equal(1.0, p.Sum(), 1e-5);
            Assert.True(fromPath.Zip(fromPath.Skip(1)).All(pair => pair.First.Probability >= pair.Second.Probability), "most probable first");
        }
        Assert.Equal(2, classifier.Predict(files[0], topK: 2).Count);
        Assert.Equal(Classes, classifier.Predict(files[0], topK: 50).Count);
    }

    [Fact]
    public void Flip_tta_agrees_with_the_trainers_flipTta_and_changes_the_probabilities()
    {
        string[] files = Images[..6];
        Predictions expected = TrainerPredictions(files, flipTta: true);
        using var tta = ImageClassifier.Load(ShippedModel, new ImageClassifierOptions { FlipTta = true });
        using var plain = ImageClassifier.Load(ShippedModel);
        IReadOnlyList<IReadOnlyList<ClassScore>> many = tta.PredictMany(files, Classes);
        bool changed = false;
        for (int i = 0; i < files.Length; i++)
        {
            double[] single = ByIndex(tta.Predict(files[i], Classes), Classes), batched = ByIndex(many[i], Classes);
            double[] withoutTta = ByIndex(plain.Predict(files[i], Classes), Classes);
            for (int c = 0; c < Classes; c++)
            {
                Assert.Equal(expected.Probabilities[i][c], single[c], 1e-5);
                Assert.Equal(expected.Probabilities[i][c], batched[c], 1e-5);
                changed |= Math.Abs(withoutTta[c] - single[c]) > 1e-4;
            }
        }
        Assert.True(changed, "the mirror images should change some probability");
    }

    [Fact]
    public void PredictMany_keeps_the_order_when_the_batch_size_does_not_divide_the_count()
    {
        string[] files = [.. Images, Images[3], Images[0]]; // 14 files, batches of 4: 4+4+4+2, a file twice
        using var classifier = ImageClassifier.Load(ShippedModel, new ImageClassifierOptions { BatchSize = 4, DecodeWorkers = 3 });
        IReadOnlyList<IReadOnlyList<ClassScore>> many = classifier.PredictMany(files, Classes);
        Predictions expected = TrainerPredictions(files, flipTta: false);

        Assert.Equal(files.Length, many.Count);
        for (int i = 0; i < files.Length; i++)
        {
            double[] batched = ByIndex(many[i], Classes), single = ByIndex(classifier.Predict(files[i], Classes), Classes);
            for (int c = 0; c < Classes; c++)
            {
                Assert.Equal(single[c], batched[c], 1e-5);
                Assert.Equal(expected.Probabilities[i][c], batched[c], 1e-5);
            }
        }
        Assert.Equal(many[3].Select(s => s.Index), many[12].Select(s => s.Index));
        Assert.Empty(classifier.PredictMany([], 3));
        Assert.All(classifier.PredictMany(files[..3], 2), top => Assert.Equal(2, top.Count));
    }

    [Fact]
    public async Task Concurrent_callers_get_the_answers_of_sequential_calls()
    {
        string[] files = Images;
        using var classifier = ImageClassifier.Load(ShippedModel, new ImageClassifierOptions { BatchSize = 3, DecodeWorkers = 2 });
        IReadOnlyList<ClassScore>[] sequential = [.. files.Select(f => classifier.Predict(f, Classes))];
        IReadOnlyList<IReadOnlyList<ClassScore>> sequentialMany = classifier.PredictMany(files, Classes);

        // 8 callers (own threads) at once, each classifying every image several times through all three entry points and PredictMany.
        const int callers = 8, rounds = 3;
        var results = new IReadOnlyList<ClassScore>[callers, rounds, files.Length];
        var manyResults = new IReadOnlyList<IReadOnlyList<ClassScore>>[callers];
        using var start = new Barrier(callers);
        Task[] tasks = [.. Enumerable.Range(0, callers).Select(caller => Task.Factory.StartNew(() => Caller(caller), TaskCreationOptions.LongRunning))];
        await Task.WhenAll(tasks);

        void Caller(int caller)
        {
            start.SignalAndWait();
            for (int round = 0; round < rounds; round++)
            {
                for (int k = 0; k < files.Length; k++)
                {
                    int i = (k + caller * 5 + round) % files.Length; // each caller in its own order
                    results[caller, round, i] = ((caller + round + i) % 3) switch
                    {
                        0 => classifier.Predict(files[i], Classes),
                        1 => PredictStream(classifier, files[i]),
                        _ => PredictImage(classifier, files[i]),
                    };
                }
            }
            manyResults[caller] = classifier.PredictMany(files, Classes);
        }

        for (int caller = 0; caller < callers; caller++)
        {
            for (int round = 0; round < rounds; round++)
                for (int i = 0; i < files.Length; i++) Assert.Equal(sequential[i], results[caller, round, i]);
            for (int i = 0; i < files.Length; i++) Assert.Equal(sequentialMany[i], manyResults[caller][i]);
        }
    }

    private static IReadOnlyList<ClassScore> PredictStream(ImageClassifier classifier, string file)
    {
        using var stream = new MemoryStream(File.ReadAllBytes(file));
        return classifier.Predict(stream, Classes);
    }

    private static IReadOnlyList<ClassScore> PredictImage(ImageClassifier classifier, string file)
    {
        using RgbImage image = ImageDecoder.Decode(file);
        return classifier.Predict(image, Classes);
    }

    [Fact]
    public void An_undecodable_image_fails_naming_the_file_or_is_skipped_and_reported()
    {
        string broken = Undecodable(_dir.File("broken.jpg"));
        using var classifier = ImageClassifier.Load(ShippedModel, new ImageClassifierOptions { BatchSize = 2, DecodeWorkers = 2 });

        var single = Assert.Throws<InvalidDataException>(() => classifier.Predict(broken));
        Assert.Contains(broken, single.Message);
        using (var stream = new MemoryStream(File.ReadAllBytes(broken)))
            Assert.Throws<InvalidDataException>(() => classifier.Predict(stream));
        string[] files = [Images[0], Images[1], broken, Images[2], _dir.File("missing.jpg")];
        var many = Assert.ThrowsAny<Exception>(() => classifier.PredictMany(files));
        Assert.True(many is InvalidDataException or FileNotFoundException, $"the decoder's own exception, not a wrapper: {many}");
        Assert.True(many.Message.Contains(broken, StringComparison.Ordinal) || many.Message.Contains("missing.jpg", StringComparison.Ordinal), many.Message);
        Assert.Throws<InvalidDataException>(() => classifier.PredictMany([Images[0], broken]));

        IReadOnlyList<IReadOnlyList<ClassScore>?> kept = classifier.PredictMany(files, 3, out IReadOnlyList<SkippedSample> skipped);
        Assert.Equal([2, 4], skipped.Select(s => s.Index));
        Assert.Equal([broken, files[4]], skipped.Select(s => s.Source));
        Assert.All(skipped, s => Assert.False(string.IsNullOrWhiteSpace(s.Reason)));
        Assert.Null(kept[2]);
        Assert.Null(kept[4]);
        Assert.Equal(classifier.Predict(Images[1], 3).Select(s => s.Index), kept[1]!.Select(s => s.Index));
        Assert.Equal(classifier.Predict(Images[2], 3).Select(s => s.Index), kept[3]!.Select(s => s.Index));
    }

    [Fact]
    public void A_model_file_without_metadata_or_missing_is_refused_naming_the_file()
    {
        // A plain checkpoint: the tensors of the model file, none of its metadata.
        string plain = _dir.File("plain.safetensors");
        using (VisionModel model = VisionModels.Load(ShippedModel)) SafeTensors.Save(plain, model.state_dict());
        var e = Assert.Throws<WeightsFormatException>(() => ImageClassifier.Load(plain));
        Assert.Contains(plain, e.Message);
        Assert.Contains("not a FineTune.Vision model file", e.Message);

        string missing = _dir.File("none.safetensors");
        var notFound = Assert.Throws<FileNotFoundException>(() => ImageClassifier.Load(missing));
        Assert.Contains(missing, notFound.Message);
    }

    [Fact]
    public void An_in_memory_model_classifies_with_its_own_or_given_class_names()
    {
        using VisionModel model = VisionModels.Load(ShippedModel);
        string[] names = ["a", "b", "c", "d", "e"];
        using (var named = new ImageClassifier(model, names))
        {
            Assert.Equal(names, named.ClassNames);
            IReadOnlyList<ClassScore> top = named.Predict(Images[0], 1);
            Assert.Equal(names[top[0].Index], top[0].Label);
        }
        model.ClassNames = null;
        using (var unnamed = new ImageClassifier(model))
            Assert.Equal(["0", "1", "2", "3", "4"], unnamed.ClassNames);

        var wrongCount = Assert.Throws<ArgumentException>(() => new ImageClassifier(model, ["a", "b"]));
        Assert.Contains("5 outputs", wrongCount.Message);
        var badOptions = Assert.Throws<ArgumentException>(() => new ImageClassifier(model, options: new ImageClassifierOptions { BatchSize = 0, DecodeWorkers = -1 }));
        Assert.Contains("BatchSize", badOptions.Message);
        Assert.Contains("DecodeWorkers", badOptions.Message);
        var wrongSize = Assert.Throws<ArgumentException>(() => new ImageClassifier(model, options: new ImageClassifierOptions { Encoder = FineTune.Vision.Transforms.Presets.Eval() }));
        Assert.Contains("224", wrongSize.Message);

        // The caller keeps the model: disposing the classifier leaves it usable.
        Assert.False(model.training);
        using var again = new ImageClassifier(model);
        Assert.Single(again.Predict(Images[0], 1));
    }

    [Fact]
    public void A_disposed_classifier_refuses_calls()
    {
        var classifier = ImageClassifier.Load(ShippedModel);
        classifier.Dispose();
        classifier.Dispose();
        Assert.Throws<ObjectDisposedException>(() => classifier.Predict(Images[0]));
        Assert.Throws<ObjectDisposedException>(() => classifier.PredictMany(Images));
        using var live = ImageClassifier.Load(ShippedModel);
        Assert.Throws<ArgumentOutOfRangeException>(() => live.Predict(Images[0], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => live.PredictMany(Images, -1));
    }
}
