using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// Swin V2 window attention (timm <c>swin_transformer_v2.WindowAttention</c>): <c>qkv</c> without bias plus learnable
/// <c>q_bias</c>/<c>v_bias</c> and a zero, non-persistent <c>k_bias</c>; cosine attention (normalised q and k) scaled by
/// <c>exp(min(logit_scale, log 100))</c>; a continuous relative position bias <c>16 * sigmoid(cpb_mlp(relative_coords_table))</c>
/// gathered by <c>relative_position_index</c> (both buffers non-persistent, as in timm); the shifted-window mask; softmax;
/// <c>proj</c>.
/// </summary>
internal sealed class WindowAttentionV2 : nn.Module<Tensor, Tensor?, Tensor>
{
    /// <summary>Hidden width of timm's <c>cpb_mlp</c>.</summary>
    private const int CpbHidden = 512;

    private readonly Parameter logit_scale;
    private readonly Sequential cpb_mlp;
    private readonly Linear qkv;
    private readonly Parameter? q_bias;
    private readonly Tensor? k_bias;
    private readonly Parameter? v_bias;
    private readonly Dropout attn_drop;
    private readonly Linear proj;
    private readonly Dropout proj_drop;
    private readonly Tensor relative_coords_table;
    private readonly Tensor relative_position_index;
    private readonly int numHeads;

    /// <summary>Creates the attention for square windows of <paramref name="windowSize"/>, pre-trained at <paramref name="pretrainedWindowSize"/> (0: the same).</summary>
    public WindowAttentionV2(int dim, int numHeads, int windowSize, int pretrainedWindowSize, bool qkvBias, double attnDrop, double projDrop,
        Device? device = null) : base(nameof(WindowAttentionV2))
    {
        this.numHeads = numHeads;
        logit_scale = new Parameter(full(numHeads, 1, 1, Math.Log(10.0), device: device));
        cpb_mlp = nn.Sequential(
            nn.Linear(2, CpbHidden, hasBias: true, device: device),
            nn.ReLU(),
            nn.Linear(CpbHidden, numHeads, hasBias: false, device: device));
        qkv = nn.Linear(dim, dim * 3, hasBias: false, device: device);
        if (qkvBias)
        {
            q_bias = new Parameter(zeros(dim, device: device));
            k_bias = zeros(dim, device: device);
            v_bias = new Parameter(zeros(dim, device: device));
            register_buffer(nameof(k_bias), k_bias, persistent: false);
        }
        attn_drop = nn.Dropout(attnDrop);
        proj = nn.Linear(dim, dim, device: device);
        proj_drop = nn.Dropout(projDrop);
        relative_coords_table = CoordsTable(windowSize, pretrainedWindowSize, device);
        register_buffer(nameof(relative_coords_table), relative_coords_table, persistent: false);
        relative_position_index = RelativePosition.SwinIndex(windowSize, windowSize, device);
        register_buffer(nameof(relative_position_index), relative_position_index, persistent: false);
        RegisterComponents();
    }

    /// <summary>
    /// timm's <c>relative_coords_table</c> (1, 2w-1, 2w-1, 2): offsets -(w-1)..w-1 per axis divided by
    /// (pretrained window - 1) (or w - 1), times 8, then <c>sign(t) * log2(|t| + 1) / log2(8)</c>; float32 as in timm.
    /// </summary>
    internal static Tensor CoordsTable(int windowSize, int pretrainedWindowSize, Device? device)
    {
        using var scope = NewDisposeScope();
        var offsets = arange(-(windowSize - 1), windowSize, dtype: float32);
        var grid = meshgrid([offsets, offsets], indexing: "ij");
        var table = stack(grid).permute(1, 2, 0).contiguous().unsqueeze(0);
        float divisor = (pretrainedWindowSize > 0 ? pretrainedWindowSize : windowSize) - 1;
        table = table / divisor * 8f;
        table = table.sign() * (table.abs() + 1f).log2() / (float)Math.Log2(8);
        return table.to(device ?? CPU).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x, Tensor? mask)
    {
        long b = x.shape[0], n = x.shape[1], c = x.shape[2];
        var y = qkv.call(x);    // through call() so that forward hooks (LoRA adapters) on qkv run
        if (q_bias is not null) y = y + cat([q_bias, k_bias!.AsTypeOf(q_bias), v_bias!]);
        var parts = y.reshape(b, n, 3, numHeads, -1).permute(2, 0, 3, 1, 4).unbind(0);
        var attn = nn.functional.normalize(parts[0], dim: -1).matmul(nn.functional.normalize(parts[1], dim: -1).transpose(-2, -1));
        attn = attn * logit_scale.clamp(max: Math.Log(100.0)).exp();
        var table = cpb_mlp.call(relative_coords_table.AsTypeOf(proj.weight!)).view(-1, numHeads);
        attn = attn + (16 * RelativePosition.Bias(table, relative_position_index).sigmoid());
        if (mask is not null)
        {
            long nw = mask.shape[0];
            attn = (attn.view(-1, nw, numHeads, n, n) + mask.AsTypeOf(attn).unsqueeze(1).unsqueeze(0)).view(-1, numHeads, n, n);
        }
        attn = attn_drop.call(attn.softmax(-1));
        return proj_drop.call(proj.call(attn.matmul(parts[2]).transpose(1, 2).reshape(b, n, c)));
    }
}
