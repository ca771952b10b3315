using FineTune.Vision.Adaptation;
using FineTune.Vision.Optim;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Optim;

public sealed class OptimizerTests
{
    private static List<(string, Parameter)> Named(params (string Name, float[] Values, long[] Shape)[] items) =>
        items.Select(i => (i.Name, new Parameter(torch.tensor(i.Values).reshape(i.Shape)))).ToList();

    [Fact]
    public void Weight_decay_skips_1d_biases_and_the_no_decay_set_and_frozen_parameters()
    {
        using var scope = torch.NewDisposeScope();
        var named = Named(("pos_embed", [1, 2, 3, 4], [1, 2, 2]), ("blocks.0.attn.qkv.weight", [1, 2, 3, 4], [2, 2]),
            ("blocks.0.attn.qkv.bias", [1, 2], [2]), ("norm.weight", [1, 1], [2]), ("head.weight", [1, 2, 3, 4], [2, 2]),
            ("patch_embed.proj.weight", [1, 2, 3, 4], [2, 2]));
        named[5].Item2.requires_grad = false;

        var groups = ParameterGroups.WeightDecaySplit(named, 0.05, noWeightDecay: ["pos_embed"]);

        Assert.Equal(["decay", "no_decay"], groups.Select(g => g.Name));
        Assert.Equal(["blocks.0.attn.qkv.weight", "head.weight"], groups[0].Parameters.Select(p => p.Name));
        Assert.Equal(0.05, groups[0].WeightDecay);
        Assert.Equal(["pos_embed", "blocks.0.attn.qkv.bias", "norm.weight"], groups[1].Parameters.Select(p => p.Name));
        Assert.Equal(0.0, groups[1].WeightDecay);
        Assert.Equal(4 + 2 + 2, groups[1].NumElements);

        var withFrozen = ParameterGroups.WeightDecaySplit(named, 0.05, includeFrozen: true);
        Assert.Contains(withFrozen[0].Parameters, p => p.Name == "patch_embed.proj.weight");
    }

    [Fact]
    public void Sgd_applies_group_scales_and_decays()
    {
        using var scope = torch.NewDisposeScope();
        var w = new Parameter(torch.tensor(new float[] { 1, 2 }));
        var b = new Parameter(torch.tensor(new float[] { 3 }));
        var groups = new[] { new ParameterGroup("body", [("w", w)], 0.1, 0.1), new ParameterGroup("head", [("b", b)], 0.0, 1.0) };
        using var opt = Optimizers.Create(Optimizers.Sgd(lr: 0.5, momentum: 0.9), groups);
        (w.sum() + 2 * b.sum()).backward();   // grads: w → 1, b → 2
        opt.Step();
        // w: lr 0.5·0.1 = 0.05, grad 1 + 0.1·w.  b: lr 0.5, grad 2.
        float[] updated = w.data<float>().ToArray();
        Assert.Equal(1 - 0.05 * 1.1, updated[0], 6);
        Assert.Equal(2 - 0.05 * 1.2, updated[1], 6);
        Assert.Equal(3 - 0.5f * 2, b.data<float>()[0], 6);

        opt.SetLearningRate(0.2);
        Assert.Equal(0.02, opt.LearningRate(0), 12);
        Assert.Equal(0.2, opt.LearningRate(1), 12);
    }

    [Fact]
    public void AdamW_decays_by_pytorchs_default_not_torchsharps()
    {
        using var scope = torch.NewDisposeScope();
        Assert.Equal(0.01, new OptimizerConfig { Kind = OptimizerKind.AdamW }.EffectiveWeightDecay);
        Assert.Equal(0.0, new OptimizerConfig { Kind = OptimizerKind.Sgd }.EffectiveWeightDecay);
        var w = new Parameter(torch.ones(2, 2));
        using var opt = Optimizers.Create(new OptimizerConfig { Kind = OptimizerKind.AdamW, Lr = 0.1 }, [("w", w)]);
        (w * 0).sum().backward();          // zero gradient: only the decoupled decay moves the weights
        opt.Step();
        Assert.All(w.data<float>().ToArray(), v => Assert.Equal(1 - 0.1f * 0.01f, v, 6));
    }

    [Fact]
    public void Refuses_to_build_over_nothing_and_lists_bad_options()
    {
        using var scope = torch.NewDisposeScope();
        var frozen = new Parameter(torch.ones(2), requires_grad: false);
        var e = Assert.Throws<ArgumentException>(() => Optimizers.Create(Optimizers.Sgd(0.1), [("w", frozen)]));
        Assert.Contains("frozen", e.Message);
        var bad = Assert.Throws<ArgumentException>(() => Optimizers.Create(new OptimizerConfig { Lr = -1, Momentum = 1.5 }, [("w", new Parameter(torch.ones(2)))]));
        Assert.Contains("Lr", bad.Message);
        Assert.Contains("Momentum", bad.Message);
    }
}
