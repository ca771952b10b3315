using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// CaiT self-attention block (timm <c>cait.LayerScaleBlock</c>): <c>norm1</c>, talking-heads <c>attn</c>, one shared
/// <c>drop_path</c>, <c>norm2</c>, <c>mlp</c>, LayerScale parameters <c>gamma_1</c>/<c>gamma_2</c>. LayerNorm eps 1e-6.
/// </summary>
public sealed class LayerScaleBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly TalkingHeadAttn attn;
    private readonly nn.Module<Tensor, Tensor> drop_path;
    private readonly LayerNorm norm2;
    private readonly Mlp mlp;
    private readonly Parameter gamma_1;
    private readonly Parameter gamma_2;

    /// <summary>Creates the block.</summary>
    public LayerScaleBlock(int dim, int numHeads, double mlpRatio, bool qkvBias, double projDrop, double attnDrop, double dropPath,
        double initValues, Device? device = null) : base(nameof(LayerScaleBlock))
    {
        norm1 = nn.LayerNorm(dim, 1e-6, device: device);
        attn = new TalkingHeadAttn(dim, numHeads, qkvBias, attnDrop, projDrop, device);
        drop_path = dropPath > 0 ? new DropPath(dropPath) : nn.Identity();
        norm2 = nn.LayerNorm(dim, 1e-6, device: device);
        mlp = new Mlp(dim, (long)(dim * mlpRatio), projDrop, device);
        gamma_1 = new Parameter(full(dim, initValues, device: device));
        gamma_2 = new Parameter(full(dim, initValues, device: device));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        x = x + drop_path.call(gamma_1 * attn.call(norm1.call(x)));
        return x + drop_path.call(gamma_2 * mlp.call(norm2.call(x)));
    }
}
