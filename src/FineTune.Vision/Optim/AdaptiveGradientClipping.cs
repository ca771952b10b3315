using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Optim;

/// <summary>
/// Adaptive gradient clipping (AGC; Brock et al., "High-Performance Large-Scale Image Recognition Without
/// Normalization", 2021), as timm's <c>timm/utils/agc.py</c> <c>adaptive_clip_grad</c>: each unit's gradient norm is
/// clipped to <c>clipFactor · max(‖W‖, eps)</c>, units being the rows of the first dimension (the output units of a linear
/// or convolution weight) and whole tensors for 0-D and 1-D parameters.
/// </summary>
public static class AdaptiveGradientClipping
{
    /// <summary>Clips the gradients of <paramref name="parameters"/> in place (parameters without a gradient are skipped).</summary>
    /// <param name="parameters">The parameters whose gradients to clip.</param>
    /// <param name="clipFactor">λ, the largest allowed ratio of gradient norm to weight norm (timm's default 0.01).</param>
    /// <param name="eps">The floor of the weight norm, so zero-initialised weights can still move (timm's 1e-3).</param>
    /// <exception cref="ArgumentOutOfRangeException">A factor is not positive and finite.</exception>
    public static void Clip(IEnumerable<Parameter> parameters, double clipFactor = 0.01, double eps = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(clipFactor > 0) || double.IsInfinity(clipFactor)) throw new ArgumentOutOfRangeException(nameof(clipFactor), clipFactor, "The clip factor must be finite and > 0.");
        if (!(eps > 0) || double.IsInfinity(eps)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be finite and > 0.");
        using var noGrad = torch.no_grad();
        foreach (Parameter p in parameters)
        {
            if (p.grad is not { } grad) continue;
            using var scope = torch.NewDisposeScope();
            Tensor maxNorm = UnitwiseNorm(p.detach()).clamp_(min: eps).mul_(clipFactor);
            Tensor gradNorm = UnitwiseNorm(grad.detach());
            Tensor clipped = grad * (maxNorm / gradNorm.clamp(min: 1e-6));
            grad.copy_(where(gradNorm < maxNorm, grad, clipped));
        }
    }

    private static Tensor UnitwiseNorm(Tensor x) =>
        x.dim() <= 1 ? x.norm() : linalg.vector_norm(x, 2, [.. Enumerable.Range(1, (int)x.dim() - 1).Select(d => (long)d)], keepdim: true);
}
