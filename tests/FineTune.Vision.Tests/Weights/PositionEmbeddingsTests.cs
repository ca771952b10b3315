using FineTune.Vision.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Weights;

/// <summary>Resampling against torch (resample.safetensors) and REAL timm (timm_pos_embed.json, Fixtures/Weights/make_timm_pos_embed.py).</summary>
public sealed class PositionEmbeddingsTests
{
    [Theory]
    [InlineData("pos_up_6x6", 6, 6)]
    [InlineData("pos_down_3x3", 3, 3)]
    [InlineData("pos_rect_3x5", 3, 5)]
    public void Absolute_position_embeddings_match_torch(string key, int rows, int cols)
    {
        using var fixture = SafeTensors.Load(WeightsFixtures.PathOf("resample.safetensors"));
        using var actual = PositionEmbeddings.ResampleAbsolute(fixture["pos"], (rows, cols), numPrefixTokens: 1);
        AssertClose(fixture[key], actual, key);
        using var prefix = actual.narrow(1, 0, 1);
        using var sourcePrefix = fixture["pos"].narrow(1, 0, 1);
        Assert.True(prefix.eq(sourcePrefix).all().item<bool>(), "the class token's embedding must be kept as is");
    }

    private static readonly System.Text.Json.JsonElement Timm = System.Text.Json.JsonDocument.Parse(
        File.ReadAllText(WeightsFixtures.PathOf("timm_pos_embed.json"))).RootElement;

    private static Tensor FromJson(System.Text.Json.JsonElement t) =>
        torch.tensor(t.GetProperty("values").EnumerateArray().Select(v => v.GetSingle()).ToArray(),
                     t.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray());

    private static System.Text.Json.JsonElement TimmCase(string kind, string name) =>
        Timm.GetProperty(kind).EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    [Theory]
    [InlineData("vit_4to6")]
    [InlineData("deit_4to3x5")]
    [InlineData("noprefix_3x4to5x2")]
    [InlineData("vit_5to3")]
    public void Absolute_position_embeddings_equal_timms_resample_abs_pos_embed(string name)
    {
        var c = TimmCase("absolute", name);
        int[] old = c.GetProperty("old").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        int[] size = c.GetProperty("new").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        using var scope = torch.NewDisposeScope();
        var actual = PositionEmbeddings.ResampleAbsolute(FromJson(c.GetProperty("input")), (size[0], size[1]),
            c.GetProperty("prefix").GetInt32(), (old[0], old[1]));
        AssertClose(FromJson(c.GetProperty("output")), actual, name);
    }

    [Theory]
    [InlineData("beit_4to6")]
    [InlineData("swin_3to5")]
    [InlineData("swin_4to7")]
    [InlineData("beit_5to3")]
    public void Relative_bias_tables_equal_timms_resize_rel_pos_bias_table(string name)
    {
        var c = TimmCase("relative", name);
        int window = c.GetProperty("new").GetInt32();
        using var scope = torch.NewDisposeScope();
        var actual = PositionEmbeddings.ResizeRelativeBiasTable(FromJson(c.GetProperty("input")), (window, window), c.GetProperty("extra").GetInt32());
        AssertClose(FromJson(c.GetProperty("output")), actual, name);
    }

    [Fact]
    public void A_non_square_source_needs_its_grid()
    {
        using var pos = torch.zeros(1, 1 + 6, 4);
        var e = Assert.Throws<ArgumentException>(() => PositionEmbeddings.ResampleAbsolute(pos, (3, 3)));
        Assert.Contains("oldGrid", e.Message);
        using var ok = PositionEmbeddings.ResampleAbsolute(pos, (3, 3), 1, (2, 3));
        Assert.Equal(new long[] { 1, 10, 4 }, ok.shape);
    }

    private static void AssertClose(Tensor expected, Tensor actual, string key)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var diff = (expected - actual).abs().max();
        double max = diff.item<float>();
        Assert.True(max < 1e-5, $"{key}: max abs difference {max}");
    }
}
