using FineTune.Vision.Training.Losses;
using FineTune.Vision.Training.Precision;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Training;

/// <summary>bf16 compute with fp32 master weights and the loss scaler, against fp32 training of the same tiny model.</summary>
public sealed class MasterWeightsTests
{
    private static nn.Module<Tensor, Tensor> TinyModel()
    {
        torch.manual_seed(7);
        return nn.Sequential(nn.Linear(16, 32), nn.LayerNorm(32), nn.GELU(), nn.Linear(32, 4));
    }

    private static (Tensor X, Tensor Y) Data()
    {
        torch.manual_seed(11);
        var x = torch.randn(64, 16);
        var w = torch.randn(16, 4);
        return (x, x.matmul(w).argmax(1));
    }

    private static List<double> TrainFp32(int steps)
    {
        using var scope = torch.NewDisposeScope();
        var model = TinyModel();
        var (x, y) = Data();
        var opt = optim.SGD(model.parameters(), 0.1, momentum: 0.9);
        var losses = new List<double>();
        for (int i = 0; i < steps; i++)
        {
            using var step = torch.NewDisposeScope();
            opt.zero_grad();
            var loss = LabelSmoothingCrossEntropy.Compute(model.call(x), y);
            loss.backward();
            opt.step();
            losses.Add(loss.item<float>());
        }
        return losses;
    }

    private static List<double> TrainMixed(int steps, ScalarType type)
    {
        using var scope = torch.NewDisposeScope();
        var model = TinyModel();
        var (x, y) = Data();
        using var masters = new MasterWeights(model, type);
        var scaler = new DynamicLossScaler();
        var opt = optim.SGD(masters.Masters.Select(m => m.Master), 0.1, momentum: 0.9);
        var losses = new List<double>();
        for (int i = 0; i < steps; i++)
        {
            using var step = torch.NewDisposeScope();
            var loss = LabelSmoothingCrossEntropy.Compute(model.call(x.to(type)), y);
            scaler.ScaleLoss(loss).backward();
            masters.CopyGradientsToMasters();
            bool finite = scaler.UnscaleAndCheck(masters.Masters.Select(m => m.Master));
            if (finite) opt.step();
            scaler.Update(finite);
            masters.CopyMastersToModel();
            opt.zero_grad();
            losses.Add(loss.item<float>());
        }
        Assert.All(model.parameters(), p => Assert.Equal(type, p.dtype));
        Assert.All(masters.Masters, m => Assert.Equal(ScalarType.Float32, m.Master.dtype));
        return losses;
    }

    [Fact]
    public void Bf16_training_with_fp32_masters_tracks_fp32_training()
    {
        List<double> fp32 = TrainFp32(40), bf16 = TrainMixed(40, ScalarType.BFloat16);
        Assert.True(fp32[^1] < fp32[0] * 0.5, $"fp32 should learn: {fp32[0]} -> {fp32[^1]}");
        Assert.True(bf16[^1] < bf16[0] * 0.5, $"bf16 should learn: {bf16[0]} -> {bf16[^1]}");
        for (int i = 0; i < fp32.Count; i++)
            Assert.True(Math.Abs(fp32[i] - bf16[i]) < 0.05 + 0.05 * fp32[i], $"step {i}: fp32 {fp32[i]} vs bf16 {bf16[i]}");
    }

    [Fact]
    public void Masters_hold_updates_too_small_for_bf16()
    {
        using var scope = torch.NewDisposeScope();
        var model = nn.Linear(4, 1, hasBias: false);
        using (torch.no_grad()) model.weight!.fill_(1.0f);
        using var masters = new MasterWeights(model, ScalarType.BFloat16);
        var opt = optim.SGD(masters.Masters.Select(m => m.Master), 1e-4);
        for (int i = 0; i < 10; i++)
        {
            using var step = torch.NewDisposeScope();
            model.call(torch.ones(1, 4, dtype: ScalarType.BFloat16)).sum().backward();
            masters.CopyGradientsToMasters();
            opt.step();
            masters.CopyMastersToModel();
            opt.zero_grad();
        }
        // 1 - 10·1e-4 is representable in fp32; bf16 (8 bits of mantissa) would have rounded every step back to 1.
        Assert.Equal(0.999f, masters.Masters[0].Master.data<float>()[0], 5);
    }

    [Fact]
    public void Refuses_a_non_low_precision_compute_type()
    {
        var e = Assert.Throws<ArgumentException>(() => new MasterWeights(nn.Linear(2, 2), ScalarType.Float64));
        Assert.Contains("Float64", e.Message);
    }
}
