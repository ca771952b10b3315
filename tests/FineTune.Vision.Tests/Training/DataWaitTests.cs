using FineTune.Vision.Data;
using FineTune.Vision.Imaging;
using FineTune.Vision.Optim;
using FineTune.Vision.Training;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Tests.Training;

/// <summary>The trainer measures how long each epoch's training pass waits for the loader.</summary>
public sealed class DataWaitTests : IDisposable
{
    private readonly IDisposable _threads = TrainingFixtures.SingleThread();

    /// <summary>Restores the intra-op thread count.</summary>
    public void Dispose() => _threads.Dispose();

    /// <summary>A transform that takes <paramref name="milliseconds"/> per image: a loader far slower than the step.</summary>
    private sealed class Slow(int milliseconds) : ITransform
    {
        public RgbImage Apply(RgbImage image, Random rng)
        {
            Thread.Sleep(milliseconds);
            return image;
        }
    }

    private static TrainingContext Fit(ITransform transform)
    {
        using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit);
        var source = TrainingFixtures.FashionTrain(16).With(new SampleEncoder(new Compose(transform, new Resize(8, 8)), 8, 8, Normalization.Inception));
        using var loader = TrainingFixtures.Loader(source, 4, shuffle: false);
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 1, Optimizer = Optimizers.AdamW(1e-3) });
        trainer.Fit(loader);
        return trainer.Context;
    }

    [Fact]
    public void A_starved_step_spends_most_of_the_epoch_waiting_and_the_measure_is_consistent()
    {
        // 4 images x 50 ms per batch on one worker against a step of a few milliseconds on an 8x8 model.
        var context = Fit(new Slow(50));
        Assert.True(context.EpochTrainTime >= TimeSpan.FromMilliseconds(4 * 4 * 50 * 0.9), $"train time {context.EpochTrainTime}");
        Assert.InRange(context.EpochDataWait, TimeSpan.Zero, context.EpochTrainTime);
        Assert.True(context.DataWaitFraction > 0.5, $"waiting for data: {context.DataWaitFraction:P1} of {context.EpochTrainTime}");
    }

    [Fact]
    public void The_measure_is_a_fraction_and_stays_out_of_the_metrics()
    {
        var context = Fit(new Slow(0));
        Assert.InRange(context.DataWaitFraction, 0.0, 1.0);
        Assert.True(context.EpochTrainTime > TimeSpan.Zero);
        Assert.DoesNotContain(context.History[0].Keys, k => k.Contains("wait", StringComparison.Ordinal));
    }
}
