using FineTune.Vision.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Weights;

/// <summary>Resampling against torch.nn.functional.interpolate (bicubic, antialias) computed by the peer.</summary>
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

    [Theory]
    [InlineData("table_w6", 6)]
    [InlineData("table_w3", 3)]
    public void Relative_bias_tables_match_torch_and_keep_extra_tokens(string key, int window)
    {
        using var fixture = SafeTensors.Load(WeightsFixtures.PathOf("resample.safetensors"));
        using var actual = PositionEmbeddings.ResizeRelativeBiasTable(fixture["table"], (window, window), extraTokens: 3);
        Assert.Equal(new long[] { (2 * window - 1) * (2 * window - 1) + 3, 2 }, actual.shape);
        AssertClose(fixture[key], actual, key);
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
