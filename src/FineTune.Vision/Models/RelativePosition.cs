using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>Relative position indices of timm's Swin (<c>get_relative_position_index</c>) and BEiT (<c>gen_relative_position_index</c>).</summary>
internal static class RelativePosition
{
    /// <summary>(Wh*Ww, Wh*Ww) indices into a ((2Wh-1)(2Ww-1), heads) table.</summary>
    public static long[,] WindowIndex(int winH, int winW)
    {
        int area = winH * winW;
        var index = new long[area, area];
        for (int i = 0; i < area; i++)
        {
            for (int j = 0; j < area; j++)
            {
                long dh = (i / winW) - (j / winW) + winH - 1;
                long dw = (i % winW) - (j % winW) + winW - 1;
                index[i, j] = (dh * ((2 * winW) - 1)) + dw;
            }
        }
        return index;
    }

    /// <summary>Swin's index as an int64 tensor (Wh*Ww, Wh*Ww).</summary>
    public static Tensor SwinIndex(int winH, int winW, Device? device) => tensor(WindowIndex(winH, winW), device: device);

    /// <summary>BEiT's index with the class-token row and column: (Wh*Ww+1, Wh*Ww+1).</summary>
    public static Tensor BeitIndex(int winH, int winW, Device? device)
    {
        int area = winH * winW;
        long numRelative = (((2 * winH) - 1) * ((2 * winW) - 1)) + 3;
        var inner = WindowIndex(winH, winW);
        var index = new long[area + 1, area + 1];
        for (int i = 0; i < area; i++)
        {
            for (int j = 0; j < area; j++) index[i + 1, j + 1] = inner[i, j];
        }
        for (int j = 0; j <= area; j++) index[0, j] = numRelative - 3;
        for (int i = 0; i <= area; i++) index[i, 0] = numRelative - 2;
        index[0, 0] = numRelative - 1;
        return tensor(index, device: device);
    }

    /// <summary>table[index] as (1, heads, N, N), the additive attention bias.</summary>
    public static Tensor Bias(Tensor table, Tensor index)
    {
        long n = index.shape[0];
        return table.index_select(0, index.OnDeviceOf(table).view(-1)).view(n, n, -1).permute(2, 0, 1).contiguous().unsqueeze(0);
    }
}
