using FineTune.Vision.Optim;
using FineTune.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Training;

/// <summary>Model EMA with timm ModelEmaV3 semantics.</summary>
public sealed class EmaTests : IDisposable
{
    private readonly IDisposable _threads = TrainingFixtures.SingleThread();

    /// <summary>Restores the intra-op thread count.</summary>
    public void Dispose() => _threads.Dispose();

    [Fact]
    public void Decay_follows_timm_model_ema_v3()
    {
        var plain = new EmaOptions { Decay = 0.9998 };
        Assert.Equal(0.0, plain.DecayAt(1)); // timm: step = max(0, step - update_after_step - 1) = 0 → decay 0 (copy)
        Assert.Equal(0.9998, plain.DecayAt(2));
        var warm = new EmaOptions { Decay = 0.9999, UseWarmup = true, WarmupGamma = 1.0, WarmupPower = 2.0 / 3.0 };
        Assert.Equal(1 - Math.Pow(1 + 9.0, -2.0 / 3.0), warm.DecayAt(10), 12); // 1 - (1 + 9/γ)^-p
        Assert.Equal(0.9999, warm.DecayAt(100_000_000)); // clamped at Decay
        var late = new EmaOptions { Decay = 0.5, UpdateAfterStep = 10 };
        Assert.Equal(0.0, late.DecayAt(11));
        Assert.Equal(0.5, late.DecayAt(12));
    }

    [Fact]
    public void Shadows_are_the_exponential_average_of_the_weights_after_each_step_and_ema_evaluation_restores_the_model()
    {
        using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit);
        using var train = TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(16), 8), 4, shuffle: false);
        var tracked = new WeightTrace("head.weight");
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Epochs = 1, Optimizer = Optimizers.Sgd(0.5), Ema = new EmaOptions { Decay = 0.75 }, Callbacks = { tracked },
        });
        trainer.Fit(train);

        // Reference: e1 = w1 (decay 0 at step 1), e_t = 0.75 e_{t-1} + 0.25 w_t.
        Tensor expected = tracked.Weights[0];
        foreach (Tensor w in tracked.Weights.Skip(1)) expected = 0.75 * expected + 0.25 * w;
        Tensor shadow = trainer.Ema!.Shadows.Single(kv => kv.Key == "head.weight").Value;
        Assert.True(shadow.allclose(expected, rtol: 1e-5, atol: 1e-6));
        Assert.False(shadow.allclose(tracked.Weights[^1]));

        var live = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        EvaluationResult ema = trainer.EvaluateEma(train), current = trainer.Evaluate(train);
        Assert.NotEqual(ema.Loss, current.Loss);
        Assert.All(model.state_dict(), kv => Assert.True(kv.Value.eq(live[kv.Key]).all().item<bool>(), $"{kv.Key} not restored"));
    }

    /// <summary>Copies a parameter after every optimizer step.</summary>
    private sealed class WeightTrace(string name) : Callback
    {
        public List<Tensor> Weights { get; } = [];

        public override void OnAfterStep(TrainingContext context) =>
            Weights.Add(context.Model.Module.named_parameters().Single(p => p.name == name).parameter.detach().clone().DetachFromDisposeScope());
    }
}
