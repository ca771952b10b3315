using FineTune.Vision.Optim;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Tests.Training;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Callbacks;
using FineTune.Vision.Weights;
using TorchSharp;

namespace FineTune.Vision.Tests.Reliability;

/// <summary>A NaN loss stops training naming the step, and a diverged run never overwrites a good checkpoint.</summary>
public sealed class NumericsTests : IDisposable
{
    private readonly IDisposable _threads = TrainingFixtures.SingleThread();
    private readonly TempDir _dir = new();

    /// <summary>Restores the thread count and deletes the files.</summary>
    public void Dispose()
    {
        _threads.Dispose();
        _dir.Dispose();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_nan_loss_never_replaces_the_last_good_checkpoint(bool terminateOnNaN)
    {
        var checkpoint = new ModelCheckpoint(_dir.Path, monitor: Metric.TrainLoss);
        var callbacks = new List<Callback> { checkpoint, new PoisonAt(epoch: 1, batch: 2) };
        if (terminateOnNaN) callbacks.Add(new TerminateOnNaN());
        using var model = TrainingFixtures.Model(CrashChild.Config);
        using var loader = CrashChild.Loader();
        using var trainer = new Trainer(model, CrashChild.Options([.. callbacks]));
        var context = trainer.Fit(loader);

        if (terminateOnNaN)
        {
            Assert.Equal("the training loss is NaN at step 8 (epoch 1, batch 2)", context.StopReason.Message);
            Assert.Equal([1], checkpoint.SkippedEpochs);
        }
        else
        {
            Assert.Equal([1, 2, 3], checkpoint.SkippedEpochs);
        }
        foreach (string path in new[] { checkpoint.LastPath, checkpoint.BestPath })
        {
            using StateDict saved = SafeTensors.Load(path);
            Assert.Equal("1", saved.Metadata["epoch"]);
            Assert.All(saved, kv => Assert.True(torch.isfinite(kv.Value).all().item<bool>(), $"{path}: {kv.Key} is not finite"));
        }
    }

    [Fact]
    public void Under_fp16_an_overflowing_batch_is_skipped_by_the_loss_scaler_and_training_goes_on()
    {
        var checkpoint = new ModelCheckpoint(_dir.Path, monitor: Metric.ValLoss);
        var probe = new OverflowAt(epoch: 1, batch: 2);
        using var model = TrainingFixtures.Model(CrashChild.Config);
        using var loader = CrashChild.Loader();
        using var validation = TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTest(32), 8), 16, shuffle: false);
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Epochs = 2, Seed = 5, Optimizer = Optimizers.AdamW(2e-3), Precision = TrainingPrecision.Float16,
            LossScaler = new() { InitScale = 1024 }, Callbacks = { probe, checkpoint },
        });
        var context = trainer.Fit(loader, validation);

        Assert.Equal(StopKind.Completed, context.StopReason.Kind);
        Assert.Equal(12, context.Steps);
        Assert.Equal(1, trainer.LossScaler!.SkippedSteps);
        Assert.Equal(512, trainer.LossScaler.Scale);                 // backed off once, not grown back within 4 steps
        Assert.True(probe.Unchanged, "the overflowing batch changed the weights");
        Assert.Empty(checkpoint.SkippedEpochs);
    }

    /// <summary>Makes one batch's fp16 inputs overflow (inf), and records whether that step left the weights as they were.</summary>
    private sealed class OverflowAt(int epoch, int batch) : Callback
    {
        private float[]? _before;

        public bool Unchanged { get; private set; }

        public override void OnBatchStart(TrainingContext context)
        {
            if (context.Epoch != epoch || context.BatchIndex != batch) return;
            _before = Snapshot(context);
            context.Images!.mul_(1e6);
        }

        public override void OnBatchEnd(TrainingContext context)
        {
            if (_before is null) return;
            Unchanged = _before.SequenceEqual(Snapshot(context));
            _before = null;
        }

        private static float[] Snapshot(TrainingContext context)
        {
            using var scope = torch.NewDisposeScope();
            return [.. context.Model.Module.parameters().SelectMany(p => p.detach().to(torch.ScalarType.Float32).data<float>().ToArray())];
        }
    }

    /// <summary>Writes NaN into the classifier weights before one batch: every later loss is NaN.</summary>
    private sealed class PoisonAt(int epoch, int batch) : Callback
    {
        public override void OnBatchStart(TrainingContext context)
        {
            if (context.Epoch != epoch || context.BatchIndex != batch) return;
            using var _ = torch.no_grad();
            foreach (var p in context.Model.Module.parameters()) p.fill_(double.NaN);
        }
    }
}
