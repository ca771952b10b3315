using FineTune.Vision.Adaptation;

namespace FineTune.Vision.Tests.Adaptation;

public sealed class LayerParameterGroupsTests
{
    [Fact]
    public void Layer_decay_follows_timm_and_splits_no_decay()
    {
        using var model = AdaptationModels.Create("vit");
        var groups = LayerParameterGroups.LayerDecay(model, 0.5, new ParameterGroupOptions { WeightDecay = 0.05 });
        // real timm (Fixtures/Adaptation, TimmLayerDecayTests): 4 layers (stem, blocks.0, blocks.1 with the final norm, head),
        // scale = 0.5^(3 - layer_id); this test once said 5, with the norm as its own layer, which timm does not do
        Assert.Equal(1.0 / 8, groups.Single(g => g.Name == "stem").LrScale);
        Assert.Equal(0.5, groups.Single(g => g.Name == "blocks.1").LrScale);
        Assert.Contains(groups.Single(g => g.Name == "blocks.1/no_decay").Parameters, p => p.Name == "norm.weight");
        Assert.DoesNotContain(groups, g => g.Name.StartsWith("norm", StringComparison.Ordinal));
        Assert.Equal(1.0, groups.Single(g => g.Name == "head").LrScale);
        var stemNoDecay = groups.Single(g => g.Name == "stem/no_decay");
        Assert.Equal(0, stemNoDecay.WeightDecay);
        Assert.Contains(stemNoDecay.Parameters, p => p.Name == "pos_embed");
        Assert.Contains(stemNoDecay.Parameters, p => p.Name == "cls_token");
        Assert.All(groups.Single(g => g.Name == "blocks.0/no_decay").Parameters, p => Assert.Equal(1, p.Parameter.dim()));
        Assert.Equal(model.Module.parameters().Count(), groups.Sum(g => g.Parameters.Count));
    }

    [Fact]
    public void Discriminative_rates_spread_geometrically_and_skip_frozen_unless_asked()
    {
        using var model = AdaptationModels.Create("beit");
        Assert.Equal([0.01, 0.1, 1.0], LayerParameterGroups.GeometricScales(3, 1e-4, 1e-2).Select(s => Math.Round(s, 12)));
        var groups = LayerParameterGroups.Discriminative(model, 1e-5, 1e-3);
        var scales = groups.Where(g => !g.Name.EndsWith("/no_decay")).Select(g => g.LrScale).ToList();
        Assert.Equal(0.01, scales[0], 12);
        Assert.Equal(1.0, scales[^1], 12);
        new Freezer(model).HeadOnly();
        Assert.Equal(["head", "head/no_decay"], LayerParameterGroups.Discriminative(model).Select(g => g.Name));
        Assert.Equal(0.1, LayerParameterGroups.Discriminative(model, new ParameterGroupOptions { IncludeFrozen = true })[0].LrScale);
        var e = Assert.Throws<ArgumentException>(() => LayerParameterGroups.PerGroup(model, [1.0, 2.0]));
        Assert.Contains("2 scales given for 4 layer groups", e.Message);
    }

    [Fact]
    public void Coarse_chunks_keep_the_head_last()
    {
        using var model = AdaptationModels.Create("swin");
        var chunks = LayerGroupSplit.Chunks(model.LayerGroups, 2);
        Assert.Equal(3, chunks.Count);
        Assert.Equal("head", chunks[^1].Name);
        Assert.Equal(model.LayerGroups.Sum(g => g.ParameterNames.Count), chunks.Sum(g => g.ParameterNames.Count));
        var groups = LayerParameterGroups.Discriminative(model, 1e-4, 1e-2, new ParameterGroupOptions { Groups = chunks });
        Assert.Equal(0.1, groups.Single(g => g.LayerId == 1 && !g.Name.EndsWith("/no_decay")).LrScale, 12);
    }
}
