namespace FineTune.Vision.Models;

/// <summary>timm's ViT entrypoints (<c>vision_transformer.py</c> <c>model_args</c> and <c>default_cfgs</c>).</summary>
internal static class VitVariants
{
    public static IEnumerable<ModelEntry> All() =>
    [
        Vit("vit_tiny_patch16_224", "augreg_in21k_ft_in1k", 224, 16, 192, 12, 3),
        Vit("vit_tiny_patch16_384", "augreg_in21k_ft_in1k", 384, 16, 192, 12, 3),
        Vit("vit_small_patch16_224", "augreg_in21k_ft_in1k", 224, 16, 384, 12, 6),
        Vit("vit_small_patch16_384", "augreg_in21k_ft_in1k", 384, 16, 384, 12, 6),
        Vit("vit_base_patch16_224", "augreg2_in21k_ft_in1k", 224, 16, 768, 12, 12),
        Vit("vit_base_patch16_224", "augreg_in21k_ft_in1k", 224, 16, 768, 12, 12),
        Vit("vit_base_patch16_384", "augreg_in21k_ft_in1k", 384, 16, 768, 12, 12),
        Vit("vit_base_patch32_384", "augreg_in21k_ft_in1k", 384, 32, 768, 12, 12),
        Vit("vit_large_patch16_224", "augreg_in21k_ft_in1k", 224, 16, 1024, 24, 16),
        Vit("vit_large_patch16_384", "augreg_in21k_ft_in1k", 384, 16, 1024, 24, 16),
    ];

    private static ModelEntry Vit(string arch, string tag, int img, int patch, int dim, int depth, int heads) =>
        new(arch,
            new VitConfig { ImgSize = img, PatchSize = patch, EmbedDim = dim, Depth = depth, NumHeads = heads },
            new PretrainedConfig
            {
                Tag = tag, HfHubId = $"timm/{arch}.{tag}", InputSize = [3, img, img], CropPct = img == 224 ? 0.9 : 1.0,
                Mean = PretrainedConfig.Inception, Std = PretrainedConfig.Inception,
            },
            (c, d) => new VisionTransformer((VitConfig)c, d));
}
