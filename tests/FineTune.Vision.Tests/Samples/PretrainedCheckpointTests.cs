using FineTune.Vision.Data;
using FineTune.Vision.Models;
using FineTune.Vision.Tests.Training;
using FineTune.Vision.Training;
using FineTune.Vision.Weights;
using QuickStart;

namespace FineTune.Vision.Tests.Samples;

/// <summary>The committed checkpoint samples/QuickStart starts from is what its metadata says it is.</summary>
public sealed class PretrainedCheckpointTests
{
    private static string Repo => FashionMnist.RepositoryRoot();

    [Fact]
    public void Checkpoint_is_small_and_describes_how_to_rebuild_it()
    {
        var checkpoint = PretrainedCheckpoint.Read(PretrainedCheckpoint.DefaultPath(Repo));
        Assert.True(new FileInfo(checkpoint.Path).Length < 1024 * 1024, "the committed checkpoint should stay under 1 MiB");
        Assert.Equal("vit_tiny_patch16_224", checkpoint.Architecture);
        Assert.Equal(28, checkpoint.Config.ImgSize);
        Assert.Equal(5, checkpoint.Config.NumClasses);
        Assert.Equal(1.0, checkpoint.Info.PretrainedConfig.CropPct);     // pretrained and evaluated on whole 28x28 images
        Assert.Equal(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat"], checkpoint.ClassNames);
        foreach (string key in new[] { "recipe", "command", "seed", "train_images", "test_images" })
            Assert.False(string.IsNullOrWhiteSpace(checkpoint.Metadata.GetValueOrDefault(key)), $"metadata '{key}' is missing");
    }

    [Fact]
    public void Checkpoint_loads_strictly_and_reaches_its_recorded_accuracy_on_classes_0_to_4()
    {
        using var threads = TrainingFixtures.SingleThread();
        var checkpoint = PretrainedCheckpoint.Read(PretrainedCheckpoint.DefaultPath(Repo));
        LoadReport? report = null;
        using var model = VisionModels.Create<ModelConfig>(checkpoint.Architecture, _ => checkpoint.Config)
            .LoadPretrained(checkpoint.Path, new WeightLoadOptions { Strict = true, DropClassifierOnMismatch = false }, r => report = r);

        Assert.NotNull(report);
        Assert.True(report.IsComplete, report.ToString());
        Assert.Empty(report.ClassifierDropped);
        Assert.Empty(report.Resampled);
        Assert.Equal(model.state_dict().Count, report.Loaded.Count);

        var test = FashionMnist.Open(FashionMnist.DataDirectory(Repo), train: false, FashionMnist.PretrainClasses);
        using var loader = new DataLoader(test.With(FashionMnist.EvalEncoder()), new DataLoaderOptions { BatchSize = 300, Workers = 1 });
        using var trainer = new Trainer(model);
        EvaluationResult result = trainer.Evaluate(loader);

        Assert.Equal(300, result.Samples);
        Assert.InRange(result.Top1, checkpoint.TestTop1 - 0.01, checkpoint.TestTop1 + 0.01);
        Assert.True(result.Top1 > 0.6, $"a genuinely trained model: top-1 {result.Top1:P1} on 5 classes (chance 20 %)");
    }

    [Fact]
    public void Checkpoint_reloads_as_a_model_file_with_its_class_names()
    {
        using var model = VisionModels.Load(PretrainedCheckpoint.DefaultPath(Repo));
        Assert.Equal(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat"], model.ClassNames);
        Assert.Equal(28, model.Config.ImgSize);

        using var retargeted = VisionModels.Load(PretrainedCheckpoint.DefaultPath(Repo), numClasses: 3, seed: 0);
        Assert.Equal(3, retargeted.NumClasses);
        Assert.Null(retargeted.ClassNames);
        using var again = VisionModels.Load(PretrainedCheckpoint.DefaultPath(Repo), numClasses: 3, seed: 0);
        Assert.True(retargeted.state_dict()["head.weight"].eq(again.state_dict()["head.weight"]).all().item<bool>(), "the same seed gives the same new classifier");
        Assert.True(retargeted.state_dict()["blocks.0.attn.qkv.weight"].eq(model.state_dict()["blocks.0.attn.qkv.weight"]).all().item<bool>(), "the backbone is the file's");
    }

    [Fact]
    public void Class_subset_relabels_the_fine_tuning_classes_0_to_4()
    {
        var train = FashionMnist.Open(FashionMnist.DataDirectory(Repo), train: true, FashionMnist.FineTuneClasses);

        Assert.Equal(1500, train.Count);
        Assert.Equal(["Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"], train.ClassNames);
        int[] counts = new int[5];
        for (int i = 0; i < train.Count; i++) counts[train.GetLabel(i)]++;
        Assert.All(counts, c => Assert.Equal(300, c));
        Assert.Contains("record", train.DescribeSource(0), StringComparison.Ordinal);
    }
}
