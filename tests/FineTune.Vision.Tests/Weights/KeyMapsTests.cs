using FineTune.Vision.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Weights;

/// <summary>Naming detection and conversion to timm names, checked against the peer's own renaming.</summary>
public sealed class KeyMapsTests
{
    [Theory]
    [InlineData("vit_tv.pth", CheckpointLayout.TorchVision)]
    [InlineData("swin_tv.pth", CheckpointLayout.TorchVision)]
    [InlineData("vit_hf.safetensors", CheckpointLayout.HuggingFace)]
    [InlineData("swin_hf.safetensors", CheckpointLayout.HuggingFace)]
    [InlineData("vit_timm.safetensors", CheckpointLayout.Timm)]
    [InlineData("swin_timm.safetensors", CheckpointLayout.Timm)]
    public void Layouts_are_detected_from_the_keys(string file, CheckpointLayout expected)
    {
        using var sd = WeightsFile.Load(WeightsFixtures.PathOf(file));
        Assert.Equal(expected, KeyMaps.Detect(sd.Keys));
    }

    [Theory]
    [InlineData("vit_tv.pth", "vit_timm.safetensors")]
    [InlineData("vit_hf.safetensors", "vit_timm.safetensors")]
    [InlineData("swin_tv.pth", "swin_timm.safetensors")]
    [InlineData("swin_hf.safetensors", "swin_timm.safetensors")]
    public void Converted_state_dicts_equal_the_timm_named_fixture(string file, string timmFile)
    {
        using var sd = WeightsFile.Load(WeightsFixtures.PathOf(file));
        using var timm = WeightsFile.Load(WeightsFixtures.PathOf(timmFile));
        KeyMaps.ConvertToTimm(sd);
        var converted = sd.Keys.Where(k => !k.EndsWith("relative_position_index", StringComparison.Ordinal)).ToHashSet();
        Assert.Equal(timm.Keys.ToHashSet(), converted);
        foreach (var (key, tensor) in timm)
        {
            WeightsFixtures.AssertSameTensor(tensor, sd[key], key);
        }
        Assert.Contains(sd.Notes, n => n.Contains("to timm naming"));
    }

    [Fact]
    public void Older_torchvision_mlp_names_and_wrapper_prefixes_are_handled()
    {
        using var sd = Make("module.encoder.layers.encoder_layer_3.mlp.linear_1.weight", "module.encoder.layers.encoder_layer_3.mlp.linear_2.bias",
            "module.heads.head.weight", "module.class_token", "module.encoder.ln.bias");
        Assert.Equal(CheckpointLayout.TorchVision, KeyMaps.ConvertToTimm(sd));
        Assert.Equal(new[] { "blocks.3.mlp.fc1.weight", "blocks.3.mlp.fc2.bias", "head.weight", "cls_token", "norm.bias" }, sd.Keys);
        Assert.Contains(sd.Notes, n => n.Contains("'module.'"));
    }

    [Fact]
    public void Hugging_face_beit_and_deit_names_map_to_timm()
    {
        using var beit = Make("beit.embeddings.cls_token", "beit.embeddings.mask_token",
            "beit.encoder.layer.0.attention.attention.query.weight", "beit.encoder.layer.0.attention.attention.key.weight",
            "beit.encoder.layer.0.attention.attention.value.weight", "beit.encoder.layer.0.attention.attention.query.bias",
            "beit.encoder.layer.0.attention.attention.value.bias", "beit.encoder.layer.0.lambda_1",
            "beit.encoder.layer.0.attention.attention.relative_position_bias.relative_position_bias_table",
            "beit.pooler.layernorm.weight", "classifier.bias");
        Assert.Equal(CheckpointLayout.HuggingFace, KeyMaps.ConvertToTimm(beit));
        Assert.Equal(new[] { "cls_token", "blocks.0.attn.qkv.weight", "blocks.0.gamma_1", "blocks.0.attn.relative_position_bias_table",
            "fc_norm.weight", "head.bias", "blocks.0.attn.q_bias", "blocks.0.attn.v_bias" }, beit.Keys);
        Assert.Equal(new long[] { 6, 2 }, beit["blocks.0.attn.qkv.weight"].shape);
        Assert.Contains(beit.Notes, n => n.Contains("beit.embeddings.mask_token"));

        using var deit = Make("deit.embeddings.distillation_token", "deit.embeddings.position_embeddings",
            "deit.encoder.layer.1.intermediate.dense.weight", "deit.encoder.layer.1.output.dense.weight",
            "deit.encoder.layer.1.attention.output.dense.bias", "deit.layernorm.weight", "cls_classifier.weight", "distillation_classifier.bias");
        KeyMaps.ConvertToTimm(deit);
        Assert.Equal(new[] { "dist_token", "pos_embed", "blocks.1.mlp.fc1.weight", "blocks.1.mlp.fc2.weight", "blocks.1.attn.proj.bias",
            "norm.weight", "head.weight", "head_dist.bias" }, deit.Keys);
    }

    [Fact]
    public void An_incomplete_query_key_value_set_is_an_error_naming_the_key()
    {
        using var sd = Make("vit.encoder.layer.0.attention.attention.query.weight", "vit.encoder.layer.0.attention.attention.value.weight");
        var e = Assert.Throws<WeightsFormatException>(() => KeyMaps.ConvertToTimm(sd));
        Assert.Equal("blocks.0.attn.qkv.weight", e.Key);
        Assert.Contains("query/value", e.Message);
    }

    private static StateDict Make(params string[] keys)
    {
        var sd = new StateDict();
        foreach (string key in keys)
        {
            sd.Add(key, torch.ones(2, 2));
        }
        return sd;
    }
}
