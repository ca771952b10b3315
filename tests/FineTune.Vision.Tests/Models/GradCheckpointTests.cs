using FineTune.Vision.Adaptation;
using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using FineTune.Vision.Tests.Training;
using FineTune.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Models;

/// <summary>
/// Activation checkpointing changes memory, never results: the same loss and the same gradients (parameters and input)
/// with and without it, in training mode with drop path and dropout drawing random masks.
/// </summary>
public sealed class GradCheckpointTests
{
    public static TheoryData<string> Families => ForwardTests.Families;

    private static VisionModel Stochastic(string family) => ForwardTests.Tiny(family, c => c with { DropPathRate = 0.3, ProjDropRate = 0.1, AttnDropRate = 0.1 });

    /// <summary>Loss, input gradient and every parameter gradient of one forward + backward from a fixed seed.</summary>
    private static (float Loss, float[] InputGrad, Dictionary<string, float[]> Grads) Step(IVisionModel model, bool checkpoint, bool inputGrad = true)
    {
        using var scope = NewDisposeScope();
        model.GradCheckpointing = checkpoint;
        model.Module.zero_grad();
        manual_seed(7);
        var x = randn(2, 3, 32, 32).requires_grad_(inputGrad);
        var loss = nn.functional.cross_entropy(model.Module.call(x), tensor(new long[] { 1, 3 }));
        loss.backward();
        var grads = model.Module.named_parameters().Where(p => p.parameter.grad is not null)
            .ToDictionary(p => p.name, p => p.parameter.grad!.data<float>().ToArray());
        return (loss.item<float>(), inputGrad ? x.grad!.data<float>().ToArray() : [], grads);
    }

    private static void AssertSame((float Loss, float[] InputGrad, Dictionary<string, float[]> Grads) plain, (float Loss, float[] InputGrad, Dictionary<string, float[]> Grads) checkpointed)
    {
        Assert.Equal(plain.Loss, checkpointed.Loss, 6);
        Assert.Equal(plain.InputGrad.Length, checkpointed.InputGrad.Length);
        for (int i = 0; i < plain.InputGrad.Length; i++) Assert.Equal(plain.InputGrad[i], checkpointed.InputGrad[i], 5);
        Assert.Equal(plain.Grads.Keys.Order(), checkpointed.Grads.Keys.Order());
        foreach (var (name, g) in plain.Grads)
        {
            float[] c = checkpointed.Grads[name];
            float worst = g.Zip(c, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst < 1e-5f, $"{name}: max |Δgrad| {worst}");
        }
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Gradients_equal_without_checkpointing_with_random_drops(string family)
    {
        torch.set_num_threads(1);
        using var model = Stochastic(family);
        model.train();
        var plain = Step(model, checkpoint: false);
        var checkpointed = Step(model, checkpoint: true);
        Assert.NotEmpty(plain.Grads);
        AssertSame(plain, checkpointed);
        // The random masks really differ from another seed's (so the equality above is the replay, not the absence of drops).
        model.GradCheckpointing = false;
        using var scope = NewDisposeScope();
        manual_seed(8);
        float other = nn.functional.cross_entropy(model.call(randn(2, 3, 32, 32)), tensor(new long[] { 1, 3 })).item<float>();
        Assert.NotEqual(plain.Loss, other);
    }

    [Fact]
    public void Lora_adapters_behind_a_frozen_stem_get_the_same_gradients()
    {
        // With the patch embedding frozen, the first block's input needs no gradient: the checkpoint must still join the graph.
        torch.set_num_threads(1);
        using var model = Stochastic("vit");
        Lora.Apply(model, new LoraOptions { Rank = 2, Alpha = 4 });
        using (no_grad())
            foreach (var (name, p) in model.named_parameters().Where(p => p.name.Contains("lora_B", StringComparison.Ordinal)))
                p.normal_(0, 0.1);   // B starts at zero; give A a gradient too
        model.train();
        var plain = Step(model, checkpoint: false, inputGrad: false);
        var checkpointed = Step(model, checkpoint: true, inputGrad: false);
        Assert.Contains(plain.Grads.Keys, k => k.Contains("lora_A", StringComparison.Ordinal));
        Assert.DoesNotContain(plain.Grads.Keys, k => k.StartsWith("patch_embed", StringComparison.Ordinal));
        AssertSame(plain, checkpointed);
    }

    [Fact]
    public void A_checkpointed_forward_keeps_far_fewer_tensors_alive()
    {
        // What checkpointing is for: the forward of a block must not leave its intermediates alive (in the autograd
        // graph or in the caller's dispose scope) until the backward.
        torch.set_num_threads(1);
        using var model = new VisionTransformer(TinyModels.Vit with { Depth = 6 });
        model.train();
        long LiveAfterForward(bool checkpoint)
        {
            model.GradCheckpointing = checkpoint;
            using var scope = NewDisposeScope();
            var x = randn(2, 3, 32, 32);
            long before = torch.Tensor.TotalCount;
            var loss = model.call(x).sum();
            long live = torch.Tensor.TotalCount - before;
            loss.backward();
            return live;
        }
        long plain = LiveAfterForward(false), checkpointed = LiveAfterForward(true);
        Assert.True(checkpointed * 3 < plain, $"live tensors after the forward: {checkpointed} checkpointed, {plain} plain");
    }

    [Fact]
    public void Live_tensors_stay_flat_over_checkpointed_steps()
    {
        // The autograd nodes of the checkpoint function (and the generator states they keep) must go with each step's graph.
        torch.set_num_threads(1);
        using var model = Stochastic("vit");
        model.GradCheckpointing = true;
        model.train();
        using var optimizer = torch.optim.AdamW(model.parameters(), 1e-3);
        var live = new List<long>();
        for (int step = 0; step < 40; step++)
        {
            using (var scope = NewDisposeScope())
            {
                optimizer.zero_grad();
                nn.functional.cross_entropy(model.call(randn(2, 3, 32, 32)), tensor(new long[] { 1, 3 })).backward();
                optimizer.step();
            }
            GC.Collect();
            GC.WaitForPendingFinalizers();
            live.Add(torch.Tensor.TotalCount);
        }
        Assert.Equal(live[9], live[^1]);
    }

    [Fact]
    public void Eval_and_no_grad_forwards_are_unchanged()
    {
        using var scope = NewDisposeScope();
        using var model = ForwardTests.Tiny("swin");
        model.eval();
        var x = randn(2, 3, 32, 32);
        float[] plain = model.call(x).data<float>().ToArray();
        model.GradCheckpointing = true;
        Assert.Equal(plain, model.call(x).data<float>().ToArray());
        using (no_grad()) Assert.Equal(plain, model.call(x).data<float>().ToArray());
    }

    [Fact]
    public void Headed_models_switch_their_backbone()
    {
        using var model = new HeadedModel(ForwardTests.Tiny("vit"), new HeadOptions(), 3);
        model.GradCheckpointing = true;
        Assert.True(model.Backbone.GradCheckpointing);
    }

    [Theory]
    [InlineData(TrainingPrecision.Float32)]
    [InlineData(TrainingPrecision.BFloat16)]
    public void Trainer_option_turns_it_on_and_training_matches(TrainingPrecision precision)
    {
        using var threads = TrainingFixtures.SingleThread();
        var source = TrainingFixtures.Encode(TrainingFixtures.FashionTrain(48));
        List<double> Losses(bool checkpoint)
        {
            using var model = TrainingFixtures.Model(TrainingFixtures.FashionVit(dropPath: 0.2));
            var recorder = new Recorder();
            var options = new TrainerOptions
            {
                Epochs = 1, BatchSize = 16, Workers = 1, Optimizer = Optimizers.AdamW(1e-3), GradCheckpointing = checkpoint, Seed = 3, Precision = precision,
                Callbacks = [recorder],
            };
            using var trainer = new Trainer(model, options);
            Assert.Equal(checkpoint, model.GradCheckpointing);
            trainer.Fit(source);
            return recorder.Losses;
        }
        List<double> plain = Losses(false), checkpointed = Losses(true);
        Assert.Equal(3, plain.Count);
        for (int i = 0; i < plain.Count; i++) Assert.Equal(plain[i], checkpointed[i], 5);
    }
}
