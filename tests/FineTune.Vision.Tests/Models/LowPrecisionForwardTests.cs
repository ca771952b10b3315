using FineTune.Vision.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Models;

/// <summary>
/// Every family runs in bf16 after <c>Module.to(BFloat16)</c>: TorchSharp leaves non-persistent buffers (Swin's mask,
/// BEiT's k_bias) in fp32, which once crashed the process inside Swin's window attention.
/// </summary>
public sealed class LowPrecisionForwardTests
{
    public static TheoryData<string> Families() => ["vit", "deit", "beit", "swin", "swinv2", "cait"];

    [Theory]
    [MemberData(nameof(Families))]
    public void Bf16_forward_runs_and_tracks_fp32(string family)
    {
        using var scope = torch.NewDisposeScope();
        using VisionModel model = family switch
        {
            "vit" => new VisionTransformer(TinyModels.Vit),
            "deit" => new VisionTransformerDistilled(TinyModels.Vit),
            "beit" => new Beit(TinyModels.Beit with { UseRelPosBias = true }),
            "swin" => new SwinTransformer(TinyModels.Swin),
            "swinv2" => TinyModels.WithUnitPostNorms(new SwinTransformerV2(TinyModels.SwinV2)),    // k_bias, coordinate table, mask stay fp32
            _ => new Cait(TinyModels.Cait),
        };
        model.eval();
        torch.manual_seed(3);
        var x = torch.randn(2, 3, model.Config.ImgSize, model.Config.ImgSize);
        Tensor reference;
        using (torch.no_grad()) reference = model.call(x);

        model.to(ScalarType.BFloat16);
        Tensor low;
        using (torch.no_grad()) low = model.call(x.to(ScalarType.BFloat16));

        Assert.Equal(ScalarType.BFloat16, low.dtype);
        double scale = reference.abs().max().item<float>();
        double error = (low.to(ScalarType.Float32) - reference).abs().max().item<float>();
        Assert.True(error < 0.1 * scale + 0.05, $"{family}: bf16 differs from fp32 by {error} (logit scale {scale})");
    }
}
