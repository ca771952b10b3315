using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// Class attention (timm <c>cait.ClassAttn</c>): only the class token queries (<c>q</c>) the whole sequence
/// (<c>k</c>, <c>v</c>); output is the updated class token (B, 1, C).
/// </summary>
public sealed class ClassAttn : nn.Module<Tensor, Tensor>
{
    private readonly Linear q;
    private readonly Linear k;
    private readonly Linear v;
    private readonly Dropout attn_drop;
    private readonly Linear proj;
    private readonly Dropout proj_drop;
    private readonly int numHeads;
    private readonly double attnDrop;

    /// <summary>Creates the attention.</summary>
    public ClassAttn(int dim, int numHeads, bool qkvBias, double attnDrop, double projDrop, Device? device = null) : base(nameof(ClassAttn))
    {
        this.numHeads = numHeads;
        this.attnDrop = attnDrop;
        q = nn.Linear(dim, dim, hasBias: qkvBias, device: device);
        k = nn.Linear(dim, dim, hasBias: qkvBias, device: device);
        v = nn.Linear(dim, dim, hasBias: qkvBias, device: device);
        attn_drop = nn.Dropout(attnDrop);
        proj = nn.Linear(dim, dim, device: device);
        proj_drop = nn.Dropout(projDrop);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        long b = x.shape[0], n = x.shape[1], c = x.shape[2], hd = c / numHeads;
        var qh = q.call(x.select(1, 0)).unsqueeze(1).reshape(b, 1, numHeads, hd).permute(0, 2, 1, 3);
        var kh = k.call(x).reshape(b, n, numHeads, hd).permute(0, 2, 1, 3);
        var vh = v.call(x).reshape(b, n, numHeads, hd).permute(0, 2, 1, 3);
        var o = ScaledDotProduct.Attend(qh, kh, vh, null, training ? attnDrop : 0.0);
        return proj_drop.call(proj.call(o.transpose(1, 2).reshape(b, 1, c)));
    }
}
