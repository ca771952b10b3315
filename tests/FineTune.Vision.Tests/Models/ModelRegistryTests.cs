using FineTune.Vision.Models;
using TorchSharp;
using static TorchSharp.torch;
using FineTune.Vision.Weights;

namespace FineTune.Vision.Tests.Models;

/// <summary>Registry names, tags, overrides by timm kwarg names, pretrained configs, and errors.</summary>
public sealed class ModelRegistryTests
{
    private static readonly Device Meta = new(DeviceType.META);

    [Fact]
    public void Unknown_name_lists_three_nearest()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelRegistry.Get("vit_base_patch16_386"));
        Assert.Contains("'vit_base_patch16_386'", e.Message);
        Assert.Contains("vit_base_patch16_384", e.Message);
        Assert.Equal(3, e.Message.Split("Did you mean: ")[1].Split('?')[0].Split(", ").Length);
    }

    [Fact]
    public void Names_with_tags_resolve_and_default_to_the_first_tag()
    {
        Assert.Equal("augreg2_in21k_ft_in1k", ModelRegistry.Get("vit_base_patch16_224").Tag);
        Assert.Equal("augreg_in21k_ft_in1k", ModelRegistry.Get("vit_base_patch16_224.augreg_in21k_ft_in1k").Tag);
        var e = Assert.Throws<ArgumentException>(() => ModelRegistry.Get("vit_base_patch16_224.nope"));
        Assert.Contains("augreg2_in21k_ft_in1k", e.Message);
        Assert.Contains("swin_tiny_patch4_window7_224.ms_in1k", ModelRegistry.PretrainedNames);
    }

    [Fact]
    public void Pretrained_configs_are_timms()
    {
        var vit = ModelRegistry.GetPretrainedConfig("vit_base_patch16_384");
        Assert.Equal([3, 384, 384], vit.InputSize);
        Assert.Equal(1.0, vit.CropPct);
        Assert.Equal([0.5, 0.5, 0.5], vit.Mean);
        Assert.Equal(FineTune.Vision.Imaging.Interpolation.Bicubic, vit.Interpolation);
        Assert.Equal(["head", "head_dist"], ModelRegistry.GetPretrainedConfig("deit_base_distilled_patch16_224").Classifier);
        Assert.Equal(["head.fc"], ModelRegistry.GetPretrainedConfig("swin_large_patch4_window12_384").Classifier);
        Assert.Equal(0.9, ModelRegistry.GetPretrainedConfig("swin_tiny_patch4_window7_224").CropPct);
        Assert.Equal(PretrainedConfig.ImageNetMean, ModelRegistry.GetPretrainedConfig("cait_s36_384").Mean);
    }

    [Fact]
    public void Overrides_by_timm_kwarg_names()
    {
        var overrides = new Dictionary<string, string>
        {
            ["num_classes"] = "200", ["img_size"] = "64", ["depths"] = "2,2,6", ["num_heads"] = "(3,6,12)", ["window_size"] = "4",
            ["drop_path_rate"] = "0.2",
        };
        using var model = VisionModels.Create<ModelConfig>("swin_tiny_patch4_window7_224", c => c.WithOverrides(overrides), device: Meta);
        var c = Assert.IsType<SwinConfig>(model.Config);
        Assert.Equal([2, 2, 6], c.Depths);
        Assert.Equal([3, 6, 12], c.NumHeads);
        Assert.Equal((64, 4, 0.2, 200), (c.ImgSize, c.WindowSize, c.DropPathRate, model.NumClasses));
        Assert.Equal([3, 64, 64], model.PretrainedConfig.InputSize);
        Assert.Equal("swin_tiny_patch4_window7_224", model.Name);
        using var vit = VisionModels.Create<ModelConfig>("vit_tiny_patch16_224", c => c.WithOverrides(new Dictionary<string, string> { ["init_values"] = "1e-5", ["global_pool"] = "avg" }), device: Meta);
        Assert.Equal(1e-5, ((VitConfig)vit.Config).InitValues);
        Assert.Contains("fc_norm.weight", vit.state_dict().Keys);
    }

    [Fact]
    public void Bad_overrides_name_key_value_and_accepted_keys()
    {
        var unknown = Assert.Throws<ArgumentException>(() => VisionModels.Create<ModelConfig>("cait_s24_224", c => c.WithOverrides(new Dictionary<string, string> { ["window_size"] = "7" }), device: Meta));
        Assert.Contains("window_size", unknown.Message);
        Assert.Contains("depth_token_only", unknown.Message);
        var bad = Assert.Throws<ArgumentException>(() => VisionModels.Create<ModelConfig>("vit_tiny_patch16_224", c => c.WithOverrides(new Dictionary<string, string> { ["depth"] = "two" }), device: Meta));
        Assert.Contains("depth=two", bad.Message);
        var invalid = Assert.Throws<ArgumentException>(() => VisionModels.Create<ModelConfig>("vit_tiny_patch16_224", c => c.WithOverrides(new Dictionary<string, string> { ["img_size"] = "100" }), device: Meta));
        Assert.Contains("img_size 100 is not a multiple of patch_size 16", invalid.Message);
    }

    [Fact]
    public void Configure_function_and_layer_groups()
    {
        using var model = VisionModels.Create("deit_tiny_distilled_patch16_224", numClasses: 10, dropPathRate: 0.1, device: Meta);
        Assert.IsType<VisionTransformerDistilled>(model);
        Assert.Equal(10, model.NumClasses);
        var groups = model.LayerGroups;
        Assert.Equal(["stem", .. Enumerable.Range(0, 12).Select(i => $"blocks.{i}"), "norm", "head"], groups.Select(g => g.Name));
        Assert.Contains("dist_token", groups[0].ParameterNames);
        Assert.Equal(["head.bias", "head.weight", "head_dist.bias", "head_dist.weight"], groups[^1].ParameterNames.Order(StringComparer.Ordinal));
        Assert.Equal(model.parameters().Count(), groups.Sum(g => g.ParameterNames.Count));
        Assert.Equal(new HashSet<string> { "cls_token", "pos_embed", "dist_token" }, model.NoWeightDecay);
    }

    [Fact]
    public void Swin_groups_put_downsample_with_the_stage_first_block_and_no_decay_on_tables()
    {
        using var model = VisionModels.Create("swin_tiny_patch4_window7_224", device: Meta);
        var groups = model.LayerGroups;
        Assert.Equal(1 + 12 + 2, groups.Count);
        var stage1First = groups.Single(g => g.Name == "layers.1.blocks.0");
        Assert.Contains("layers.1.downsample.reduction.weight", stage1First.ParameterNames);
        Assert.Equal(12, model.NoWeightDecay.Count);
        Assert.All(model.NoWeightDecay, n => Assert.EndsWith("relative_position_bias_table", n));
    }
}
