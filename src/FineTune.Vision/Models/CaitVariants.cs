namespace FineTune.Vision.Models;

/// <summary>timm's CaiT entrypoints (<c>cait.py</c>).</summary>
internal static class CaitVariants
{
    public static IEnumerable<ModelEntry> All() =>
    [
        Cait("cait_xxs24_224", 224, 192, 24, 4, 1e-5),
        Cait("cait_s24_224", 224, 384, 24, 8, 1e-5),
        Cait("cait_s24_384", 384, 384, 24, 8, 1e-5),
        Cait("cait_s36_384", 384, 384, 36, 8, 1e-6),
    ];

    private static ModelEntry Cait(string arch, int img, int dim, int depth, int heads, double initValues) =>
        new(arch,
            new CaitConfig { ImgSize = img, PatchSize = 16, EmbedDim = dim, Depth = depth, NumHeads = heads, InitValues = initValues },
            new PretrainedConfig { Tag = "fb_dist_in1k", HfHubId = $"timm/{arch}.fb_dist_in1k", InputSize = [3, img, img], CropPct = 1.0 },
            (c, d) => new Models.Cait((CaitConfig)c, d));
}
