using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// CaiT class-attention block (timm <c>cait.LayerScaleBlockClassAttn</c>): updates the class token from
/// <c>cat(x_cls, x)</c> with <c>attn</c> and <c>mlp</c>, scaled by <c>gamma_1</c>/<c>gamma_2</c>.
/// </summary>
public sealed class LayerScaleBlockClassAttn : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly ClassAttn attn;
    private readonly nn.Module<Tensor, Tensor> drop_path;
    private readonly LayerNorm norm2;
    private readonly Mlp mlp;
    private readonly Parameter gamma_1;
    private readonly Parameter gamma_2;

    /// <summary>Creates the block.</summary>
    public LayerScaleBlockClassAttn(int dim, int numHeads, double mlpRatio, bool qkvBias, double initValues, Device? device = null)
        : base(nameof(LayerScaleBlockClassAttn))
    {
        norm1 = nn.LayerNorm(dim, 1e-6, device: device);
        attn = new ClassAttn(dim, numHeads, qkvBias, 0.0, 0.0, device);
        drop_path = nn.Identity();
        norm2 = nn.LayerNorm(dim, 1e-6, device: device);
        mlp = new Mlp(dim, (long)(dim * mlpRatio), 0.0, device);
        gamma_1 = new Parameter(full(dim, initValues, device: device));
        gamma_2 = new Parameter(full(dim, initValues, device: device));
        RegisterComponents();
    }

    /// <summary>Returns the updated class token (B, 1, C) from patch tokens <paramref name="x"/> and <paramref name="xCls"/>.</summary>
    public override Tensor forward(Tensor x, Tensor xCls)
    {
        var u = cat([xCls, x], 1);
        xCls = xCls + drop_path.call(gamma_1 * attn.call(norm1.call(u)));
        return xCls + drop_path.call(gamma_2 * mlp.call(norm2.call(xCls)));
    }
}
