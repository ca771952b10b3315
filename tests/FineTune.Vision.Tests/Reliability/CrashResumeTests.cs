using System.Diagnostics;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Tests.Training;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Callbacks;
using FineTune.Vision.Weights;

namespace FineTune.Vision.Tests.Reliability;

/// <summary>
/// A training process killed with SIGKILL mid-epoch or inside a checkpoint write keeps its previous checkpoint intact,
/// and resuming from it continues the loss curve exactly; a cancelled Fit saves a recovery checkpoint and returns.
/// </summary>
public sealed class CrashResumeTests : IDisposable
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
    [InlineData("epoch")]
    [InlineData("write")]
    public void A_killed_run_keeps_its_last_checkpoint_and_resumes_the_same_loss_curve(string mode)
    {
        KillChildAt(mode);
        string last = Path.Combine(_dir.Path, "last.safetensors");
        var (_, metadata) = SafeTensors.ReadHeader(last);
        Assert.Equal("1", metadata["epoch"]);                      // the checkpoint of epoch 0, nothing newer
        if (mode == "write") Assert.Contains(Directory.GetFiles(_dir.Path), f => f.EndsWith(".tmp", StringComparison.Ordinal));

        List<double> straight = Train(null, out _);
        List<double> resumed = Train(last, out _);
        int done = straight.Count / CrashChild.Epochs;
        Assert.Equal(straight.Count - done, resumed.Count);
        for (int i = 0; i < resumed.Count; i++)
            Assert.True(Math.Abs(straight[done + i] - resumed[i]) <= 1e-6, $"batch {done + i}: {straight[done + i]} vs {resumed[i]}");
    }

    [Fact]
    public void A_kill_between_the_weights_and_the_state_file_is_detected_on_resume()
    {
        KillChildAt("state");
        string last = Path.Combine(_dir.Path, "last.safetensors");
        using var model = TrainingFixtures.Model(CrashChild.Config);
        using var trainer = new Trainer(model, CrashChild.Options());
        var e = Assert.Throws<InvalidDataException>(() => trainer.LoadCheckpoint(last));
        Assert.Contains("different saves", e.Message);
        Assert.Contains(last, e.Message);
    }

    [Fact]
    public void Cancelling_fit_saves_a_recovery_checkpoint_that_resumes_at_the_next_batch()
    {
        string recovery = Path.Combine(_dir.Path, "recovery.safetensors");
        List<double> straight = Train(null, out _);
        using var cts = new CancellationTokenSource();
        var first = new Recorder();
        using (var model = TrainingFixtures.Model(CrashChild.Config))
        using (var loader = CrashChild.Loader())
        using (var trainer = new Trainer(model, CrashChild.Options(recovery, first, new CancelAt(cts, epoch: 1, batch: 2))))
        {
            var context = trainer.Fit(loader, cancellationToken: cts.Token);
            Assert.Equal("cancelled", context.StopReason.Message);
            Assert.Equal(1, trainer.Context.Epoch);
        }
        Assert.True(File.Exists(recovery) && File.Exists(Trainer.StatePathFor(recovery)));
        List<double> rest = Train(recovery, out _);
        Assert.Equal(straight, [.. first.Losses, .. rest]);
    }

    private List<double> Train(string? resumeFrom, out FitResult context)
    {
        var recorder = new Recorder();
        using var model = TrainingFixtures.Model(CrashChild.Config, seed: resumeFrom is null ? 1 : 99);
        using var loader = CrashChild.Loader();
        using var trainer = new Trainer(model, CrashChild.Options(recorder));
        if (resumeFrom is not null) trainer.LoadCheckpoint(resumeFrom);
        context = trainer.Fit(loader);
        return recorder.Losses;
    }

    private void KillChildAt(string mode)
    {
        string dll = typeof(CrashChild).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", ["exec", dll]) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.Environment["DOTNET_STARTUP_HOOKS"] = dll;
        start.Environment["FTV_CRASH_DIR"] = _dir.Path;
        start.Environment["FTV_CRASH_MODE"] = mode;
        using var child = Process.Start(start)!;
        string ready = Path.Combine(_dir.Path, "ready");
        var clock = Stopwatch.StartNew();
        while (!File.Exists(ready))
        {
            if (child.HasExited) Assert.Fail($"the child exited ({child.ExitCode}) before reaching '{mode}': {child.StandardError.ReadToEnd()}");
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), $"the child did not reach '{mode}' in 3 minutes");
            Thread.Sleep(50);
        }
        child.Kill(entireProcessTree: true);                       // SIGKILL: no finally blocks, no flushing
        child.WaitForExit();
        Assert.NotEqual(0, child.ExitCode);
    }

    private sealed class CancelAt(CancellationTokenSource cts, int epoch, int batch) : Callback
    {
        public override void OnBatchEnd(TrainingContext context)
        {
            if (context.Epoch == epoch && context.BatchIndex == batch) cts.Cancel();
        }
    }
}
