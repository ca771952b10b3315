using FineTune.Vision.Optim;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Training;

/// <summary>LR range test: fastai's sweep, smoothing, divergence stop, restoration and suggestions.</summary>
public sealed class LrFinderTests : IDisposable
{
    private readonly IDisposable _threads = TrainingFixtures.SingleThread();

    /// <summary>Restores the intra-op thread count.</summary>
    public void Dispose() => _threads.Dispose();

    [Fact]
    public void Sweeps_exponentially_stops_on_divergence_and_restores_weights_and_optimizer_exactly()
    {
        using var dir = new TempDir();
        using var model = TrainingFixtures.Model(TrainingFixtures.FashionVit());
        using var train = TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(640)), 16, shuffle: true);
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 1, MaxSteps = 3, Optimizer = Optimizers.Sgd(0.01, momentum: 0.9) });
        trainer.Fit(train); // momentum buffers now exist and must survive the sweep
        var weights = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        byte[] optimizerBefore = OptimizerBytes(trainer);

        LrFinderResult result = trainer.FindLearningRate(train);

        Assert.All(model.state_dict(), kv => Assert.True(kv.Value.eq(weights[kv.Key]).all().item<bool>(), $"{kv.Key} changed"));
        Assert.Equal(optimizerBefore, OptimizerBytes(trainer));
        Assert.Equal(3, trainer.Context.Step);

        Assert.Equal(1e-7, result.Lrs[0], 12);
        for (int i = 1; i < result.Lrs.Count; i++) Assert.Equal(1e-7 * Math.Pow(1e8, i / 100.0), result.Lrs[i], 1e-9 * result.Lrs[i]);
        Assert.True(result.Lrs.Count < 100, "SGD at rates up to 10 should diverge before 100 steps");
        Assert.NotNull(result.StopReason);
        Assert.True(result.Losses[^1] > 4 * result.Losses.Min());
        Assert.InRange(result.Valley, 1e-6, 10);
        Assert.InRange(result.Steep, 1e-6, 10);
        Assert.Equal(result.MinimumPoint.Lr / 10, result.MinimumDiv10);

        string png = Path.Combine(dir.Path, "lr.png");
        result.SavePng(png);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png)[..4]);
    }

    private static byte[] OptimizerBytes(Trainer trainer)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
            ((TorchSharp.Modules.OptimizerHelper)trainer.Optimizer.Optimizer).save_state_dict(writer);
        return stream.ToArray();
    }

    [Fact]
    public void Suggestions_follow_fastai_on_a_known_curve()
    {
        // A loss that is flat, falls steepest between points 40 and 41 (in log-lr), bottoms out at 70, then rises.
        double[] lrs = [.. Enumerable.Range(0, 100).Select(i => 1e-7 * Math.Pow(1e8, i / 100.0))];
        double[] losses = [.. Enumerable.Range(0, 100).Select(i => i < 30 ? 2.0 : i <= 70 ? 2.0 - (i - 30) * 0.03 - (i == 41 ? 0.2 : 0) : 0.8 + (i - 70) * 0.1)];
        var (l, y) = LrSuggestions.Trim(lrs, losses, 100);
        Assert.Equal(100 - 10 - 5, l.Length);
        Assert.Equal(lrs[10], l[0]);

        Assert.Equal(lrs[40], LrSuggestions.Steep(l, y).Lr);
        Assert.Equal(lrs[70], LrSuggestions.Minimum(l, y).Lr);
        // fastai valley: the longest decreasing run ends at point 70 (index 60 after trimming) with lds 40 (the dip at
        // 41 breaks one link); max_start = 60 - 40 = 20, sections = 13.3, idx = 20 + 13 + 6 = 39 → point 49.
        Assert.Equal(lrs[49], LrSuggestions.Valley(l, y).Lr);

        // A sweep whose loss falls from its first point (fastai's start index is then -1) stays inside the sweep.
        Assert.Equal(1e-5, LrSuggestions.Valley([1e-5, 2e-5, 3e-5], [3.0, 2.0, 1.0]).Lr);
        Assert.Equal(1e-5, LrSuggestions.Valley([1e-5, 2e-5], [3.0, 2.0]).Lr);

        double[] withNan = [.. losses];
        withNan[50] = double.NaN;
        Assert.Equal(40, LrSuggestions.Trim(lrs, withNan, 100).Losses.Length);
    }
}
