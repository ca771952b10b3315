using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>timm's <c>window_partition</c>, <c>window_reverse</c> and the shifted-window attention mask.</summary>
internal static class SwinWindows
{
    /// <summary>(B, H, W, C) → (B * H/ws * W/ws, ws, ws, C).</summary>
    public static Tensor Partition(Tensor x, int ws)
    {
        long b = x.shape[0], h = x.shape[1], w = x.shape[2], c = x.shape[3];
        return x.view(b, h / ws, ws, w / ws, ws, c).permute(0, 1, 3, 2, 4, 5).contiguous().view(-1, ws, ws, c);
    }

    /// <summary>(B * nW, ws, ws, C) → (B, H, W, C).</summary>
    public static Tensor Reverse(Tensor windows, int ws, long h, long w)
    {
        long c = windows.shape[^1];
        return windows.view(-1, h / ws, w / ws, ws, ws, c).permute(0, 1, 3, 2, 4, 5).contiguous().view(-1, h, w, c);
    }

    /// <summary>
    /// timm's <c>SwinTransformerBlock._attn</c> (v1 and v2) around <paramref name="attention"/>: cyclic shift by
    /// <paramref name="shift"/>, pad to a multiple of <paramref name="ws"/>, partition, attend with <paramref name="mask"/>,
    /// merge, crop, shift back. <paramref name="x"/> is (B, H, W, C).
    /// </summary>
    public static Tensor Attend(Tensor x, int ws, int shift, Tensor? mask, Func<Tensor, Tensor?, Tensor> attention)
    {
        long h = x.shape[1], w = x.shape[2], c = x.shape[3];
        var shifted = shift > 0 ? roll(x, [-shift, -shift], [1, 2]) : x;
        long padH = (ws - (h % ws)) % ws, padW = (ws - (w % ws)) % ws;
        if (padH > 0 || padW > 0) shifted = nn.functional.pad(shifted, [0, 0, 0, padW, 0, padH]);
        long hp = shifted.shape[1], wp = shifted.shape[2];
        var windows = Partition(shifted, ws).view(-1, ws * ws, c);
        var attended = attention(windows, mask).view(-1, ws, ws, c);
        var merged = Reverse(attended, ws, hp, wp);
        if (padH > 0 || padW > 0) merged = merged.narrow(1, 0, h).narrow(2, 0, w).contiguous();
        return shift > 0 ? roll(merged, [shift, shift], [1, 2]) : merged;
    }

    /// <summary>
    /// timm <c>SwinTransformerBlock.get_attn_mask</c>: label the 3x3 regions the cyclic shift wraps together, partition the
    /// labels into windows, and give -100 to pairs of positions with different labels: (nW, ws*ws, ws*ws).
    /// </summary>
    public static Tensor AttentionMask(int resolution, int ws, int shift, Device? device)
    {
        int padded = (resolution + ws - 1) / ws * ws;
        int Region(int i) => i < padded - ws ? 0 : i < padded - shift ? 1 : 2;
        int perSide = padded / ws, area = ws * ws;
        var mask = new float[perSide * perSide, area, area];
        for (int wy = 0; wy < perSide; wy++)
        {
            for (int wx = 0; wx < perSide; wx++)
            {
                var labels = new int[area];
                for (int p = 0; p < area; p++) labels[p] = (Region((wy * ws) + (p / ws)) * 3) + Region((wx * ws) + (p % ws));
                for (int i = 0; i < area; i++)
                {
                    for (int j = 0; j < area; j++) mask[(wy * perSide) + wx, i, j] = labels[i] == labels[j] ? 0f : -100f;
                }
            }
        }
        return tensor(mask, device: device);
    }
}
