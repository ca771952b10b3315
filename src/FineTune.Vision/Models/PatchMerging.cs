using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// Swin patch merging (timm <c>swin_transformer.PatchMerging</c>): 2x2 neighbours concatenated in timm's order
/// (x0 (0,0), x1 (1,0), x2 (0,1), x3 (1,1)), <c>norm</c> over 4C, then <c>reduction</c> to 2C without bias.
/// </summary>
public sealed class PatchMerging : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm;
    private readonly Linear reduction;

    /// <summary>Creates the layer for <paramref name="dim"/> input channels and <paramref name="outDim"/> outputs.</summary>
    public PatchMerging(int dim, int outDim, Device? device = null) : base(nameof(PatchMerging))
    {
        norm = nn.LayerNorm(4 * dim, 1e-5, device: device);
        reduction = nn.Linear(4 * dim, outDim, hasBias: false, device: device);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        long b = x.shape[0], h = x.shape[1], w = x.shape[2], c = x.shape[3];
        if (h % 2 != 0 || w % 2 != 0) x = nn.functional.pad(x, [0, 0, 0, w % 2, 0, h % 2]);
        h = x.shape[1];
        w = x.shape[2];
        var merged = x.reshape(b, h / 2, 2, w / 2, 2, c).permute(0, 1, 3, 4, 2, 5).flatten(3);
        return reduction.call(norm.call(merged));
    }
}
