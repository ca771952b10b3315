using FineTune.Vision.Models;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Models;

/// <summary>Initialisation follows timm: trunc-normal 0.02 linears and embeddings, zero biases, LayerNorm ones, family specifics.</summary>
public sealed class WeightInitTests
{
    [Fact]
    public void Vit_init_matches_timm_rules()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        using var m = new VisionTransformer(TinyModels.Vit with { EmbedDim = 64, NumClasses = 100 });
        var sd = m.state_dict();
        AssertStd(sd["blocks.0.attn.qkv.weight"], 0.02);
        AssertStd(sd["head.weight"], 0.02);
        AssertStd(sd["pos_embed"], 0.02);
        AssertStd(sd["cls_token"], 1e-6);
        Assert.Equal(0f, sd["blocks.1.mlp.fc1.bias"].abs().max().item<float>());
        Assert.Equal(1f, sd["blocks.1.norm2.weight"].min().item<float>());
    }

    [Fact]
    public void Beit_scales_head_and_deep_projections()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        using var m = new Beit(TinyModels.Beit with { EmbedDim = 64, NumClasses = 100 });
        var sd = m.state_dict();
        AssertStd(sd["head.weight"], 0.02 * 0.001);
        AssertStd(sd["blocks.0.attn.proj.weight"], 0.02 / Math.Sqrt(2));
        AssertStd(sd["blocks.1.mlp.fc2.weight"], 0.02 / 2);
        Assert.Equal(0.1f, sd["blocks.0.gamma_1"].max().item<float>(), 6);
        Assert.Equal(0f, sd["blocks.0.attn.relative_position_bias_table"].abs().max().item<float>());
    }

    [Fact]
    public void Swin_and_cait_tables_and_tokens_are_random()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        using var swin = new SwinTransformer(TinyModels.Swin);
        AssertStd(swin.state_dict()["layers.0.blocks.0.attn.relative_position_bias_table"], 0.02);
        using var cait = new Cait(TinyModels.Cait with { EmbedDim = 64 });
        AssertStd(cait.state_dict()["cls_token"], 0.02, tolerance: 0.5);
        AssertStd(cait.state_dict()["blocks.0.attn.proj_l.weight"], 0.02, tolerance: 0.5);
    }

    private static void AssertStd(Tensor t, double expected, double tolerance = 0.2)
    {
        double std = t.std().item<float>();
        Assert.InRange(std, expected * (1 - tolerance), expected * (1 + tolerance));
    }
}
