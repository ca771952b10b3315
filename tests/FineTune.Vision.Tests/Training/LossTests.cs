using FineTune.Vision.Training.Losses;
using TorchSharp;

namespace FineTune.Vision.Tests.Training;

public sealed class LossTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    [InlineData(0.3)]
    public void Label_smoothing_matches_timms_formula(double smoothing)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1);
        var logits = torch.randn(6, 5);
        var labels = torch.tensor(new long[] { 0, 4, 2, 2, 1, 3 });
        double ours = LabelSmoothingCrossEntropy.Compute(logits, labels, smoothing).item<float>();
        // timm's formula written out: (1 - ε)·nll + ε·mean_c(-log p).
        var logProbs = torch.nn.functional.log_softmax(logits, 1);
        var nll = -logProbs.gather(1, labels.unsqueeze(1)).squeeze(1);
        double reference = ((1 - smoothing) * nll + smoothing * -logProbs.mean([1])).mean().item<float>();
        Assert.Equal(reference, ours, 5);
    }

    [Fact]
    public void Soft_targets_equal_smoothed_one_hot_cross_entropy()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(2);
        var logits = torch.randn(4, 10);
        var labels = torch.tensor(new long[] { 1, 9, 0, 5 });
        const double eps = 0.1;
        // timm's smoothed one-hot: off = eps / C, on = 1 - eps + off.
        var soft = torch.full(4, 10, eps / 10).scatter(1, labels.unsqueeze(1), torch.full(4, 1, 1 - eps + eps / 10));
        double softLoss = SoftTargetCrossEntropy.Compute(logits, soft).item<float>();
        double smoothLoss = LabelSmoothingCrossEntropy.Compute(logits, labels, eps).item<float>();
        Assert.Equal(smoothLoss, softLoss, 5);
    }

    [Fact]
    public void Shape_errors_quote_both_shapes()
    {
        using var scope = torch.NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => SoftTargetCrossEntropy.Compute(torch.zeros(2, 3), torch.zeros(2, 4)));
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[2, 4]", e.Message);
    }

    [Fact]
    public void Gradients_flow_to_the_logits()
    {
        using var scope = torch.NewDisposeScope();
        var logits = torch.randn(3, 4).requires_grad_();
        LabelSmoothingCrossEntropy.Compute(logits, torch.tensor(new long[] { 0, 1, 2 }), 0.1).backward();
        Assert.NotNull(logits.grad);
        Assert.True(logits.grad!.abs().sum().item<float>() > 0);
    }
}
