using FineTune.Vision.Models;
using FineTune.Vision.Tests.Models;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Adaptation;

/// <summary>Tiny models of the families and helpers shared by the Adaptation tests.</summary>
internal static class AdaptationModels
{
    public static readonly string[] Families = ["vit", "deit", "beit", "swin", "swinv2", "cait"];

    public static IVisionModel Create(string family, int seed = 0)
    {
        manual_seed(seed);
        return family switch
        {
            "vit" => new VisionTransformer(TinyModels.Vit),
            "deit" => new VisionTransformerDistilled(TinyModels.Vit),
            "beit" => new Beit(TinyModels.Beit),
            "swin" => new SwinTransformer(TinyModels.Swin),
            "swinv2" => TinyModels.WithUnitPostNorms(new SwinTransformerV2(TinyModels.SwinV2)),
            "cait" => new Cait(TinyModels.Cait with { DepthTokenOnly = 1 }),
            _ => throw new ArgumentException(family),
        };
    }

    public static Tensor Input(int batch = 2, int seed = 1)
    {
        manual_seed(seed);
        return randn(batch, 3, 32, 32);
    }

    public static Tensor Logits(IVisionModel model, Tensor x)
    {
        using var _ = no_grad();
        model.Module.eval();
        return model.Module.call(x);
    }
}
