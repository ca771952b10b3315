using FineTune.Vision.Models;
using static FineTune.Vision.Tests.Models.TinyModels;

namespace FineTune.Vision.Tests.Models;

/// <summary>State-dict keys of tiny models equal timm's (derived from timm's module attribute names and buffers' persistence).</summary>
public sealed class StateDictKeyTests
{
    private static readonly string[] VitBlock =
    [
        "norm1.weight", "norm1.bias", "attn.qkv.weight", "attn.qkv.bias", "attn.proj.weight", "attn.proj.bias",
        "norm2.weight", "norm2.bias", "mlp.fc1.weight", "mlp.fc1.bias", "mlp.fc2.weight", "mlp.fc2.bias",
    ];

    private static string[] VitKeys(params string[] extra) =>
        [
            "cls_token", "pos_embed", "patch_embed.proj.weight", "patch_embed.proj.bias",
            .. Repeat("blocks", 2, VitBlock), "norm.weight", "norm.bias", "head.weight", "head.bias", .. extra,
        ];

    [Fact]
    public void Vit()
    {
        using var m = new VisionTransformer(TinyModels.Vit);
        AssertKeys(VitKeys(), m);
    }

    [Fact]
    public void Vit_with_layer_scale_registers_and_avg_pool()
    {
        using var m = new VisionTransformer(TinyModels.Vit with { InitValues = 1e-5, RegTokens = 2, GlobalPool = GlobalPool.Avg });
        string[] expected =
        [
            "cls_token", "reg_token", "pos_embed", "patch_embed.proj.weight", "patch_embed.proj.bias",
            .. Repeat("blocks", 2, [.. VitBlock, "ls1.gamma", "ls2.gamma"]), "fc_norm.weight", "fc_norm.bias", "head.weight", "head.bias",
        ];
        AssertKeys(expected, m);
    }

    [Fact]
    public void Deit_distilled()
    {
        using var m = new VisionTransformerDistilled(TinyModels.Vit);
        AssertKeys(VitKeys("dist_token", "head_dist.weight", "head_dist.bias"), m);
        Assert.Equal([1, 16 + 2, 32], m.state_dict()["pos_embed"].shape);
    }

    [Fact]
    public void Beit()
    {
        using var m = new Beit(TinyModels.Beit);
        string[] block =
        [
            "gamma_1", "gamma_2", "norm1.weight", "norm1.bias", "attn.q_bias", "attn.v_bias", "attn.relative_position_bias_table",
            "attn.qkv.weight", "attn.proj.weight", "attn.proj.bias", "norm2.weight", "norm2.bias",
            "mlp.fc1.weight", "mlp.fc1.bias", "mlp.fc2.weight", "mlp.fc2.bias",
        ];
        string[] expected =
        [
            "cls_token", "patch_embed.proj.weight", "patch_embed.proj.bias", .. Repeat("blocks", 2, block),
            "fc_norm.weight", "fc_norm.bias", "head.weight", "head.bias",
        ];
        AssertKeys(expected, m);
        var sd = m.state_dict();
        Assert.Equal([(7 * 7) + 3, 2], sd["blocks.0.attn.relative_position_bias_table"].shape);
        // relative_position_index is a non-persistent buffer, as in timm: present, but not a state-dict key
        Assert.DoesNotContain("blocks.0.attn.relative_position_index", sd.Keys);
        Assert.Equal([17, 17], m.get_buffer("blocks.0.attn.relative_position_index")!.shape);
    }

    [Fact]
    public void Swin()
    {
        using var m = new SwinTransformer(TinyModels.Swin);
        string[] block =
        [
            "norm1.weight", "norm1.bias", "attn.relative_position_bias_table", "attn.qkv.weight", "attn.qkv.bias",
            "attn.proj.weight", "attn.proj.bias", "norm2.weight", "norm2.bias", "mlp.fc1.weight", "mlp.fc1.bias", "mlp.fc2.weight", "mlp.fc2.bias",
        ];
        string[] expected =
        [
            "patch_embed.proj.weight", "patch_embed.proj.bias", "patch_embed.norm.weight", "patch_embed.norm.bias",
            .. Repeat("layers.0.blocks", 2, block),
            "layers.1.downsample.norm.weight", "layers.1.downsample.norm.bias", "layers.1.downsample.reduction.weight",
            .. Repeat("layers.1.blocks", 2, block), "norm.weight", "norm.bias", "head.fc.weight", "head.fc.bias",
        ];
        AssertKeys(expected, m);
        var sd = m.state_dict();
        Assert.Equal([7 * 7, 4], sd["layers.1.blocks.1.attn.relative_position_bias_table"].shape);
        Assert.Equal([32, 64], sd["layers.1.downsample.reduction.weight"].shape);
    }

    [Fact]
    public void SwinV2()
    {
        using var m = new SwinTransformerV2(TinyModels.SwinV2);
        string[] block =
        [
            "attn.logit_scale", "attn.q_bias", "attn.v_bias", "attn.cpb_mlp.0.weight", "attn.cpb_mlp.0.bias", "attn.cpb_mlp.2.weight",
            "attn.qkv.weight", "attn.proj.weight", "attn.proj.bias", "norm1.weight", "norm1.bias",
            "mlp.fc1.weight", "mlp.fc1.bias", "mlp.fc2.weight", "mlp.fc2.bias", "norm2.weight", "norm2.bias",
        ];
        string[] expected =
        [
            "patch_embed.proj.weight", "patch_embed.proj.bias", "patch_embed.norm.weight", "patch_embed.norm.bias",
            .. Repeat("layers.0.blocks", 2, block),
            "layers.1.downsample.reduction.weight", "layers.1.downsample.norm.weight", "layers.1.downsample.norm.bias",
            .. Repeat("layers.1.blocks", 2, block), "norm.weight", "norm.bias", "head.fc.weight", "head.fc.bias",
        ];
        AssertKeys(expected, m);
        var sd = m.state_dict();
        Assert.Equal([4, 1, 1], sd["layers.1.blocks.1.attn.logit_scale"].shape);
        Assert.Equal([512, 2], sd["layers.1.blocks.1.attn.cpb_mlp.0.weight"].shape);
        Assert.Equal([4, 512], sd["layers.1.blocks.1.attn.cpb_mlp.2.weight"].shape);
        Assert.Equal([32, 64], sd["layers.1.downsample.reduction.weight"].shape);
        Assert.Equal([32], sd["layers.1.downsample.norm.weight"].shape);    // V2 normalises after the reduction
        // k_bias, relative_coords_table, relative_position_index and attn_mask are non-persistent buffers, as in timm
        foreach (var b in new[] { "layers.0.blocks.1.attn.k_bias", "layers.0.blocks.1.attn.relative_coords_table", "layers.0.blocks.1.attn.relative_position_index", "layers.0.blocks.1.attn_mask" })
        {
            Assert.NotNull(m.get_buffer(b));
            Assert.DoesNotContain(b, sd.Keys);
        }
        Assert.Equal([1, 7, 7, 2], m.get_buffer("layers.0.blocks.0.attn.relative_coords_table")!.shape);
    }

    [Fact]
    public void Cait()
    {
        using var m = new Cait(TinyModels.Cait);
        string[] block =
        [
            "gamma_1", "gamma_2", "norm1.weight", "norm1.bias", "attn.qkv.weight", "attn.qkv.bias", "attn.proj.weight", "attn.proj.bias",
            "attn.proj_l.weight", "attn.proj_l.bias", "attn.proj_w.weight", "attn.proj_w.bias", "norm2.weight", "norm2.bias",
            "mlp.fc1.weight", "mlp.fc1.bias", "mlp.fc2.weight", "mlp.fc2.bias",
        ];
        string[] tokenBlock =
        [
            "gamma_1", "gamma_2", "norm1.weight", "norm1.bias", "attn.q.weight", "attn.q.bias", "attn.k.weight", "attn.k.bias",
            "attn.v.weight", "attn.v.bias", "attn.proj.weight", "attn.proj.bias", "norm2.weight", "norm2.bias",
            "mlp.fc1.weight", "mlp.fc1.bias", "mlp.fc2.weight", "mlp.fc2.bias",
        ];
        string[] expected =
        [
            "cls_token", "pos_embed", "patch_embed.proj.weight", "patch_embed.proj.bias", .. Repeat("blocks", 2, block),
            .. Repeat("blocks_token_only", 2, tokenBlock), "norm.weight", "norm.bias", "head.weight", "head.bias",
        ];
        AssertKeys(expected, m);
        Assert.Equal([1, 16, 32], m.state_dict()["pos_embed"].shape);
    }

    private static void AssertKeys(IEnumerable<string> expected, VisionModel model)
    {
        var actual = model.state_dict().Keys.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Order(StringComparer.Ordinal).ToList(), actual);
    }
}
