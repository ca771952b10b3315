using FineTune.Vision.Training;
using FineTune.Vision.Training.Callbacks;

namespace FineTune.Vision.Tests.Training;

/// <summary>The live progress bar and the plain lines, rendered with a fake clock.</summary>
public sealed class ProgressDisplayTests : IDisposable
{
    private readonly IDisposable _threads = TrainingFixtures.SingleThread();

    /// <summary>Restores the intra-op thread count.</summary>
    public void Dispose() => _threads.Dispose();

    private static (string Output, Recorder Recorder) Render(bool interactive, TimeSpan perBatch)
    {
        var clock = new ManualClock();
        var output = new StringWriter();
        var recorder = new Recorder();
        using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit);
        using var train = TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(40), 8), 4, shuffle: true);
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Epochs = 2,
            Callbacks = { new Tick(clock, perBatch), recorder, new ProgressDisplay(output, interactive, lineEveryNBatches: 4, timeProvider: clock) },
        });
        trainer.Fit(train);
        return (output.ToString(), recorder);
    }

    [Fact]
    public void The_live_bar_redraws_in_place_with_loss_accuracy_speed_and_eta()
    {
        var (output, recorder) = Render(interactive: true, TimeSpan.FromMilliseconds(500));
        string[] lines = output.Split('\n');
        Assert.Equal(2 * 2 + 1, lines.Length); // per epoch: the bar line, the summary line; then the final empty rest
        string[] draws = lines[0].Split('\r', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(10, draws.Length); // every batch: 0.5 s apart, over the 100 ms redraw interval
        // Batch 3 of 10: 12 images in 1.5 s = 8 img/s; 7 batches left at 0.5 s = 3.5 s → 00:04 (rounded).
        string expected = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"[{new string('#', 9)}{new string('.', 21)}] epoch 1/2 batch 3/10  loss {recorder.RunningLosses[2]:F4}  acc {recorder.RunningAccuracies[2]:P1}  8 img/s  ETA 00:04   ");
        Assert.Equal(expected, draws[2]);
        Assert.StartsWith($"[{new string('#', 30)}] epoch 1/2 batch 10/10", draws[9]);
        Assert.Contains("ETA 00:00", draws[9]);
        Assert.StartsWith("epoch 1/2  train_loss ", lines[1]);
        Assert.Matches(@"\(5\.0 s, waiting for data \d+\.\d % of training\)$", lines[1].TrimEnd());
        Assert.StartsWith("\r[", lines[2]);
    }

    [Fact]
    public void The_bar_is_throttled_and_redirected_output_gets_plain_lines()
    {
        var (fast, _) = Render(interactive: true, TimeSpan.FromMilliseconds(40));
        string[] draws = fast.Split('\n')[0].Split('\r', StringSplitOptions.RemoveEmptyEntries);
        // Drawn at 40 ms (first batch), then at 160, 280, 400 (≥ 100 ms after the last draw), and the last batch.
        Assert.Equal(["batch 1/10", "batch 4/10", "batch 7/10", "batch 10/10"], draws.Select(d => d.Split("  ")[0].Split("] epoch 1/2 ")[1]));

        var (plain, _) = Render(interactive: false, TimeSpan.FromSeconds(1));
        string[] lines = plain.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain('\r', plain);
        Assert.Equal(2 * 4, lines.Length); // batches 4, 8, 10 and a summary, per epoch
        Assert.StartsWith("epoch 1/2 batch 4/10  loss ", lines[0]);
        Assert.EndsWith("4 img/s  ETA 00:06", lines[0]);
    }

    /// <summary>Advances the fake clock by a fixed time per batch (runs before the display).</summary>
    private sealed class Tick(ManualClock clock, TimeSpan perBatch) : Callback
    {
        public override int Order => CallbackOrder.Default;
        public override void OnBatchEnd(TrainingContext context) => clock.Advance(perBatch);
    }

    /// <summary>A clock that moves only when told.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;
        public void Advance(TimeSpan by) => _ticks += by.Ticks;
        public override long GetTimestamp() => _ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    }
}
