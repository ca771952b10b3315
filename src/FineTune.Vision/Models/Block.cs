using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// Pre-norm transformer block (timm <c>vision_transformer.Block</c>): <c>norm1</c>, <c>attn</c>, <c>ls1</c>,
/// <c>drop_path1</c>, <c>norm2</c>, <c>mlp</c>, <c>ls2</c>, <c>drop_path2</c>. LayerNorm eps 1e-6.
/// </summary>
public sealed class Block : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly Attention attn;
    private readonly nn.Module<Tensor, Tensor> ls1;
    private readonly nn.Module<Tensor, Tensor> drop_path1;
    private readonly LayerNorm norm2;
    private readonly Mlp mlp;
    private readonly nn.Module<Tensor, Tensor> ls2;
    private readonly nn.Module<Tensor, Tensor> drop_path2;

    /// <summary>Creates the block.</summary>
    /// <param name="dim">Token width.</param>
    /// <param name="numHeads">Attention heads.</param>
    /// <param name="mlpRatio">MLP hidden width / <paramref name="dim"/>.</param>
    /// <param name="qkvBias">Bias on the qkv projection.</param>
    /// <param name="initValues">LayerScale initial value, or null (or 0, as in timm) for none.</param>
    /// <param name="projDrop">Dropout after projections.</param>
    /// <param name="attnDrop">Dropout on attention weights.</param>
    /// <param name="dropPath">Stochastic depth rate of this block.</param>
    /// <param name="device">Device for the parameters.</param>
    public Block(int dim, int numHeads, double mlpRatio, bool qkvBias, double? initValues, double projDrop, double attnDrop,
        double dropPath, Device? device = null) : base(nameof(Block))
    {
        norm1 = nn.LayerNorm(dim, 1e-6, device: device);
        attn = new Attention(dim, numHeads, qkvBias, attnDrop, projDrop, device);
        ls1 = initValues is double g1 && g1 != 0 ? new LayerScale(dim, g1, device) : nn.Identity();    // timm: `if init_values`
        drop_path1 = dropPath > 0 ? new DropPath(dropPath) : nn.Identity();
        norm2 = nn.LayerNorm(dim, 1e-6, device: device);
        mlp = new Mlp(dim, (long)(dim * mlpRatio), projDrop, device);
        ls2 = initValues is double g2 && g2 != 0 ? new LayerScale(dim, g2, device) : nn.Identity();
        drop_path2 = dropPath > 0 ? new DropPath(dropPath) : nn.Identity();
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        x = x + drop_path1.call(ls1.call(attn.call(norm1.call(x))));
        return x + drop_path2.call(ls2.call(mlp.call(norm2.call(x))));
    }
}
