using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// BEiT attention (timm <c>beit.Attention</c>): <c>qkv</c> without bias plus learnable <c>q_bias</c>/<c>v_bias</c>
/// and a zero, non-persistent <c>k_bias</c>; a per-block <c>relative_position_bias_table</c> indexed by the non-persistent
/// <c>relative_position_index</c> buffer (as in timm, so it is not a state-dict key), added as the attention mask of
/// <c>scaled_dot_product_attention</c>.
/// </summary>
public sealed class BeitAttention : nn.Module<Tensor, Tensor>
{
    private readonly Linear qkv;
    private readonly Parameter? q_bias;
    private readonly Tensor? k_bias;
    private readonly Parameter? v_bias;
    private readonly Parameter? relative_position_bias_table;
    private readonly Tensor? relative_position_index;
    private readonly Dropout attn_drop;
    private readonly Linear proj;
    private readonly Dropout proj_drop;
    private readonly int numHeads;
    private readonly double attnDrop;

    /// <summary>Creates the attention; <paramref name="windowSize"/> (the patch grid) enables the relative position bias.</summary>
    public BeitAttention(int dim, int numHeads, bool qkvBias, double attnDrop, double projDrop, (int H, int W)? windowSize, Device? device = null)
        : base(nameof(BeitAttention))
    {
        this.numHeads = numHeads;
        this.attnDrop = attnDrop;
        qkv = nn.Linear(dim, dim * 3, hasBias: false, device: device);
        if (qkvBias)
        {
            q_bias = new Parameter(zeros(dim, device: device));
            k_bias = zeros(dim, device: device);
            v_bias = new Parameter(zeros(dim, device: device));
            register_buffer(nameof(k_bias), k_bias, persistent: false);
        }
        if (windowSize is var (h, w))
        {
            relative_position_bias_table = new Parameter(zeros(((2 * h) - 1) * ((2 * w) - 1) + 3, numHeads, device: device));
            relative_position_index = RelativePosition.BeitIndex(h, w, device);
            register_buffer(nameof(relative_position_index), relative_position_index, persistent: false);
        }
        attn_drop = nn.Dropout(attnDrop);
        proj = nn.Linear(dim, dim, device: device);
        proj_drop = nn.Dropout(projDrop);
        RegisterComponents();
    }

    /// <summary>The output projection (BEiT rescales its initial weights per depth).</summary>
    internal Linear Proj => proj;

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        long b = x.shape[0], n = x.shape[1], c = x.shape[2];
        Tensor? bias = q_bias is null ? null : cat([q_bias, k_bias!.AsTypeOf(q_bias), v_bias!]);
        var y = qkv.call(x);    // through call() so that forward hooks (LoRA adapters) on qkv run
        if (bias is not null) y = y + bias;
        var parts = y.reshape(b, n, 3, numHeads, -1).permute(2, 0, 3, 1, 4).unbind(0);
        Tensor? mask = relative_position_bias_table is null ? null : RelativePosition.Bias(relative_position_bias_table, relative_position_index!);
        var o = ScaledDotProduct.Attend(parts[0], parts[1], parts[2], mask, training ? attnDrop : 0.0);
        return proj_drop.call(proj.call(o.transpose(1, 2).reshape(b, n, c)));
    }
}
