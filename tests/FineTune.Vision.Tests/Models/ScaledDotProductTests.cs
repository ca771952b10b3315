using FineTune.Vision.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Models;

/// <summary>The CPU bf16 attention path (explicit matmul, softmax, matmul) against libtorch's fused kernel and fp32.</summary>
public sealed class ScaledDotProductTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Bf16_on_cpu_matches_the_fused_kernel_and_fp32_forward_and_backward(bool masked)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var q32 = randn(2, 3, 17, 8);
        var k32 = randn(2, 3, 17, 8);
        var v32 = randn(2, 3, 17, 8);
        Tensor? mask32 = masked ? randn(1, 3, 17, 17) : null;
        var (q, k, v) = (Leaf(q32), Leaf(k32), Leaf(v32));
        Tensor? mask = mask32?.to(ScalarType.BFloat16);

        var ours = ScaledDotProduct.Attend(q, k, v, mask, 0.0);
        var fused = nn.functional.scaled_dot_product_attention(q.detach(), k.detach(), v.detach(), mask, 0.0);
        var exact = nn.functional.scaled_dot_product_attention(q32, k32, v32, mask32, 0.0);
        ours.sum().backward();

        Assert.Equal(ScalarType.BFloat16, ours.dtype);
        Assert.True(ours.to(ScalarType.Float32).allclose(fused.to(ScalarType.Float32), rtol: 0.02, atol: 0.02), "explicit bf16 differs from the fused bf16 kernel");
        Assert.True(ours.to(ScalarType.Float32).allclose(exact, rtol: 0.03, atol: 0.03), "explicit bf16 differs from fp32");
        var qExact = q32.detach().requires_grad_(true);
        nn.functional.scaled_dot_product_attention(qExact, k32, v32, mask32, 0.0).sum().backward();
        Assert.True(q.grad!.to(ScalarType.Float32).allclose(qExact.grad!, rtol: 0.05, atol: 0.05), "the query gradient differs from fp32");
    }

    private static Tensor Leaf(Tensor x) => x.to(ScalarType.BFloat16).detach().requires_grad_(true);
}
