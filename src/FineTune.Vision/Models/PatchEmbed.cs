using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// Image to patch embedding (timm <c>layers/patch_embed.py</c> <c>PatchEmbed</c>): a stride-<c>patch</c> convolution
/// <c>proj</c>, then tokens (B, N, C) or, for Swin, an NHWC map, then the optional <c>norm</c>.
/// </summary>
public sealed class PatchEmbed : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d proj;
    private readonly nn.Module<Tensor, Tensor> norm;
    private readonly bool nhwc;

    /// <summary>Creates the embedding.</summary>
    /// <param name="patchSize">Patch (kernel and stride) size.</param>
    /// <param name="inChans">Input channels.</param>
    /// <param name="embedDim">Output width.</param>
    /// <param name="normEps">LayerNorm epsilon after projection, or null for no norm.</param>
    /// <param name="nhwc">Output (B, H, W, C) instead of flattened tokens (B, H*W, C).</param>
    /// <param name="device">Device for the parameters.</param>
    public PatchEmbed(int patchSize, int inChans, int embedDim, double? normEps = null, bool nhwc = false, Device? device = null)
        : base(nameof(PatchEmbed))
    {
        proj = nn.Conv2d(inChans, embedDim, patchSize, stride: patchSize, device: device);
        norm = normEps is double eps ? nn.LayerNorm(embedDim, eps, device: device) : nn.Identity();
        this.nhwc = nhwc;
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        var y = proj.call(x);
        y = nhwc ? y.permute(0, 2, 3, 1) : y.flatten(2).transpose(1, 2);
        return norm.call(y);
    }
}
