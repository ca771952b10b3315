using FineTune.Vision.Optim;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Callbacks;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Tests.Training;

/// <summary>A checkpoint taken in the middle of an epoch resumes at the next batch of that epoch.</summary>
public sealed class MidEpochResumeTests : IDisposable
{
    private readonly IDisposable _threads = TrainingFixtures.SingleThread();

    /// <summary>Restores the intra-op thread count.</summary>
    public void Dispose() => _threads.Dispose();

    private static readonly SampleSourceCache Data = new();

    private static TrainerOptions Options(LrScheduleFactory schedule, long? maxSteps, params Callback[] callbacks)
    {
        var options = new TrainerOptions
        {
            Epochs = 2, Seed = 11, MaxSteps = maxSteps, GradientAccumulation = 2, Optimizer = Optimizers.AdamW(2e-3), Schedule = schedule,
            Ema = new EmaOptions { Decay = 0.8 },
            Mixing = new MixupCutMix(new MixupCutMixOptions { MixupAlpha = 0.8, CutMixAlpha = 1.0, NumClasses = 10 }),
        };
        foreach (Callback c in callbacks) options.Callbacks.Add(c);
        return options;
    }

    /// <summary>Runs a fresh model (same init) with <paramref name="options"/>, optionally from a checkpoint; returns the context.</summary>
    private static FitResult Run(TrainerOptions options, string? resumeFrom = null, Action<Trainer>? after = null)
    {
        using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit with { DropPathRate = 0.2 }, seed: resumeFrom is null ? 1 : 77);
        using var train = TrainingFixtures.Loader(Data.Train, 8, shuffle: true, seed: 11);
        using var val = TrainingFixtures.Loader(Data.Validation, 16, shuffle: false);
        using var trainer = new Trainer(model, options);
        if (resumeFrom is not null) trainer.LoadCheckpoint(resumeFrom);
        FitResult context = trainer.Fit(train, val);
        after?.Invoke(trainer);
        return context;
    }

    [Fact]
    public void Two_epochs_equal_a_run_saved_at_a_step_in_mid_epoch_and_resumed()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "mid.safetensors");
        var cosine = LrSchedules.Cosine(warmupFraction: 0.25);

        var straight = new Recorder();
        FitResult whole = Run(Options(cosine, null, straight));
        Assert.Equal(6, whole.Steps); // 48 samples, batch 8: 6 batches per epoch, accumulation 2: 3 steps
        Assert.True(whole.History[1].Get(Metric.EmaValTop1) is not null, "the EMA weights are evaluated too");

        // Save after optimizer step 4 (epoch 1, batches 0 and 1) and stop there: the resume starts at epoch 1, batch 2.
        var first = new Recorder();
        Run(Options(cosine, null, first, new SaveAndStopAtStep(4, path)));
        var second = new Recorder();
        FitResult resumed = Run(Options(cosine, null, second), path);

        Assert.Equal(whole.Steps, resumed.Steps);
        double[] losses = [.. first.Losses, .. second.Losses];
        Assert.Equal(straight.Losses.Count, losses.Length);
        for (int i = 0; i < losses.Length; i++)
            Assert.True(Math.Abs(straight.Losses[i] - losses[i]) <= 1e-6, $"batch {i}: {straight.Losses[i]} vs {losses[i]}");
        Assert.Equal(straight.Lrs, [.. first.Lrs, .. second.Lrs]);
        Assert.Equal(2, resumed.History.Count); // the cut-short part of epoch 1 left no entry
        foreach (Metric metric in new[] { Metric.TrainLoss, Metric.TrainTop1, Metric.ValLoss, Metric.EmaValLoss })
            Assert.Equal(whole.History[1][metric], resumed.History[1][metric], 9);
        Assert.Equal(whole.History[0][Metric.ValLoss], resumed.History[0][Metric.ValLoss], 12);
    }

    [Fact]
    public void A_step_budget_ending_mid_epoch_resumes_at_the_next_batch()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "budget.safetensors");
        var constant = LrSchedules.Constant(); // a budget changes the run length, so only a constant rate is comparable

        var straight = new Recorder();
        Run(Options(constant, null, straight));
        var first = new Recorder();
        FitResult budget = Run(Options(constant, 2, first), after: t => t.SaveCheckpoint(path));
        Assert.Equal(2, budget.Steps);
        Assert.Equal(4, first.Losses.Count); // 2 steps of 2 micro-batches, in the middle of epoch 0 (6 batches)
        var second = new Recorder();
        Run(Options(constant, null, second), path);

        Assert.Equal(straight.Losses, [.. first.Losses, .. second.Losses], new Tolerance(1e-6));
        Assert.Equal(["FitStart", "EpochStart0", "EpochEnd0", "EpochStart1", "EpochEnd1", "FitEnd"], second.Events);
    }

    /// <summary>Saves a checkpoint after optimizer step <paramref name="step"/> and stops there (an interruption).</summary>
    private sealed class SaveAndStopAtStep(long step, string path) : Callback
    {
        public override void OnAfterStep(TrainingContext context)
        {
            if (context.Step != step) return;
            context.SaveCheckpoint(path);
            context.StopTraining("interrupted");
        }
    }

    private sealed class Tolerance(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;
        public int GetHashCode(double obj) => 0;
    }

    /// <summary>The Fashion-MNIST samples of these tests, at 8x8.</summary>
    private sealed class SampleSourceCache
    {
        public FineTune.Vision.Data.SampleSource Train { get; } = TrainingFixtures.Encode(TrainingFixtures.FashionTrain(48), 8);
        public FineTune.Vision.Data.SampleSource Validation { get; } = TrainingFixtures.Encode(TrainingFixtures.FashionTest(16), 8);
    }
}
