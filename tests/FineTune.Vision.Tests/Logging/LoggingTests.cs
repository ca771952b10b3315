using System.Globalization;
using FineTune.Vision.Data;
using FineTune.Vision.Models;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Tests.Training;
using FineTune.Vision.Tests.Weights;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Callbacks;
using FineTune.Vision.Transforms;
using FineTune.Vision.Weights;
using Microsoft.Extensions.Logging;

namespace FineTune.Vision.Tests.Logging;

/// <summary>The ILogger seams: TrainerOptions.Logger, DataLoaderOptions.Logger, WeightLoadOptions.Logger.</summary>
public sealed class LoggingTests
{
    private static SampleEncoder Small => new(new Resize(8, 8), 8, 8, Normalization.Inception);

    [Fact]
    public void The_trainer_logs_the_start_each_epoch_each_checkpoint_and_the_end()
    {
        using var dir = new TempDir();
        var log = new CapturingLogger(LogLevel.Information);
        using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit with { NumClasses = 10 });
        var checkpoints = new ModelCheckpoint(dir.File("ckpt"));
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Epochs = 2, BatchSize = 8, Workers = 1, Device = TorchSharp.torch.CPU, Logger = log, Callbacks = { checkpoints },
        });
        var data = TrainingFixtures.Encode(TrainingFixtures.FashionTrain(16), size: 8);
        FitResult result = trainer.Fit(data, data);

        var start = Assert.Single(log.Named("FitStarted"));
        Assert.Equal((1, 2, 2, 8, 4L), ((int)start.Values["FirstEpoch"]!, (int)start.Values["Epochs"]!, (int)start.Values["Batches"]!, (int)start.Values["BatchSize"]!, (long)start.Values["TotalSteps"]!));
        Assert.Equal("cpu", start.Values["Device"]);

        var epochs = log.Named("EpochCompleted");
        Assert.Equal([1, 2], epochs.Select(e => (int)e.Values["Epoch"]!));
        for (int e = 0; e < 2; e++)
        {
            // Every epoch metric, with the values the result holds.
            string expected = string.Create(CultureInfo.InvariantCulture, $"val_top1 {result.History[e].Metrics[Metric.ValTop1.Name]:G5}");
            Assert.Contains(expected, epochs[e].Message, StringComparison.Ordinal);
            Assert.Contains("train_loss ", epochs[e].Message, StringComparison.Ordinal);
            Assert.StartsWith($"Epoch {e + 1}/2: ", epochs[e].Message, StringComparison.Ordinal);
            Assert.Equal(0, (int)epochs[e].Values["Skipped"]!);
        }

        var saved = log.Named("CheckpointSaved").Select(r => (string)r.Values["Path"]!).ToList();
        Assert.Contains(checkpoints.LastPath, saved);
        Assert.Contains(checkpoints.BestPath, saved);
        Assert.All(saved, p => Assert.True(File.Exists(p), p));

        var end = Assert.Single(log.Named("FitEnded"));
        Assert.Equal(LogLevel.Information, end.Level);
        Assert.Equal(StopKind.Completed, end.Values["Kind"]);
        Assert.Equal(4L, (long)end.Values["Steps"]!);
        Assert.Equal("FitEnded", log.Records[^1].Event.Name);
        Assert.DoesNotContain(log.Records, r => r.Level >= LogLevel.Warning);
    }

    [Fact]
    public void A_cancelled_run_ends_with_a_warning()
    {
        var log = new CapturingLogger();
        using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit);
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 1, BatchSize = 8, Workers = 1, Device = TorchSharp.torch.CPU, Logger = log });
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        trainer.Fit(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(16), size: 8), cancellationToken: cancel.Token);
        var end = Assert.Single(log.Named("FitEnded"));
        Assert.Equal((LogLevel.Warning, StopKind.Cancelled), (end.Level, end.Values["Kind"]));
    }

    [Fact]
    public void Skipped_unreadable_images_are_warnings_naming_the_file_and_counted_on_the_epoch_line()
    {
        using var dir = new TempDir();
        string val = Path.Combine(DataFixtures.TinyImageNetMini, "val", "images");
        for (int i = 0; i < 4; i++)
            File.Copy(Path.Combine(val, string.Create(CultureInfo.InvariantCulture, $"val_{i}.JPEG")), dir.File(i < 2 ? "cat" : "dog", $"img{i}.jpg"));
        string broken = dir.File("cat", "broken.jpg");
        File.WriteAllBytes(broken, [.. Enumerable.Range(0, 500).Select(i => (byte)(i * 37))]);
        var data = ImageFolder.Open(dir.Path);
        var log = new CapturingLogger(LogLevel.Information);
        using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit with { NumClasses = 2 });
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 1, BatchSize = 2, Workers = 2, SkipUnreadable = true, Logger = log });
        trainer.Fit(data.With(Small));

        var skipped = Assert.Single(log.Named("SkippedUnreadableImage"));
        Assert.Equal(LogLevel.Warning, skipped.Level);
        Assert.Contains(broken, (string)skipped.Values["Source"]!, StringComparison.Ordinal);
        Assert.Equal(1, (int)skipped.Values["Epoch"]!);
        Assert.Equal(1, (int)Assert.Single(log.Named("EpochCompleted")).Values["Skipped"]!);
    }

    [Fact]
    public void A_data_loader_with_a_logger_logs_each_skip_without_a_trainer()
    {
        using var dir = new TempDir();
        File.Copy(Path.Combine(DataFixtures.TinyImageNetMini, "val", "images", "val_0.JPEG"), dir.File("a", "good.jpg"));
        File.WriteAllBytes(dir.File("a", "empty.jpg"), []);
        var log = new CapturingLogger();
        using var loader = new DataLoader(ImageFolder.Open(dir.Path).With(Small), new DataLoaderOptions { BatchSize = 2, Workers = 1, SkipUnreadable = true, Logger = log });
        Assert.Equal(1, loader.Epoch(0).Sum(b => b.Count));   // the loader owns and disposes its batches
        var skipped = Assert.Single(log.Records);
        Assert.Equal((LogLevel.Warning, "SkippedUnreadableImage", 1), (skipped.Level, skipped.Event.Name, (int)skipped.Values["Epoch"]!));
        Assert.Contains("empty.jpg", skipped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Weight_loading_logs_the_file_the_renaming_and_the_dropped_classifier()
    {
        var log = new CapturingLogger();
        var overrides = new Dictionary<string, string>
        {
            ["img_size"] = "32", ["patch_size"] = "8", ["embed_dim"] = "32", ["depth"] = "2", ["num_heads"] = "2", ["mlp_ratio"] = "2", ["num_classes"] = "3",
        };
        using var model = VisionModels.Create<ModelConfig>("vit_base_patch16_224", c => c.WithOverrides(overrides));
        string path = WeightsFixtures.PathOf("vit_tv.pth");
        LoadReport report = model.LoadWeights(path, new WeightLoadOptions { DropClassifierOnMismatch = true, Logger = log });

        var loaded = Assert.Single(log.Named("WeightsLoaded"));
        Assert.Equal(LogLevel.Information, loaded.Level);
        Assert.Equal((path, report.Loaded.Count, 2), ((string)loaded.Values["Source"]!, (int)loaded.Values["Loaded"]!, (int)loaded.Values["ClassifierDropped"]!));
        Assert.Equal(CheckpointLayout.TorchVision, Assert.Single(log.Named("WeightsKeysRenamed")).Values["Layout"]);
        Assert.Contains("head.weight, head.bias", Assert.Single(log.Named("WeightsClassifierDropped")).Message, StringComparison.Ordinal);
        Assert.DoesNotContain(log.Records, r => r.Level >= LogLevel.Warning);
    }

    [Fact]
    public void A_non_strict_load_warns_about_the_missing_keys()
    {
        using var dir = new TempDir();
        string path = dir.File("shallow.safetensors");
        using (var shallow = TrainingFixtures.Model(TrainingFixtures.MicroVit))
            SafeTensors.Save(path, shallow.state_dict());
        using var deep = TrainingFixtures.Model(TrainingFixtures.MicroVit with { Depth = 2 });
        var log = new CapturingLogger(LogLevel.Warning);
        LoadReport report = deep.LoadWeights(path, new WeightLoadOptions { Strict = false, Logger = log });

        var missing = Assert.Single(log.Records);
        Assert.Equal(("WeightsMissing", report.Missing.Count), (missing.Event.Name, (int)missing.Values["Count"]!));
        Assert.Contains("blocks.1.", missing.Message, StringComparison.Ordinal);
        Assert.NotEmpty(report.Missing);
    }
}
