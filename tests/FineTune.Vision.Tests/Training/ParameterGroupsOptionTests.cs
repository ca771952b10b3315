using FineTune.Vision.Adaptation;
using FineTune.Vision.Optim;
using FineTune.Vision.Training;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Training;

/// <summary>TrainerOptions.ParameterGroups: explicit groups, their rate scales, fp32 masters, run-time multipliers.</summary>
public sealed class ParameterGroupsOptionTests
{
    [Fact]
    public void Explicit_groups_set_each_rate_and_multipliers_apply_on_top()
    {
        using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit);
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Optimizer = Optimizers.AdamW(1e-3),
            ParameterGroups = m => LayerParameterGroups.LayerDecay(m, 0.5, new ParameterGroupOptions { WeightDecay = 0.1 }),
        });
        var o = trainer.Optimizer;
        Assert.Equal("stem", o.Groups[0].Name);
        Assert.Equal(0.25, o.Groups[0].LrScale, 12);                  // timm's layers: stem, block 0 (+ final norm), head: 0.5^2 for the stem
        Assert.Equal(0.1, o.Groups[0].WeightDecay);
        o.SetLrMultiplier(0, 0.5);
        o.SetLearningRate(2e-3);
        Assert.Equal(2e-3 * 0.25 * 0.5, o.LearningRate(0), 15);
        Assert.Equal(2e-3, o.LearningRate(o.Groups.Count - 1), 15);
        Assert.Throws<ArgumentOutOfRangeException>(() => o.SetLrMultiplier(0, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => o.SetLrMultiplier(o.Groups.Count, 1));
    }

    [Fact]
    public void Under_mixed_precision_the_groups_hold_the_fp32_masters()
    {
        using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit);
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Precision = TrainingPrecision.BFloat16,
            ParameterGroups = m => LayerParameterGroups.Uniform(m, new ParameterGroupOptions { IncludeFrozen = true }),
        });
        Assert.All(trainer.Optimizer.Parameters, p => Assert.Equal(ScalarType.Float32, p.dtype));
        Assert.Equal(ScalarType.BFloat16, model.parameters().First().dtype);
        Assert.Equal(model.parameters().Count(), trainer.Optimizer.Parameters.Count());
    }

    [Fact]
    public void A_group_naming_a_parameter_the_model_lacks_is_refused()
    {
        using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit);
        using var other = TrainingFixtures.Model(TrainingFixtures.MicroVit with { Depth = 2 });
        var e = Assert.Throws<ArgumentException>(() => new Trainer(model, new TrainerOptions { ParameterGroups = _ => LayerParameterGroups.Uniform(other) }));
        Assert.Contains("blocks.1.", e.Message);
        Assert.Contains("ParameterGroups", e.Message);
    }
}
