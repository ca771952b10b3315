namespace FineTune.Vision.Models;

/// <summary>timm's DeiT entrypoints (<c>deit.py</c>): plain ViTs and <see cref="VisionTransformerDistilled"/>.</summary>
internal static class DeitVariants
{
    public static IEnumerable<ModelEntry> All() =>
    [
        Deit("deit_tiny_patch16_224", 224, 192, 3, false),
        Deit("deit_small_patch16_224", 224, 384, 6, false),
        Deit("deit_base_patch16_224", 224, 768, 12, false),
        Deit("deit_base_patch16_384", 384, 768, 12, false),
        Deit("deit_tiny_distilled_patch16_224", 224, 192, 3, true),
        Deit("deit_small_distilled_patch16_224", 224, 384, 6, true),
        Deit("deit_base_distilled_patch16_224", 224, 768, 12, true),
        Deit("deit_base_distilled_patch16_384", 384, 768, 12, true),
    ];

    private static ModelEntry Deit(string arch, int img, int dim, int heads, bool distilled) =>
        new(arch,
            new VitConfig { ImgSize = img, PatchSize = 16, EmbedDim = dim, Depth = 12, NumHeads = heads },
            new PretrainedConfig
            {
                Tag = "fb_in1k", HfHubId = $"timm/{arch}.fb_in1k", InputSize = [3, img, img], CropPct = img == 224 ? 0.9 : 1.0,
                Classifier = distilled ? ["head", "head_dist"] : ["head"],
            },
            distilled ? (c, d) => new VisionTransformerDistilled((VitConfig)c, d) : (c, d) => new VisionTransformer((VitConfig)c, d));
}
