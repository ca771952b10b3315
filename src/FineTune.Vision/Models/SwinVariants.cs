namespace FineTune.Vision.Models;

/// <summary>timm's Swin v1 entrypoints (<c>swin_transformer.py</c>).</summary>
internal static class SwinVariants
{
    public static IEnumerable<ModelEntry> All() =>
    [
        Swin("swin_tiny_patch4_window7_224", "ms_in1k", 224, 7, 96, [2, 2, 6, 2], [3, 6, 12, 24]),
        Swin("swin_small_patch4_window7_224", "ms_in22k_ft_in1k", 224, 7, 96, [2, 2, 18, 2], [3, 6, 12, 24]),
        Swin("swin_base_patch4_window7_224", "ms_in22k_ft_in1k", 224, 7, 128, [2, 2, 18, 2], [4, 8, 16, 32]),
        Swin("swin_base_patch4_window12_384", "ms_in22k_ft_in1k", 384, 12, 128, [2, 2, 18, 2], [4, 8, 16, 32]),
        Swin("swin_large_patch4_window12_384", "ms_in22k_ft_in1k", 384, 12, 192, [2, 2, 18, 2], [6, 12, 24, 48]),
    ];

    private static ModelEntry Swin(string arch, string tag, int img, int window, int dim, int[] depths, int[] heads) =>
        new(arch,
            new SwinConfig { ImgSize = img, PatchSize = 4, WindowSize = window, EmbedDim = dim, Depths = depths, NumHeads = heads },
            new PretrainedConfig
            {
                Tag = tag, HfHubId = $"timm/{arch}.{tag}", InputSize = [3, img, img], CropPct = img == 224 ? 0.9 : 1.0,
                Classifier = ["head.fc"],
            },
            (c, d) => new SwinTransformer((SwinConfig)c, d));
}
