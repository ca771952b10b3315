using FineTune.Vision.Optim;
using FineTune.Vision.Optim.Schedules;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Callbacks;

namespace FineTune.Vision.Tests.Training;

/// <summary>Reduce-on-plateau counters, early-stopping patience and the checkpoint top-k list survive a resume.</summary>
public sealed class CallbackStateResumeTests : IDisposable
{
    private readonly IDisposable _threads = TrainingFixtures.SingleThread();

    /// <summary>Restores the intra-op thread count.</summary>
    public void Dispose() => _threads.Dispose();

    private const double Lr = 1e-6; // reductions below ReduceLROnPlateau's eps (1e-8) would be ignored

    /// <summary>
    /// A rate so small that the training loss never improves by the thresholds: the plateau schedule (patience 1)
    /// halves the rate after the 3rd epoch, and early stopping (patience 3) stops after the 4th. Losing either state at
    /// a resume after epoch 2 would move both events two epochs later.
    /// </summary>
    private static (FitResult Context, Recorder Recorder, ModelCheckpoint Checkpoint) Run(string directory, bool interruptAfterEpoch2, string? resumeFrom)
    {
        var recorder = new Recorder();
        var checkpoint = new ModelCheckpoint(directory, monitor: Metric.TrainLoss, saveBest: false, keepTopK: 2);
        var options = new TrainerOptions
        {
            Epochs = 10, BatchSize = 8, Workers = 1, Seed = 3, Optimizer = Optimizers.Sgd(Lr),
            Schedule = (lr, _) => new ReduceLROnPlateau(lr, factor: 0.5, patience: 1, threshold: 0.5),
            Callbacks = { recorder, new EarlyStopping(Metric.TrainLoss, patience: 3, minDelta: 1.0), checkpoint },
        };
        if (interruptAfterEpoch2) options.Callbacks.Add(new InterruptAfter(2));
        using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit);
        using var trainer = new Trainer(model, options);
        if (resumeFrom is not null) trainer.LoadCheckpoint(resumeFrom);
        return (trainer.Fit(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(24), 8)), recorder, checkpoint);
    }

    [Fact]
    public void Plateau_early_stopping_and_top_k_states_survive_a_resume()
    {
        using var dir = new TempDir();
        var (whole, straight, straightCheckpoint) = Run(Path.Combine(dir.Path, "a"), false, null);
        Assert.Equal(4, whole.History.Count);
        Assert.Contains("has not improved for 3 epochs", whole.StopReason.Message);
        Assert.Equal([Lr, Lr, Lr, Lr / 2], [.. whole.History.Select(h => h[Metric.LearningRate])]);

        var (cut, first, checkpoint) = Run(Path.Combine(dir.Path, "b"), true, null);
        Assert.Equal(2, cut.History.Count);
        var (resumed, second, resumedCheckpoint) = Run(Path.Combine(dir.Path, "b"), false, checkpoint.LastPath);

        Assert.Equal(whole.StopReason, resumed.StopReason);
        Assert.Equal(4, resumed.History.Count); // two restored, two trained
        Assert.Equal([.. straight.Lrs], [.. first.Lrs, .. second.Lrs]);
        Assert.Equal(straightCheckpoint.TopK.Select(Path.GetFileName), resumedCheckpoint.TopK.Select(Path.GetFileName));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(dir.Path, "b"), "epoch-*.safetensors").Length);
    }

    [Fact]
    public void Plateau_state_snapshot_restores_the_counters()
    {
        var original = new ReduceLROnPlateau(1.0, factor: 0.5, patience: 2, cooldown: 1);
        foreach (double metric in new[] { 5.0, 4.0, 4.5, 4.5 }) original.Report(metric);
        ReduceLROnPlateauState state = original.GetState();
        Assert.Equal(new ReduceLROnPlateauState(1.0, 4.0, 2, 0), state);

        var copy = new ReduceLROnPlateau(1.0, factor: 0.5, patience: 2, cooldown: 1);
        copy.SetState(state);
        foreach (double metric in new[] { 4.5, 4.5, 4.5, 4.5, 4.5 })
        {
            Assert.Equal(original.Report(metric), copy.Report(metric));
            Assert.Equal(original.GetState(), copy.GetState());
        }
        Assert.Equal(0.25, copy.CurrentLr);
        Assert.Throws<ArgumentOutOfRangeException>(() => copy.SetState(state with { BadReports = -1 }));
    }

    /// <summary>Stops after epoch <paramref name="epochs"/> of the run (an interruption).</summary>
    private sealed class InterruptAfter(int epochs) : Callback
    {
        public override void OnEpochEnd(TrainingContext context)
        {
            if (context.Epoch + 1 == epochs) context.StopTraining("interrupted");
        }
    }
}
