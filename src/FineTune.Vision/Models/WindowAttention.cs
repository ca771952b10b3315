using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// Swin window attention (timm <c>swin_transformer.WindowAttention</c>, non-fused path): <c>qkv</c>, scaled
/// <c>q @ k^T</c> plus <c>relative_position_bias_table[relative_position_index]</c> (index buffer non-persistent, as in
/// timm), plus the shifted-window mask, softmax, <c>proj</c>.
/// </summary>
public sealed class WindowAttention : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly Parameter relative_position_bias_table;
    private readonly Tensor relative_position_index;
    private readonly Linear qkv;
    private readonly Dropout attn_drop;
    private readonly Linear proj;
    private readonly Dropout proj_drop;
    private readonly int numHeads;
    private readonly double scale;

    /// <summary>Creates the attention for square windows of <paramref name="windowSize"/>.</summary>
    public WindowAttention(int dim, int numHeads, int windowSize, bool qkvBias, double attnDrop, double projDrop, Device? device = null)
        : base(nameof(WindowAttention))
    {
        this.numHeads = numHeads;
        scale = Math.Pow(dim / numHeads, -0.5);
        int side = (2 * windowSize) - 1;
        relative_position_bias_table = new Parameter(zeros(side * side, numHeads, device: device));
        relative_position_index = RelativePosition.SwinIndex(windowSize, windowSize, device);
        register_buffer(nameof(relative_position_index), relative_position_index, persistent: false);
        qkv = nn.Linear(dim, dim * 3, hasBias: qkvBias, device: device);
        attn_drop = nn.Dropout(attnDrop);
        proj = nn.Linear(dim, dim, device: device);
        proj_drop = nn.Dropout(projDrop);
        RegisterComponents();
        WeightInit.TruncNormal(relative_position_bias_table);
    }

    /// <summary>Attention over windows <paramref name="x"/> (nW*B, N, C) with an optional (nW, N, N) 0/-100 <paramref name="mask"/>.</summary>
    public override Tensor forward(Tensor x, Tensor? mask)
    {
        long b = x.shape[0], n = x.shape[1];
        var parts = qkv.call(x).reshape(b, n, 3, numHeads, -1).permute(2, 0, 3, 1, 4).unbind(0);
        var q = parts[0] * scale;
        var attn = q.matmul(parts[1].transpose(-2, -1)) + RelativePosition.Bias(relative_position_bias_table, relative_position_index);
        if (mask is not null)
        {
            long nw = mask.shape[0];
            attn = (attn.view(-1, nw, numHeads, n, n) + mask.AsTypeOf(attn).unsqueeze(1).unsqueeze(0)).view(-1, numHeads, n, n);
        }
        attn = attn_drop.call(attn.softmax(-1));
        return proj_drop.call(proj.call(attn.matmul(parts[2]).transpose(1, 2).reshape(b, n, -1)));
    }
}
