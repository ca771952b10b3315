using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// BEiT block (timm <c>beit.Block</c>): <c>norm1</c>, <c>attn</c>, <c>drop_path1</c>, <c>norm2</c>, <c>mlp</c>,
/// <c>drop_path2</c>, and LayerScale as bare parameters <c>gamma_1</c>/<c>gamma_2</c>. LayerNorm eps 1e-6.
/// </summary>
public sealed class BeitBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly BeitAttention attn;
    private readonly nn.Module<Tensor, Tensor> drop_path1;
    private readonly LayerNorm norm2;
    private readonly Mlp mlp;
    private readonly nn.Module<Tensor, Tensor> drop_path2;
    private readonly Parameter? gamma_1;
    private readonly Parameter? gamma_2;

    /// <summary>Creates the block.</summary>
    public BeitBlock(int dim, int numHeads, double mlpRatio, bool qkvBias, double projDrop, double attnDrop, double dropPath,
        double? initValues, (int H, int W)? windowSize, Device? device = null) : base(nameof(BeitBlock))
    {
        norm1 = nn.LayerNorm(dim, 1e-6, device: device);
        attn = new BeitAttention(dim, numHeads, qkvBias, attnDrop, projDrop, windowSize, device);
        drop_path1 = dropPath > 0 ? new DropPath(dropPath) : nn.Identity();
        norm2 = nn.LayerNorm(dim, 1e-6, device: device);
        mlp = new Mlp(dim, (long)(dim * mlpRatio), projDrop, device);
        drop_path2 = dropPath > 0 ? new DropPath(dropPath) : nn.Identity();
        if (initValues is double g && g != 0)
        {
            gamma_1 = new Parameter(full(dim, g, device: device));
            gamma_2 = new Parameter(full(dim, g, device: device));
        }
        RegisterComponents();
    }

    internal BeitAttention Attn => attn;

    internal Mlp MlpModule => mlp;

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        if (gamma_1 is null)
        {
            x = x + drop_path1.call(attn.call(norm1.call(x)));
            return x + drop_path2.call(mlp.call(norm2.call(x)));
        }
        x = x + drop_path1.call(gamma_1 * attn.call(norm1.call(x)));
        return x + drop_path2.call(gamma_2! * mlp.call(norm2.call(x)));
    }
}
