using System.Diagnostics;
using FineTune.Vision.Data;
using FineTune.Vision.Optim;
using FineTune.Vision.Tests.Training;
using FineTune.Vision.Training;
using TorchSharp;
using Xunit.Abstractions;

namespace FineTune.Vision.Tests.Reliability;

/// <summary>
/// Long runs (Category Long): 10,000 training steps, 10,000 evaluation batches and 50 loader epochs keep the count of
/// live native tensors exactly flat and process memory within a small band after warm-up.
/// </summary>
[Trait("Category", "Long")]
public sealed class LongRunMemoryTests(ITestOutputHelper output) : IDisposable
{
    private const long AllowedGrowth = 32L << 20;
    private readonly IDisposable _threads = TrainingFixtures.SingleThread();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>Restores the thread count and reports the time taken.</summary>
    public void Dispose()
    {
        _threads.Dispose();
        output.WriteLine($"took {_clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public void Ten_thousand_training_steps_stay_flat()
    {
        using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit with { DropPathRate = 0.1 });
        using var train = TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(400), 8), 4, shuffle: true);
        var sampler = new StepSampler(1_050, 5_050, 9_950); // batch 50 of 100 each time: the running meter's device sums live inside epochs
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Epochs = 100, MaxSteps = 10_000, Optimizer = Optimizers.AdamW(1e-3), Schedule = LrSchedules.Cosine(warmupFraction: 0.05),
            ClipGradNorm = 1.0, Ema = new EmaOptions { Decay = 0.99 }, Callbacks = { sampler },
        });
        Assert.Equal(10_000, trainer.Fit(train).Steps);
        AssertFlat("training step", sampler.Samples[1_050], sampler.Samples[5_050], sampler.Samples[9_950]);
    }

    [Fact]
    public void Ten_thousand_evaluation_batches_stay_flat()
    {
        using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit);
        using var data = TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTest(400), 8), 4, shuffle: false);
        using var trainer = new Trainer(model, new TrainerOptions { Ema = new EmaOptions() });
        var samples = new Dictionary<int, (long, long)>();
        for (int round = 0; round < 100; round++)
        {
            var result = round % 2 == 0 ? trainer.Evaluate(data) : trainer.EvaluateEma(data);
            Assert.True(double.IsFinite(result.Loss));
            if (round is 10 or 50 or 99) samples[round] = StepSampler.Sample();
        }
        AssertFlat("evaluation round", samples[10], samples[50], samples[99]);
    }

    [Fact]
    public void Fifty_loader_epochs_stay_flat()
    {
        var source = TrainingFixtures.Encode(TrainingFixtures.FashionTrain(800), 16);
        using var loader = new DataLoader(source, new DataLoaderOptions { BatchSize = 16, Shuffle = true, Seed = 3, Workers = 2, PrefetchBatches = 2 });
        var samples = new Dictionary<int, (long, long)>();
        for (int epoch = 0; epoch < 50; epoch++)
        {
            int batches = 0;
            foreach (Batch batch in loader.Epoch(epoch))
            {
                Assert.Equal(16, batch.Count);
                batches++;
            }
            Assert.Equal(50, batches);
            if (epoch is 5 or 25 or 49) samples[epoch] = StepSampler.Sample();
        }
        AssertFlat("loader epoch", samples[5], samples[25], samples[49]);
    }

    private void AssertFlat(string what, (long Tensors, long Bytes) warm, (long Tensors, long Bytes) mid, (long Tensors, long Bytes) end)
    {
        output.WriteLine($"{what}: live tensors {warm.Tensors} / {mid.Tensors} / {end.Tensors}; private memory " +
                         $"{warm.Bytes >> 20} / {mid.Bytes >> 20} / {end.Bytes >> 20} MiB");
        Assert.Equal(warm.Tensors, mid.Tensors);
        Assert.Equal(warm.Tensors, end.Tensors);
        Assert.True(end.Bytes - warm.Bytes < AllowedGrowth, $"private memory grew by {(end.Bytes - warm.Bytes) >> 20} MiB after warm-up");
    }

    /// <summary>Samples live native tensors and private memory after a full collection, at chosen steps.</summary>
    private sealed class StepSampler(params long[] steps) : Callback
    {
        public Dictionary<long, (long Tensors, long Bytes)> Samples { get; } = [];

        public static (long Tensors, long Bytes) Sample()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            using var process = Process.GetCurrentProcess();
            return (torch.Tensor.TotalCount, process.PrivateMemorySize64);
        }

        public override void OnBatchStart(TrainingContext context)
        {
            if (steps.Contains(context.Step)) Samples[context.Step] = Sample();
        }
    }
}
