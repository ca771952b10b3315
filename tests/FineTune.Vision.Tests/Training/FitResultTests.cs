using FineTune.Vision.Optim;
using FineTune.Vision.Optim.Schedules;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Callbacks;

namespace FineTune.Vision.Tests.Training;

public class FitResultTests
{
    [Fact]
    public void Fit_returns_typed_epoch_rows_the_best_epoch_and_why_it_stopped()
    {
        using var threads = TrainingFixtures.SingleThread();
        using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit);
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Epochs = 3, BatchSize = 8, Workers = 1, Optimizer = Optimizers.AdamW(3e-3), Callbacks = { new ValF1Probe() },
        });
        FitResult result = trainer.Fit(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(32), 8), TrainingFixtures.Encode(TrainingFixtures.FashionTest(16), 8));

        Assert.Equal(StopKind.Completed, result.StopReason.Kind);
        Assert.Equal(12, result.Steps);
        Assert.Equal([0, 1, 2], result.History.Select(e => e.Epoch));
        for (int i = 0; i < 3; i++)
        {
            EpochResult e = result.History[i];
            Assert.Equal(trainer.Context.History[i]["train_loss"], e.TrainLoss);
            Assert.Equal(e.Metrics["val_top1"], e.ValTop1);
            Assert.NotNull(e.Validation);
            Assert.Equal(e.Validation!.Top1, e.ValTop1);
            Assert.True(e.TrainTime > TimeSpan.Zero);
            Assert.InRange(e.DataWaitFraction, 0, 1);
            Assert.Empty(e.Skipped);
            Assert.Equal(i + 1.0, e[ValF1Probe.Metric]); // a callback's own metric lands in the row
        }
        Assert.Equal(Metric.ValTop1, result.Monitor);
        double best = result.History.Max(e => e.ValTop1!.Value);
        Assert.Equal(result.History.First(e => e.ValTop1 == best), result.BestEpoch);
        Assert.Same(result.BestEpoch!.Validation, result.BestValidation);
        Assert.Same(result.History[^1].Validation, result.LastValidation);
    }

    [Fact]
    public void Early_stopping_on_a_custom_max_metric_is_typed_and_named()
    {
        using var threads = TrainingFixtures.SingleThread();
        using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit);
        var flat = new Metric("flat", MetricMode.Max);
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Epochs = 5, BatchSize = 8, Workers = 1, Monitor = flat,
            Callbacks = { new Constant(flat, 0.5), new EarlyStopping(flat, patience: 2) },
        });
        FitResult result = trainer.Fit(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(16), 8));
        Assert.Equal(StopKind.EarlyStopped, result.StopReason.Kind);
        Assert.Equal("flat has not improved for 2 epochs (best 0.5)", result.StopReason.Message);
        Assert.Equal(result.StopReason.Message, result.StopReason.ToString());
        Assert.Equal(3, result.History.Count);
        Assert.Equal(0, result.BestEpoch!.Epoch); // the first of equal values
        Assert.Null(result.BestValidation);       // no validation data
        Assert.Null(result.History[0].ValTop1);
    }

    [Fact]
    public void The_monitors_mode_decides_not_its_name()
    {
        var lossLike = new EarlyStopping(new Metric("loss_of_confidence", MetricMode.Max), patience: 1);
        Assert.Equal(MetricMode.Max, lossLike.Mode);
        Assert.Equal(MetricMode.Min, new ModelCheckpoint("x").Mode); // default: val_loss
        Assert.Throws<ArgumentException>(() => new Metric(" ", MetricMode.Min));
        Assert.True(Metric.ValTop1.IsBetter(0.6, 0.5) && Metric.ValLoss.IsBetter(0.4, 0.5));
    }

    [Fact]
    public void Reduce_on_plateau_follows_the_named_monitor_and_refuses_a_mode_that_disagrees()
    {
        using var threads = TrainingFixtures.SingleThread();
        var flat = new Metric("flat", MetricMode.Max);
        FitResult Run(Metric monitor, PlateauMode mode)
        {
            using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit);
            using var trainer = new Trainer(model, new TrainerOptions
            {
                Epochs = 3, BatchSize = 8, Workers = 1, PlateauMonitor = monitor, Optimizer = Optimizers.AdamW(1e-3),
                Schedule = (lr, _) => new ReduceLROnPlateau(lr, mode, factor: 0.5, patience: 0), Callbacks = { new Constant(flat, 0.5) },
            });
            return trainer.Fit(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(16), 8));
        }
        // The flat metric never improves after epoch 0: the rate halves after epoch 1 (and 2), with patience 0.
        FitResult result = Run(flat, PlateauMode.Max);
        Assert.Equal([1e-3, 1e-3, 5e-4], result.History.Select(e => e.LearningRate));
        var e = Assert.Throws<InvalidOperationException>(() => Run(flat, PlateauMode.Min));
        Assert.Contains("PlateauMonitor flat is Max", e.Message);
    }

    /// <summary>Adds a metric per epoch: 1, 2, 3, …</summary>
    private sealed class ValF1Probe : Callback
    {
        public static readonly Metric Metric = new("probe", MetricMode.Max);
        public override void OnValidationEnd(TrainingContext context) => context.SetMetric(Metric, context.Epoch + 1.0);
    }

    /// <summary>Sets a metric that never changes (during the epoch, so that it is in the epoch's row).</summary>
    private sealed class Constant(Metric metric, double value) : Callback
    {
        public override void OnBatchEnd(TrainingContext context) => context.SetMetric(metric, value);
    }
}
