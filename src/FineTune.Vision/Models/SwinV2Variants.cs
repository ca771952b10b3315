namespace FineTune.Vision.Models;

/// <summary>timm's Swin V2 entrypoints and pretrained configurations (<c>swin_transformer_v2.py</c>, <c>default_cfgs</c>).</summary>
internal static class SwinV2Variants
{
    private static readonly int[] Depths = [2, 2, 6, 2], DeepDepths = [2, 2, 18, 2];
    private static readonly int[] TinyHeads = [3, 6, 12, 24], BaseHeads = [4, 8, 16, 32], LargeHeads = [6, 12, 24, 48];
    private static readonly int[] FromWindow12 = [12, 12, 12, 6];

    public static IEnumerable<ModelEntry> All() =>
    [
        // timm's default_cfgs order; one tag per architecture
        V2("swinv2_base_window12to16_192to256", "ms_in22k_ft_in1k", 256, 16, 128, DeepDepths, BaseHeads, FromWindow12),
        V2("swinv2_base_window12to24_192to384", "ms_in22k_ft_in1k", 384, 24, 128, DeepDepths, BaseHeads, FromWindow12, cropPct: 1.0),
        V2("swinv2_large_window12to16_192to256", "ms_in22k_ft_in1k", 256, 16, 192, DeepDepths, LargeHeads, FromWindow12),
        V2("swinv2_large_window12to24_192to384", "ms_in22k_ft_in1k", 384, 24, 192, DeepDepths, LargeHeads, FromWindow12, cropPct: 1.0),
        V2("swinv2_tiny_window8_256", "ms_in1k", 256, 8, 96, Depths, TinyHeads),
        V2("swinv2_tiny_window16_256", "ms_in1k", 256, 16, 96, Depths, TinyHeads),
        V2("swinv2_small_window8_256", "ms_in1k", 256, 8, 96, DeepDepths, TinyHeads),
        V2("swinv2_small_window16_256", "ms_in1k", 256, 16, 96, DeepDepths, TinyHeads),
        V2("swinv2_base_window8_256", "ms_in1k", 256, 8, 128, DeepDepths, BaseHeads),
        V2("swinv2_base_window16_256", "ms_in1k", 256, 16, 128, DeepDepths, BaseHeads),
        V2("swinv2_base_window12_192", "ms_in22k", 192, 12, 128, DeepDepths, BaseHeads, numClasses: 21841),
        V2("swinv2_large_window12_192", "ms_in22k", 192, 12, 192, DeepDepths, LargeHeads, numClasses: 21841),
    ];

    /// <summary>
    /// One entry: timm's <c>model_args</c> over the class defaults, with <c>img_size</c> and <c>num_classes</c> from the
    /// pretrained configuration as timm's <c>build_model_with_cfg</c> sets them (so the in22k models have 21841 classes).
    /// </summary>
    private static ModelEntry V2(string arch, string tag, int img, int window, int dim, int[] depths, int[] heads,
        int[]? pretrainedWindows = null, double cropPct = 0.9, int numClasses = 1000) =>
        new(arch,
            new SwinV2Config
            {
                ImgSize = img, PatchSize = 4, WindowSize = window, EmbedDim = dim, Depths = depths, NumHeads = heads,
                PretrainedWindowSizes = pretrainedWindows ?? [0, 0, 0, 0], NumClasses = numClasses,
            },
            new PretrainedConfig
            {
                Tag = tag, HfHubId = $"timm/{arch}.{tag}", InputSize = [3, img, img], CropPct = cropPct, NumClasses = numClasses,
                Classifier = ["head.fc"],
            },
            (c, d) => new SwinTransformerV2((SwinV2Config)c, d));
}
