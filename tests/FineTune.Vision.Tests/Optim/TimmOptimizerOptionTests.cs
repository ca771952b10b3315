using FineTune.Vision.Adaptation;
using FineTune.Vision.Optim;
using TorchSharp;
using TorchSharp.Modules;

namespace FineTune.Vision.Tests.Optim;

/// <summary>Options of LAMB, LARS, Lion and Lookahead: timm's defaults, validation, momentum cycling, weight-decay split.</summary>
public sealed class TimmOptimizerOptionTests
{
    [Fact]
    public void Factories_start_from_timms_defaults()
    {
        var lamb = Optimizers.Lamb(1e-3);
        Assert.Equal((0.01, 0.9, 0.999, 1e-6, 1.0), (lamb.EffectiveWeightDecay, lamb.Beta1, lamb.Beta2, lamb.Eps, lamb.MaxGradNorm));
        Assert.True(lamb.BiasCorrection && lamb.GradAveraging && !lamb.TrustClip && !lamb.AlwaysAdapt);
        Assert.Equal(0.01, new OptimizerConfig { Kind = OptimizerKind.Lamb }.EffectiveWeightDecay);
        var lion = Optimizers.Lion(1e-4);
        Assert.Equal((0.0, 0.9, 0.99), (lion.EffectiveWeightDecay, lion.Beta1, lion.Beta2));
        var lars = Optimizers.Lars(1.0);
        Assert.Equal((0.001, 1e-8, 0.0, 0.0), (lars.TrustCoeff, lars.Eps, lars.Dampening, lars.EffectiveWeightDecay));
        var la = Optimizers.Lookahead(lion);
        Assert.Equal((0.5, 6), (la.Lookahead!.Alpha, la.Lookahead.K));
        Assert.Equal(OptimizerKind.Lion, la.Kind);
    }

    [Fact]
    public void Bad_options_are_refused_naming_each()
    {
        using var scope = torch.NewDisposeScope();
        List<(string, Parameter)> named = [("w", new Parameter(torch.ones(2, 2)))];
        var e = Assert.Throws<ArgumentException>(() => Optimizers.Create(
            Optimizers.Lookahead(Optimizers.Lamb(1e-3, maxGradNorm: 0) with { TrustCoeff = -1 }, alpha: 1.5, k: 0), named));
        Assert.Contains("MaxGradNorm", e.Message);
        Assert.Contains("TrustCoeff", e.Message);
        Assert.Contains("Lookahead.Alpha", e.Message);
        Assert.Contains("Lookahead.K", e.Message);
        var nesterov = Assert.Throws<ArgumentException>(() => Optimizers.Create(Optimizers.Lars(0.1, nesterov: true, dampening: 0.1), named));
        Assert.Contains("Dampening", nesterov.Message);
        Assert.Throws<ArgumentException>(() => Optimizers.Create(new OptimizerConfig { Kind = (OptimizerKind)42 }, named));
    }

    [Theory]
    [InlineData(OptimizerKind.Lamb)]
    [InlineData(OptimizerKind.Lars)]
    [InlineData(OptimizerKind.Lion)]
    public void Groups_get_their_rates_and_momentum_cycling_reaches_them_through_lookahead(OptimizerKind kind)
    {
        using var scope = torch.NewDisposeScope();
        var w = new Parameter(torch.ones(2, 2));
        var b = new Parameter(torch.ones(2));
        var groups = new[] { new ParameterGroup("body", [("w", w)], 0.05, 0.1), new ParameterGroup("head", [("b", b)], 0.0, 1.0) };
        using var opt = Optimizers.Create(Optimizers.Lookahead(new OptimizerConfig { Kind = kind, Lr = 0.5 }), groups);
        opt.SetLearningRate(0.2);
        Assert.Equal(0.02, opt.LearningRate(0), 12);
        Assert.Equal(0.2, opt.LearningRate(1), 12);
        opt.SetMomentum(0.85);
        foreach (ManagedParamGroup g in opt.Optimizer.ParamGroups.Cast<ManagedParamGroup>())
        {
            Assert.Equal(0.85, g.Options.Beta1);
            Assert.Equal(g.Options.LearningRate, g.LearningRate);
        }
        Assert.Equal([0.05, 0.0], opt.Optimizer.ParamGroups.Cast<ManagedParamGroup>().Select(g => g.Options.WeightDecay));
    }
}
