using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>timm's initialisers (<c>trunc_normal_</c> with absolute bounds ±2, zero biases, LayerNorm ones/zeros).</summary>
internal static class WeightInit
{
    /// <summary>
    /// timm <c>trunc_normal_(t, std=std)</c> with its absolute bounds a=-2, b=2: a normal draw clamped to [-2, 2].
    /// For timm's std (0.02) the bounds sit 100 standard deviations out, so this is the same distribution; it avoids
    /// TorchSharp 0.107's <c>nn.init.trunc_normal_</c>, which filled tensors with a constant here.
    /// </summary>
    public static void TruncNormal(Tensor t, double std = 0.02)
    {
        using var _ = no_grad();
        t.normal_(0.0, std).clamp_(-2.0, 2.0);
    }

    public static void Normal(Tensor t, double std)
    {
        using var _ = no_grad();
        t.normal_(0.0, std);
    }

    public static void Linear(Linear linear)
    {
        TruncNormal(linear.weight!);
        if (linear.bias is { } b)
        {
            using var _ = no_grad();
            b.zero_();
        }
    }

    /// <summary>timm <c>init_weights_vit_timm</c> / <c>_init_weights</c>: every Linear trunc-normal 0.02 with zero bias, LayerNorms reset.</summary>
    public static void LinearsAndNorms(nn.Module root)
    {
        using var _ = no_grad();
        foreach (var m in root.modules())
        {
            if (m is Linear linear) Linear(linear);
            else if (m is LayerNorm ln)
            {
                ln.weight?.fill_(1.0);
                ln.bias?.zero_();
            }
        }
    }
}
