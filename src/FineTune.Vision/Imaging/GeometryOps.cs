using System.Buffers;
using System.Runtime.Intrinsics;

namespace FineTune.Vision.Imaging;

/// <summary>
/// Exact geometric kernels on <see cref="RgbImage"/>: crop, pad and flips. Methods that return an image leave the
/// source untouched (the caller owns both); methods named <c>...InPlace</c> edit the image they are given.
/// </summary>
public static class GeometryOps
{
    /// <summary>A copy of <paramref name="region"/> of <paramref name="source"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The region is empty or not inside the image.</exception>
    public static RgbImage Crop(RgbImage source, PixelRect region)
    {
        ArgumentNullException.ThrowIfNull(source);
        region.EnsureInside(source.Width, source.Height, nameof(region));
        var result = new RgbImage(region.Width, region.Height);
        ReadOnlySpan<byte> src = source.Pixels;
        Span<byte> dst = result.Pixels;
        int rowBytes = region.Width * 3;
        for (int y = 0; y < region.Height; y++)
            src.Slice((region.Y + y) * source.Stride + region.X * 3, rowBytes).CopyTo(dst.Slice(y * rowBytes, rowBytes));
        return result;
    }

    /// <summary>
    /// A copy of <paramref name="source"/> with borders added (numbers of pixels on each side, each ≥ 0), filled per
    /// <paramref name="mode"/>; <paramref name="fill"/> is used only by <see cref="PaddingMode.Constant"/>.
    /// </summary>
    public static RgbImage Pad(RgbImage source, int left, int top, int right, int bottom, PaddingMode mode, RgbColor fill = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(left);
        ArgumentOutOfRangeException.ThrowIfNegative(top);
        ArgumentOutOfRangeException.ThrowIfNegative(right);
        ArgumentOutOfRangeException.ThrowIfNegative(bottom);
        int w = source.Width + left + right, h = source.Height + top + bottom;
        var result = new RgbImage(w, h);
        int[] xs = PadIndices(source.Width, left, w, mode);
        int[] ys = PadIndices(source.Height, top, h, mode);
        ReadOnlySpan<byte> src = source.Pixels;
        Span<byte> dst = result.Pixels;
        for (int y = 0; y < h; y++)
        {
            Span<byte> row = dst.Slice(y * w * 3, w * 3);
            if (ys[y] < 0) { FillRow(row, fill); continue; }
            ReadOnlySpan<byte> srcRow = src.Slice(ys[y] * source.Stride, source.Stride);
            for (int x = 0; x < w; x++)
            {
                int s = xs[x];
                if (s < 0) { row[3 * x] = fill.R; row[3 * x + 1] = fill.G; row[3 * x + 2] = fill.B; continue; }
                row[3 * x] = srcRow[3 * s];
                row[3 * x + 1] = srcRow[3 * s + 1];
                row[3 * x + 2] = srcRow[3 * s + 2];
            }
        }
        return result;
    }

    /// <summary>Mirrors <paramref name="image"/> left to right, in place.</summary>
    public static void FlipHorizontalInPlace(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        Span<byte> pixels = image.Pixels;
        int stride = image.Stride;
        byte[]? rented = stride > 2048 ? ArrayPool<byte>.Shared.Rent(stride) : null;
        Span<byte> copy = rented is null ? stackalloc byte[stride] : rented.AsSpan(0, stride);
        for (int y = 0; y < image.Height; y++)
        {
            Span<byte> row = pixels.Slice(y * stride, stride);
            row.CopyTo(copy);
            ReverseRgb(copy, row);
        }
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
    }

    /// <summary>Writes the pixels of <paramref name="source"/> into <paramref name="destination"/> in reverse order.</summary>
    private static void ReverseRgb(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int n = source.Length / 3, x = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            // 5 pixels (15 bytes) per step. The load starts one byte early so that it never reads past the row
            // (x + 6 <= n keeps it inside); each 16-byte store's last byte is rewritten by a later step or the tail.
            var reverse5 = Vector128.Create((byte)13, 14, 15, 10, 11, 12, 7, 8, 9, 4, 5, 6, 1, 2, 3, 0);
            for (; x + 6 <= n; x += 5)
            {
                int from = (n - x - 5) * 3 - 1;
                Vector128.Shuffle(Vector128.Create(source.Slice(from, 16)), reverse5).CopyTo(destination.Slice(x * 3));
            }
        }
        for (; x < n; x++)
        {
            int s = (n - 1 - x) * 3;
            destination[3 * x] = source[s];
            destination[3 * x + 1] = source[s + 1];
            destination[3 * x + 2] = source[s + 2];
        }
    }

    /// <summary>Mirrors <paramref name="image"/> top to bottom, in place.</summary>
    public static void FlipVerticalInPlace(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        Span<byte> pixels = image.Pixels;
        int stride = image.Stride;
        Span<byte> tmp = stride <= 4096 ? stackalloc byte[stride] : new byte[stride];
        for (int a = 0, b = image.Height - 1; a < b; a++, b--)
        {
            Span<byte> top = pixels.Slice(a * stride, stride), bottom = pixels.Slice(b * stride, stride);
            top.CopyTo(tmp);
            bottom.CopyTo(top);
            tmp.CopyTo(bottom);
        }
    }

    /// <summary>Fills every pixel of <paramref name="image"/> with <paramref name="color"/>.</summary>
    public static void FillInPlace(RgbImage image, RgbColor color)
    {
        ArgumentNullException.ThrowIfNull(image);
        FillRow(image.Pixels, color);
    }

    internal static void FillRow(Span<byte> rgb, RgbColor color)
    {
        if (color.R == color.G && color.G == color.B) { rgb.Fill(color.R); return; }
        for (int i = 0; i + 2 < rgb.Length; i += 3)
        {
            rgb[i] = color.R;
            rgb[i + 1] = color.G;
            rgb[i + 2] = color.B;
        }
    }

    /// <summary>Source index for each padded position, or −1 for the constant fill.</summary>
    private static int[] PadIndices(int n, int before, int total, PaddingMode mode)
    {
        var map = new int[total];
        for (int i = 0; i < total; i++)
        {
            int p = i - before;
            map[i] = p >= 0 && p < n ? p : mode switch
            {
                PaddingMode.Constant => -1,
                PaddingMode.Edge => Math.Clamp(p, 0, n - 1),
                PaddingMode.Reflect => Mirror(p, n, repeatEdge: false),
                PaddingMode.Symmetric => Mirror(p, n, repeatEdge: true),
                _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown padding mode."),
            };
        }
        return map;
    }

    private static int Mirror(int p, int n, bool repeatEdge)
    {
        if (n == 1) return 0;
        int period = repeatEdge ? 2 * n : 2 * n - 2;
        int m = ((p % period) + period) % period;
        if (m < n) return m;
        return repeatEdge ? period - 1 - m : period - m;
    }
}
