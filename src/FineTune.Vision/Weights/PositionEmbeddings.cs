using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace FineTune.Vision.Weights;

/// <summary>
/// Adapts position information to a new image size or window size, as timm does when loading:
/// absolute position embeddings (<c>timm.layers.resample_abs_pos_embed</c>: prefix tokens kept, the patch grid
/// resized bicubic with antialias) and relative-position-bias tables (<c>resize_rel_pos_bias_table</c>: geometric
/// source offsets, linear interpolation, BEiT's 3 extra class entries kept).
/// </summary>
public static class PositionEmbeddings
{
    /// <summary>Resamples a <c>(1, prefix + H*W, C)</c> position embedding to a new patch grid.</summary>
    /// <param name="posEmbed">The embedding; not modified.</param>
    /// <param name="newGrid">The target grid (rows, columns).</param>
    /// <param name="numPrefixTokens">Leading tokens (class, distillation, register) copied unchanged.</param>
    /// <param name="oldGrid">The source grid; <see langword="null"/> assumes a square one.</param>
    /// <returns>A new tensor <c>(1, prefix + rows*columns, C)</c> of the input's dtype; the caller owns it.</returns>
    public static Tensor ResampleAbsolute(Tensor posEmbed, (int Rows, int Cols) newGrid, int numPrefixTokens = 1, (int Rows, int Cols)? oldGrid = null)
    {
        ArgumentNullException.ThrowIfNull(posEmbed);
        ArgumentOutOfRangeException.ThrowIfNegative(numPrefixTokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(newGrid.Rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(newGrid.Cols);
        if (posEmbed.ndim != 3 || posEmbed.shape[0] != 1)
        {
            throw new ArgumentException($"A position embedding must be (1, tokens, dim); got [{string.Join(", ", posEmbed.shape)}].", nameof(posEmbed));
        }
        long tokens = posEmbed.shape[1] - numPrefixTokens, dim = posEmbed.shape[2];
        var old = oldGrid ?? SquareGrid(tokens)
            ?? throw new ArgumentException($"{tokens} grid tokens do not form a square grid; pass oldGrid.", nameof(oldGrid));
        if ((long)old.Rows * old.Cols != tokens)
        {
            throw new ArgumentException($"oldGrid {old.Rows}x{old.Cols} does not match the {tokens} grid tokens.", nameof(oldGrid));
        }
        using var scope = torch.NewDisposeScope();
        var prefix = posEmbed.narrow(1, 0, numPrefixTokens);
        var grid = posEmbed.narrow(1, numPrefixTokens, tokens).to(float32)
            .reshape(1, old.Rows, old.Cols, dim).permute(0, 3, 1, 2);
        grid = interpolate(grid, [newGrid.Rows, newGrid.Cols], mode: InterpolationMode.Bicubic, align_corners: false, antialias: true);
        grid = grid.permute(0, 2, 3, 1).reshape(1, -1, dim).to(posEmbed.dtype);
        return torch.cat([prefix, grid], 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Resizes a <c>((2w-1)^2 + extra, heads)</c> relative-position-bias table to a new window as timm's
    /// <c>resize_rel_pos_bias_table</c> does (what timm's BEiT and Swin <c>checkpoint_filter_fn</c> call, from BEiT's
    /// fine-tuning code): the source offsets are spread geometrically (a ratio <c>q</c> found by bisection so that the
    /// outermost source offset reaches the new window's edge), the target offsets are the integers, and each head is
    /// interpolated linearly on that uneven grid (timm's <c>RegularGridInterpolator</c>, its default without scipy).
    /// </summary>
    /// <param name="table">The table; not modified.</param>
    /// <param name="newWindow">The target window (rows, columns).</param>
    /// <param name="extraTokens">Trailing entries copied unchanged (3 for BEiT, 0 for Swin).</param>
    /// <returns>A new float32-computed tensor of the table's dtype; the caller owns it.</returns>
    public static Tensor ResizeRelativeBiasTable(Tensor table, (int Rows, int Cols) newWindow, int extraTokens = 0)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentOutOfRangeException.ThrowIfNegative(extraTokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(newWindow.Rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(newWindow.Cols);
        if (table.ndim != 2)
        {
            throw new ArgumentException($"A relative-position-bias table must be (positions, heads); got [{string.Join(", ", table.shape)}].", nameof(table));
        }
        long positions = table.shape[0] - extraTokens, heads = table.shape[1];
        var src = SquareGrid(positions) ?? throw new ArgumentException($"{positions} table positions are not a square (2w-1)^2 grid.", nameof(table));
        int dstRows = 2 * newWindow.Rows - 1, dstCols = 2 * newWindow.Cols - 1;
        if (src.Rows == dstRows && src.Cols == dstCols) return table.clone();
        using var scope = torch.NewDisposeScope();
        float[] values = table.narrow(0, 0, positions).to(float32).contiguous().data<float>().ToArray();
        float[] y = RelativeBias.SourceOffsets(src.Rows, dstRows), x = RelativeBias.SourceOffsets(src.Cols, dstCols);
        var output = new float[dstRows * dstCols * heads];
        for (int h = 0; h < heads; h++)
            RelativeBias.Interpolate(values, (int)heads, h, y, x, dstRows, dstCols, output);
        var resized = torch.tensor(output, [dstRows * dstCols, heads]).to(table.dtype);
        var result = extraTokens > 0 ? torch.cat([resized, table.narrow(0, positions, extraTokens)], 0) : resized;
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>The side of a square grid of <paramref name="count"/> cells, or <see langword="null"/>.</summary>
    internal static (int Rows, int Cols)? SquareGrid(long count)
    {
        if (count <= 0)
        {
            return null;
        }
        int side = (int)Math.Round(Math.Sqrt(count));
        return (long)side * side == count ? (side, side) : null;
    }
}
