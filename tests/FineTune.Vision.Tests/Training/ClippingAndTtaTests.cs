using FineTune.Vision.Optim;
using FineTune.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Training;

/// <summary>Gradient clipping by norm and by value, and flip test-time augmentation in Predict.</summary>
public sealed class ClippingAndTtaTests : IDisposable
{
    private readonly IDisposable _threads = TrainingFixtures.SingleThread();

    /// <summary>Restores the intra-op thread count.</summary>
    public void Dispose() => _threads.Dispose();

    /// <summary>The global L2 norm and the largest absolute element of the gradients at each optimizer step.</summary>
    private static List<(double Norm, double Max)> Gradients(double? clipNorm, double? clipValue)
    {
        var probe = new GradientProbe();
        using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit);
        using var train = TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(32), 8), 8, shuffle: true);
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Epochs = 1, Optimizer = Optimizers.Sgd(0.1), ClipGradNorm = clipNorm, ClipGradValue = clipValue, Callbacks = { probe },
        });
        trainer.Fit(train);
        return probe.Seen;
    }

    [Fact]
    public void Clipping_by_norm_and_by_value_bounds_the_gradients_the_step_uses()
    {
        var free = Gradients(null, null);
        Assert.All(free, g => Assert.True(g.Norm > 0.05 && g.Max > 0.005, $"unclipped gradients should exceed the limits: {g}"));

        var byNorm = Gradients(0.05, null);
        Assert.All(byNorm, g => Assert.InRange(g.Norm, 0.05 * 0.999, 0.05 * 1.001)); // scaled down to the limit exactly
        Assert.Equal(free[0].Max / free[0].Norm, byNorm[0].Max / byNorm[0].Norm, 4); // scaled, not truncated

        var byValue = Gradients(null, 0.005);
        Assert.All(byValue, g => Assert.True(g.Max <= 0.005 + 1e-9, $"max |grad| {g.Max}"));
        Assert.Equal(0.005, byValue[0].Max, 9);
    }

    [Fact]
    public void Flip_tta_averages_the_softmax_of_the_image_and_its_mirror()
    {
        using var model = TrainingFixtures.Model(TrainingFixtures.FashionVit());
        var source = TrainingFixtures.Encode(TrainingFixtures.FashionTest(12));
        using var loader = TrainingFixtures.Loader(source, 12, shuffle: false);
        using var trainer = new Trainer(model, new TrainerOptions());
        Predictions tta = trainer.Predict(loader, flipTta: true);

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.eval();
        Tensor images = loader.Epoch(0).Select(b => b.Images.clone()).Single();
        Tensor expected = (softmax(model.call(images), 1) + softmax(model.call(images.flip(3)), 1)) / 2;
        Tensor actual = tensor(tta.Probabilities.SelectMany(p => p).ToArray()).view(12, 10);
        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-6));
        Assert.False(actual.allclose(softmax(model.call(images), 1), rtol: 1e-3, atol: 1e-4), "the mirror images must count");
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (int)expected[i].argmax().item<long>()), tta.Labels);
    }

    /// <summary>Reads the gradients the optimizer is about to use (after unscaling and clipping).</summary>
    private sealed class GradientProbe : Callback
    {
        public List<(double Norm, double Max)> Seen { get; } = [];

        public override void OnBeforeStep(TrainingContext context)
        {
            using var scope = NewDisposeScope();
            var grads = context.Optimizer.Parameters.Where(p => p.grad is not null).Select(p => p.grad!.flatten()).ToList();
            Tensor all = cat(grads, 0);
            Seen.Add((all.norm().item<float>(), all.abs().max().item<float>()));
        }
    }
}
