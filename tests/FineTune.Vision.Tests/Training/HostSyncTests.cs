using FineTune.Vision.Optim;
using FineTune.Vision.Training;

namespace FineTune.Vision.Tests.Training;

/// <summary>
/// The loop copies nothing from the device per step by itself: the loss value and the running metrics are read from
/// device tensors only when a callback (or the progress display, every N batches) asks.
/// </summary>
public class HostSyncTests
{
    [Fact]
    public void The_loss_value_is_copied_only_when_read_and_the_running_metrics_agree_with_the_losses()
    {
        using var threads = TrainingFixtures.SingleThread();
        using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit);
        var probe = new Probe();
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Epochs = 1, BatchSize = 8, Workers = 1, Optimizer = Optimizers.AdamW(1e-3), Callbacks = { probe },
        });
        trainer.Fit(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(48), 8));

        Assert.Equal(6, probe.AfterBatch.Count);
        for (int i = 0; i < 6; i++)
        {
            if (i % 2 == 0) Assert.Equal(probe.Read[i / 2], probe.AfterBatch[i]); // read in the batch: kept
            else Assert.True(double.IsNaN(probe.AfterBatch[i]), $"batch {i}: never read, never copied");
        }
        // The epoch's train loss (from the device sums) is the mean of the batches' losses, which the probe computed itself.
        Assert.Equal(probe.Losses.Average(), trainer.Context.History[0]["train_loss"], 5);
    }

    private sealed class Probe : Callback
    {
        public List<double> Read { get; } = [];
        public List<double> AfterBatch { get; } = [];
        public List<double> Losses { get; } = [];

        public override void OnAfterLoss(TrainingContext context)
        {
            Losses.Add(context.Loss!.item<float>());
            if (context.BatchIndex % 2 == 0) Read.Add(context.LossValue);
        }

        public override void OnBatchStart(TrainingContext context)
        {
            if (context.BatchIndex > 0) AfterBatch.Add(context.LossValue);
        }

        public override void OnFitEnd(TrainingContext context) => AfterBatch.Add(context.LossValue);
    }
}
