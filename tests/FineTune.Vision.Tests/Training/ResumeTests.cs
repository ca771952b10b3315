using FineTune.Vision.Optim;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Callbacks;
using TorchSharp;

namespace FineTune.Vision.Tests.Training;

/// <summary>Checkpoints hold the full state: 2 epochs in one go equal 1 + 1 epochs with a resume in between.</summary>
public sealed class ResumeTests : IDisposable
{
    private readonly IDisposable _threads = TrainingFixtures.SingleThread();

    /// <summary>Restores the intra-op thread count.</summary>
    public void Dispose() => _threads.Dispose();

    private static TrainerOptions Options(int epochs, params Callback[] callbacks)
    {
        var options = new TrainerOptions
        {
            Epochs = epochs, Seed = 5, Optimizer = Optimizers.AdamW(2e-3), Schedule = LrSchedules.Cosine(warmupFraction: 0.2),
            Ema = new EmaOptions { Decay = 0.9, UseWarmup = true },
        };
        foreach (Callback c in callbacks) options.Callbacks.Add(c);
        return options;
    }

    [Fact]
    public void Two_epochs_equal_one_plus_one_with_a_resume_and_checkpoints_are_kept()
    {
        using var dir = new TempDir();
        var source = TrainingFixtures.Encode(TrainingFixtures.FashionTrain(96), 8);
        var validation = TrainingFixtures.Encode(TrainingFixtures.FashionTest(32), 8);
        var config = TrainingFixtures.MicroVit with { DropPathRate = 0.2 };

        var straight = new Recorder();
        using (var model = TrainingFixtures.Model(config))
        using (var loader = TrainingFixtures.Loader(source, 16, shuffle: true, seed: 5))
        using (var val = TrainingFixtures.Loader(validation, 16, shuffle: false))
        using (var trainer = new Trainer(model, Options(2, straight)))
            trainer.Fit(loader, val);

        var first = new Recorder();
        var checkpoint = new ModelCheckpoint(dir.Path, monitor: Metric.ValTop1, keepTopK: 1);
        using (var model = TrainingFixtures.Model(config))
        using (var loader = TrainingFixtures.Loader(source, 16, shuffle: true, seed: 5))
        using (var val = TrainingFixtures.Loader(validation, 16, shuffle: false))
        using (var trainer = new Trainer(model, Options(2, first, checkpoint, new Interrupt())))
            Assert.Equal("interrupted", trainer.Fit(loader, val).StopReason.Message);
        Assert.True(File.Exists(checkpoint.LastPath) && File.Exists(Trainer.StatePathFor(checkpoint.LastPath)) && File.Exists(Trainer.EmaPathFor(checkpoint.LastPath)));
        Assert.True(File.Exists(checkpoint.BestPath));
        Assert.Single(checkpoint.TopK);

        var second = new Recorder();
        using (var model = TrainingFixtures.Model(config, seed: 99))
        using (var loader = TrainingFixtures.Loader(source, 16, shuffle: true, seed: 5))
        using (var val = TrainingFixtures.Loader(validation, 16, shuffle: false))
        using (var trainer = new Trainer(model, Options(2, second)))
        {
            trainer.LoadCheckpoint(checkpoint.LastPath);
            var context = trainer.Fit(loader, val);
            Assert.Equal(12, context.Steps);
        }

        double[] resumed = [.. first.Losses, .. second.Losses];
        Assert.Equal(straight.Losses.Count, resumed.Length);
        for (int i = 0; i < resumed.Length; i++)
            Assert.True(Math.Abs(straight.Losses[i] - resumed[i]) <= 1e-6, $"batch {i}: {straight.Losses[i]} vs {resumed[i]}");
        Assert.Equal(straight.Lrs, [.. first.Lrs, .. second.Lrs]);
    }

    [Fact]
    public void Fp16_training_scales_the_loss_and_a_checkpoint_restores_the_scaler()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "fp16.safetensors");
        using var train = TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(64), 8), 8, shuffle: true);
        var options = new TrainerOptions
        {
            Epochs = 2, Precision = TrainingPrecision.Float16, Optimizer = Optimizers.AdamW(1e-3),
            LossScaler = new FineTune.Vision.Training.Precision.LossScalerOptions { InitScale = 1024, GrowthInterval = 5 },
        };
        using (var model = TrainingFixtures.Model(TrainingFixtures.MicroVit))
        using (var trainer = new Trainer(model, options))
        {
            var context = trainer.Fit(train);
            Assert.All(context.History, h => Assert.True(double.IsFinite(h[Metric.TrainLoss])));
            Assert.Equal(TorchSharp.torch.ScalarType.Float16, model.parameters().First().dtype);
            Assert.True(trainer.LossScaler!.Scale > 1024, $"the scale should have grown after good steps: {trainer.LossScaler.Scale}");
            trainer.SaveCheckpoint(path);
            Assert.Equal(TorchSharp.torch.ScalarType.Float32, FineTune.Vision.Weights.SafeTensors.ReadHeader(path).Tensors[0].DType);
        }
        using var model2 = TrainingFixtures.Model(TrainingFixtures.MicroVit);
        using var resumed = new Trainer(model2, options);
        resumed.LoadCheckpoint(path);
        Assert.True(resumed.LossScaler!.Scale > 1024);
        Assert.Equal(16, resumed.Context.Step);
    }

    /// <summary>Simulates an interruption after the first epoch (the run is planned for two).</summary>
    private sealed class Interrupt : Callback
    {
        public override void OnEpochEnd(TrainingContext context) => context.StopTraining("interrupted");
    }

    [Fact]
    public void A_checkpoint_of_another_model_is_refused_with_the_keys()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "m.safetensors");
        using (var model = TrainingFixtures.Model(TrainingFixtures.MicroVit))
        using (var trainer = new Trainer(model, new TrainerOptions()))
            trainer.SaveCheckpoint(path);
        using var other = TrainingFixtures.Model(TrainingFixtures.MicroVit with { EmbedDim = 16 });
        using var t2 = new Trainer(other, new TrainerOptions());
        var e = Assert.Throws<InvalidDataException>(() => t2.LoadCheckpoint(path));
        Assert.Contains("shape mismatches", e.Message);
        Assert.Contains("cls_token", e.Message);
    }
}
