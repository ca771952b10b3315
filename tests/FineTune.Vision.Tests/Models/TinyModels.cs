using FineTune.Vision.Models;

namespace FineTune.Vision.Tests.Models;

/// <summary>Tiny configurations of each family, small enough for CPU tests.</summary>
internal static class TinyModels
{
    public static VitConfig Vit => new() { ImgSize = 32, PatchSize = 8, EmbedDim = 32, Depth = 2, NumHeads = 2, NumClasses = 5 };

    public static BeitConfig Beit => new() { ImgSize = 32, PatchSize = 8, EmbedDim = 32, Depth = 2, NumHeads = 2, NumClasses = 5 };

    public static SwinConfig Swin => new()
    {
        ImgSize = 32, PatchSize = 2, EmbedDim = 16, Depths = [2, 2], NumHeads = [2, 4], WindowSize = 4, NumClasses = 5, DropPathRate = 0,
    };

    public static CaitConfig Cait => new() { ImgSize = 32, PatchSize = 8, EmbedDim = 32, Depth = 2, NumHeads = 4, NumClasses = 5, InitValues = 0.1 };

    /// <summary>Expands "blocks.{i}." templates for <paramref name="count"/> blocks.</summary>
    public static IEnumerable<string> Repeat(string prefix, int count, params string[] suffixes) =>
        Enumerable.Range(0, count).SelectMany(i => suffixes.Select(s => $"{prefix}.{i}.{s}"));

    public static readonly string[] Norm = ["weight", "bias"];

    public static string[] WB(string name) => [$"{name}.weight", $"{name}.bias"];
}
