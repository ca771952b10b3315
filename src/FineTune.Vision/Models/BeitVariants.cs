namespace FineTune.Vision.Models;

/// <summary>timm's BEiT v1 entrypoints (<c>beit.py</c>).</summary>
internal static class BeitVariants
{
    public static IEnumerable<ModelEntry> All() =>
    [
        Beit("beit_base_patch16_224", 224, 768, 12, 12, 0.1),
        Beit("beit_base_patch16_384", 384, 768, 12, 12, 0.1),
        Beit("beit_large_patch16_224", 224, 1024, 24, 16, 1e-5),
        Beit("beit_large_patch16_384", 384, 1024, 24, 16, 1e-5),
    ];

    private static ModelEntry Beit(string arch, int img, int dim, int depth, int heads, double initValues) =>
        new(arch,
            new BeitConfig { ImgSize = img, PatchSize = 16, EmbedDim = dim, Depth = depth, NumHeads = heads, InitValues = initValues },
            new PretrainedConfig
            {
                Tag = "in22k_ft_in22k_in1k", HfHubId = $"timm/{arch}.in22k_ft_in22k_in1k", InputSize = [3, img, img],
                CropPct = img == 224 ? 0.9 : 1.0, Mean = PretrainedConfig.Inception, Std = PretrainedConfig.Inception,
            },
            (c, d) => new Models.Beit((BeitConfig)c, d));
}
