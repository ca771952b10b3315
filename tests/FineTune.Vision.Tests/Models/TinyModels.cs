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

    public static SwinV2Config SwinV2 => new()
    {
        ImgSize = 32, PatchSize = 2, EmbedDim = 16, Depths = [2, 2], NumHeads = [2, 4], WindowSize = 4, NumClasses = 5, DropPathRate = 0,
    };

    public static CaitConfig Cait => new() { ImgSize = 32, PatchSize = 8, EmbedDim = 32, Depth = 2, NumHeads = 4, NumClasses = 5, InitValues = 0.1 };

    /// <summary>
    /// <paramref name="model"/> with the Swin V2 residual post-norm weights (<c>norm1</c>/<c>norm2</c>, zero at init as in
    /// timm, which makes every block the identity) set to one, so that the blocks change the output in tests.
    /// </summary>
    public static T WithUnitPostNorms<T>(T model) where T : TorchSharp.torch.nn.Module
    {
        using var _ = TorchSharp.torch.no_grad();
        foreach (var (name, p) in model.named_parameters())
        {
            if (name.EndsWith(".norm1.weight", StringComparison.Ordinal) || name.EndsWith(".norm2.weight", StringComparison.Ordinal)) p.fill_(1.0);
        }
        return model;
    }

    /// <summary>Expands "blocks.{i}." templates for <paramref name="count"/> blocks.</summary>
    public static IEnumerable<string> Repeat(string prefix, int count, params string[] suffixes) =>
        Enumerable.Range(0, count).SelectMany(i => suffixes.Select(s => $"{prefix}.{i}.{s}"));

    public static readonly string[] Norm = ["weight", "bias"];

    public static string[] WB(string name) => [$"{name}.weight", $"{name}.bias"];
}
