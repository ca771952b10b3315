using System.Diagnostics;
using FineTune.Vision.Optim;
using FineTune.Vision.Training;
using TorchSharp;
using Xunit.Abstractions;

namespace FineTune.Vision.Tests.Training;

/// <summary>Every step and evaluation batch runs in its own dispose scope: live tensors and memory stay flat.</summary>
public sealed class MemoryTests(ITestOutputHelper output)
{
    /// <summary>Samples the live native tensor count and process memory at chosen steps, at the same point of a batch.</summary>
    private sealed class Sampler(params long[] steps) : Callback
    {
        public Dictionary<long, (long Tensors, long ThreadLive, long Bytes)> Samples { get; } = [];

        public override void OnBatchStart(TrainingContext context)
        {
            if (!steps.Contains(context.Step)) return;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            using var process = Process.GetCurrentProcess();
            Samples[context.Step] = (torch.Tensor.TotalCount, DisposeScopeManager.Statistics.ThreadTotalLiveCount, process.PrivateMemorySize64);
        }
    }

    [Fact]
    public void Two_thousand_steps_keep_live_tensors_and_memory_flat()
    {
        // Tensor.TotalCount is the process-wide count of live native tensors (tests run one at a time). The
        // per-thread DisposeScopeManager statistics are printed too, but not asserted: the data loader's tensors are
        // created and released on different threads, which skews a per-thread balance without any leak.
        using var threads = TrainingFixtures.SingleThread();
        var clock = Stopwatch.StartNew();
        using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit);
        using var train = TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(400), 8), 4, shuffle: true);
        using var val = TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTest(4), 8), 4, shuffle: false);
        // Sampled at the same point of an epoch (batch 50 of 100): the running meter holds its device sums only inside an
        // epoch, so the live count is compared like for like.
        var sampler = new Sampler(250, 1050, 1950);
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Epochs = 20, MaxSteps = 2000, Optimizer = Optimizers.Sgd(1e-2), ClipGradNorm = 1.0,
            Ema = new EmaOptions { Decay = 0.99 }, Callbacks = { sampler },
        });
        var context = trainer.Fit(train, val);

        output.WriteLine($"2000 steps in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(2000, context.Steps);
        var (warm, mid, end) = (sampler.Samples[250], sampler.Samples[1050], sampler.Samples[1950]);
        output.WriteLine($"live tensors {warm.Tensors} / {mid.Tensors} / {end.Tensors}; thread live {warm.ThreadLive} / {end.ThreadLive}; " +
                         $"private bytes {warm.Bytes >> 20} / {mid.Bytes >> 20} / {end.Bytes >> 20} MiB");
        Assert.Equal(warm.Tensors, end.Tensors);
        Assert.Equal(warm.Tensors, mid.Tensors);
        Assert.True(end.Bytes - warm.Bytes < 32L << 20, $"private memory grew by {(end.Bytes - warm.Bytes) >> 20} MiB over 1700 steps");
    }
}
