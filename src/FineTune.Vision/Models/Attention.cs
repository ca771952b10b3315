using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// Multi-head self-attention (timm <c>vision_transformer.Attention</c>): fused <c>qkv</c> projection,
/// <c>scaled_dot_product_attention</c> (scale head_dim^-0.5; explicit for bf16 on the CPU, see <see cref="ScaledDotProduct"/>), <c>proj</c>.
/// </summary>
public sealed class Attention : nn.Module<Tensor, Tensor>
{
    private readonly Linear qkv;
    private readonly Dropout attn_drop;
    private readonly Linear proj;
    private readonly Dropout proj_drop;
    private readonly int numHeads;
    private readonly double attnDrop;

    /// <summary>Creates the attention.</summary>
    public Attention(int dim, int numHeads, bool qkvBias = false, double attnDrop = 0.0, double projDrop = 0.0, Device? device = null)
        : base(nameof(Attention))
    {
        this.numHeads = numHeads;
        this.attnDrop = attnDrop;
        qkv = nn.Linear(dim, dim * 3, hasBias: qkvBias, device: device);
        attn_drop = nn.Dropout(attnDrop);
        proj = nn.Linear(dim, dim, device: device);
        proj_drop = nn.Dropout(projDrop);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        long b = x.shape[0], n = x.shape[1], c = x.shape[2];
        var parts = qkv.call(x).reshape(b, n, 3, numHeads, c / numHeads).permute(2, 0, 3, 1, 4).unbind(0);
        var o = ScaledDotProduct.Attend(parts[0], parts[1], parts[2], null, training ? attnDrop : 0.0);
        return proj_drop.call(proj.call(o.transpose(1, 2).reshape(b, n, c)));
    }
}
