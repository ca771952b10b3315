using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// Swin block (timm <c>swin_transformer.SwinTransformerBlock</c>) on NHWC maps: <c>norm1</c>, (shifted) window
/// <c>attn</c>, <c>drop_path1</c>, <c>norm2</c>, <c>mlp</c>, <c>drop_path2</c>; the shifted-window mask is the
/// non-persistent buffer <c>attn_mask</c>. Windows larger than the map shrink to it and stop shifting, as in timm.
/// </summary>
public sealed class SwinTransformerBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly WindowAttention attn;
    private readonly nn.Module<Tensor, Tensor> drop_path1;
    private readonly LayerNorm norm2;
    private readonly Mlp mlp;
    private readonly nn.Module<Tensor, Tensor> drop_path2;
    private readonly Tensor? attn_mask;

    /// <summary>Creates the block for an input map of <paramref name="resolution"/> x <paramref name="resolution"/>.</summary>
    public SwinTransformerBlock(int dim, int resolution, int numHeads, int windowSize, bool shift, double mlpRatio, bool qkvBias,
        double projDrop, double attnDrop, double dropPath, Device? device = null) : base(nameof(SwinTransformerBlock))
    {
        WindowSize = Math.Min(windowSize, resolution);
        ShiftSize = shift && resolution > windowSize ? windowSize / 2 : 0;
        norm1 = nn.LayerNorm(dim, 1e-5, device: device);
        attn = new WindowAttention(dim, numHeads, WindowSize, qkvBias, attnDrop, projDrop, device);
        drop_path1 = dropPath > 0 ? new DropPath(dropPath) : nn.Identity();
        norm2 = nn.LayerNorm(dim, 1e-5, device: device);
        mlp = new Mlp(dim, (long)(dim * mlpRatio), projDrop, device);
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

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        long b = x.shape[0], h = x.shape[1], w = x.shape[2], c = x.shape[3];
        x = x + drop_path1.call(Attend(norm1.call(x)));
        x = x.reshape(b, -1, c);
        x = x + drop_path2.call(mlp.call(norm2.call(x)));
        return x.reshape(b, h, w, c);
    }

    private Tensor Attend(Tensor x) => SwinWindows.Attend(x, WindowSize, ShiftSize, attn_mask, (windows, mask) => attn.call(windows, mask));
}
