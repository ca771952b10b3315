using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// Swin V2 block (timm <c>swin_transformer_v2.SwinTransformerV2Block</c>) on NHWC maps with residual post-norm:
/// <c>x + drop_path1(norm1(attn(x)))</c>, then <c>x + drop_path2(norm2(mlp(x)))</c>. The shifted-window mask is the
/// non-persistent buffer <c>attn_mask</c>; windows larger than the map shrink to it and stop shifting, as in timm.
/// </summary>
internal sealed class SwinTransformerV2Block : nn.Module<Tensor, Tensor>
{
    private readonly WindowAttentionV2 attn;
    private readonly LayerNorm norm1;
    private readonly nn.Module<Tensor, Tensor> drop_path1;
    private readonly Mlp mlp;
    private readonly LayerNorm norm2;
    private readonly nn.Module<Tensor, Tensor> drop_path2;
    private readonly Tensor? attn_mask;

    /// <summary>Creates the block for an input map of <paramref name="resolution"/> x <paramref name="resolution"/>.</summary>
    public SwinTransformerV2Block(int dim, int resolution, int numHeads, int windowSize, bool shift, double mlpRatio, bool qkvBias,
        double projDrop, double attnDrop, double dropPath, int pretrainedWindowSize, Device? device = null) : base(nameof(SwinTransformerV2Block))
    {
        WindowSize = Math.Min(windowSize, resolution);
        ShiftSize = shift && resolution > windowSize ? windowSize / 2 : 0;
        attn = new WindowAttentionV2(dim, numHeads, WindowSize, pretrainedWindowSize, qkvBias, attnDrop, projDrop, device);
        norm1 = nn.LayerNorm(dim, 1e-5, device: device);
        drop_path1 = dropPath > 0 ? new DropPath(dropPath) : nn.Identity();
        mlp = new Mlp(dim, (long)(dim * mlpRatio), projDrop, device);
        norm2 = nn.LayerNorm(dim, 1e-5, device: device);
        drop_path2 = dropPath > 0 ? new DropPath(dropPath) : nn.Identity();
        if (ShiftSize > 0)
        {
            attn_mask = SwinWindows.AttentionMask(resolution, WindowSize, ShiftSize, device);
            register_buffer(nameof(attn_mask), attn_mask, persistent: false);
        }
        RegisterComponents();
    }

    /// <summary>The effective window size.</summary>
    public int WindowSize { get; }

    /// <summary>The effective cyclic shift (0 for plain windows).</summary>
    public int ShiftSize { get; }

    /// <summary>timm <c>_init_respostnorm</c>: the post-norms start at zero, so each block starts as the identity.</summary>
    public void ZeroPostNorms()
    {
        using var _ = no_grad();
        foreach (var n in new[] { norm1, norm2 })
        {
            n.weight!.zero_();
            n.bias!.zero_();
        }
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        long b = x.shape[0], h = x.shape[1], w = x.shape[2], c = x.shape[3];
        x = x + drop_path1.call(norm1.call(SwinWindows.Attend(x, WindowSize, ShiftSize, attn_mask, (windows, mask) => attn.call(windows, mask))));
        x = x.reshape(b, -1, c);
        x = x + drop_path2.call(norm2.call(mlp.call(x)));
        return x.reshape(b, h, w, c);
    }
}
