using System.Text.Json;
using FineTune.Vision.Adaptation;

namespace FineTune.Vision.Tests.Adaptation;

/// <summary>
/// <see cref="LayerParameterGroups.LayerDecay"/> against REAL timm's <c>param_groups_layer_decay</c> (layer decay 0.75,
/// weight decay 0.05, <c>no_weight_decay_list = model.no_weight_decay()</c>) on the tiny configurations of the five
/// families: Fixtures/Adaptation/make_timm_layer_decay.py.
/// </summary>
public sealed class TimmLayerDecayTests
{
    private static readonly JsonElement Fixture = JsonDocument.Parse(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Adaptation", "timm_layer_decay.json"))).RootElement;

    [Theory]
    [InlineData("vit")]
    [InlineData("deit")]
    [InlineData("beit")]
    [InlineData("swin")]
    [InlineData("swinv2")]
    [InlineData("cait")]
    public void Layer_decay_groups_equal_timms(string family)
    {
        var expected = Fixture.GetProperty("families").GetProperty(family);
        using var model = AdaptationModels.Create(family);
        var groups = LayerParameterGroups.LayerDecay(model, Fixture.GetProperty("layer_decay").GetDouble(),
            new ParameterGroupOptions { WeightDecay = Fixture.GetProperty("weight_decay").GetDouble() });
        var actual = groups.SelectMany(g => g.Parameters.Select(p => (p.Name, g.LayerId, g.LrScale, g.WeightDecay)))
            .ToDictionary(p => p.Name, p => (p.LayerId, p.LrScale, p.WeightDecay), StringComparer.Ordinal);

        var rows = expected.GetProperty("params").EnumerateArray().ToList();
        Assert.Equal(rows.Select(r => r.GetProperty("name").GetString()!).Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var row in rows)
        {
            string name = row.GetProperty("name").GetString()!;
            var (layer, scale, decay) = actual[name];
            Assert.True(row.GetProperty("layer_id").GetInt32() == layer, $"{family} {name}: layer id timm {row.GetProperty("layer_id").GetInt32()}, library {layer}");
            Assert.True(Math.Abs(row.GetProperty("lr_scale").GetDouble() - scale) < 1e-12, $"{family} {name}: lr_scale timm {row.GetProperty("lr_scale").GetDouble()}, library {scale}");
            Assert.True(row.GetProperty("weight_decay").GetDouble() == decay, $"{family} {name}: weight_decay timm {row.GetProperty("weight_decay").GetDouble()}, library {decay}");
        }
        Assert.Equal(expected.GetProperty("num_groups").GetInt32(), groups.Count);
    }
}
