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
        var checkpoint = new ModelCheckpoint(_dir.Path, monitor: "train_loss");
        var callbacks = new List<Callback> { checkpoint, new PoisonAt(epoch: 1, batch: 2) };
        if (terminateOnNaN) callbacks.Add(new TerminateOnNaN());
        using var model = TrainingFixtures.Model(CrashChild.Config);
        using var loader = CrashChild.Loader();
        using var trainer = new Trainer(model, CrashChild.Options([.. callbacks]));
        var context = trainer.Fit(loader);

        if (terminateOnNaN)
        {
            Assert.Equal("the training loss is NaN at step 8 (epoch 1, batch 2)", context.StopReason);
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
