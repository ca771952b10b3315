using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// Swin V2 patch merging (timm <c>swin_transformer_v2.PatchMerging</c>): 2x2 neighbours concatenated in timm's order,
/// <c>reduction</c> to <c>out_dim</c> without bias, then <c>norm</c> over <c>out_dim</c> (v1 normalises before reducing).
/// </summary>
internal sealed class PatchMergingV2 : nn.Module<Tensor, Tensor>
{
    private readonly Linear reduction;
    private readonly LayerNorm norm;

    /// <summary>Creates the layer for <paramref name="dim"/> input channels and <paramref name="outDim"/> outputs.</summary>
    public PatchMergingV2(int dim, int outDim, Device? device = null) : base(nameof(PatchMergingV2))
    {
        reduction = nn.Linear(4 * dim, outDim, hasBias: false, device: device);
        norm = nn.LayerNorm(outDim, 1e-5, device: device);
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
        return norm.call(reduction.call(merged));
    }
}
