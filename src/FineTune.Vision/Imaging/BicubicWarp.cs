namespace FineTune.Vision.Imaging;

/// <summary>
/// Pillow's <c>BICUBIC</c> transform filter (libImaging/Geometry.c, what <c>Image.transform</c> and <c>Image.rotate</c>
/// use; not the resize convolution): each output pixel centre is mapped into the source, rejected (fill) when outside
/// [0, w) x [0, h), shifted by -0.5 and read from its 4x4 neighbourhood with Keys' a = -1 cubic (the resize filter
/// uses a = -0.5) in Horner form, rows first. Columns are clamped to the image; the first row is clamped and each
/// further row outside the image repeats the row before it. The result is clamped to 0..255 and truncated.
/// </summary>
internal static class BicubicWarp
{
    /// <summary>Writes every output pixel of <paramref name="result"/> whose source lies inside <paramref name="source"/>.</summary>
    public static void Warp(RgbImage source, AffineMatrix m, RgbImage result)
    {
        ReadOnlySpan<byte> src = source.Pixels;
        Span<byte> dst = result.Pixels;
        int sw = source.Width, sh = source.Height, w = result.Width, stride = sw * 3;
        Span<int> cols = stackalloc int[4];
        Span<int> rows = stackalloc int[4];
        for (int y = 0; y < result.Height; y++)
        {
            for (int x = 0; x < w; x++)
            {
                if (!AffineWarp.FilterPoint(m, x, y, sw, sh, out int xf, out int yf, out double dx, out double dy)) continue;
                for (int i = 0; i < 4; i++) cols[i] = Math.Clamp(xf - 1 + i, 0, sw - 1) * 3;
                rows[0] = Math.Clamp(yf - 1, 0, sh - 1) * stride;
                for (int i = 1; i < 4; i++)
                {
                    int r = yf - 1 + i;
                    rows[i] = r >= 0 && r < sh ? r * stride : rows[i - 1];
                }
                Sample(src, rows, cols, dx, dy, dst.Slice((y * w + x) * 3, 3));
            }
        }
    }

    private static void Sample(ReadOnlySpan<byte> src, ReadOnlySpan<int> rows, ReadOnlySpan<int> cols,
                               double dx, double dy, Span<byte> pixel)
    {
        for (int c = 0; c < 3; c++)
        {
            double v1 = Row(src, rows[0] + c, cols, dx), v2 = Row(src, rows[1] + c, cols, dx);
            double v3 = Row(src, rows[2] + c, cols, dx), v4 = Row(src, rows[3] + c, cols, dx);
            double v = Cubic(v1, v2, v3, v4, dy);
            pixel[c] = v <= 0.0 ? (byte)0 : v >= 255.0 ? (byte)255 : (byte)v;
        }
    }

    private static double Row(ReadOnlySpan<byte> src, int row, ReadOnlySpan<int> cols, double dx) =>
        Cubic(src[row + cols[0]], src[row + cols[1]], src[row + cols[2]], src[row + cols[3]], dx);

    /// <summary>Pillow's a = -1 cubic through four samples, <paramref name="d"/> in [0, 1) past the second, in its operation order.</summary>
    private static double Cubic(double v1, double v2, double v3, double v4, double d)
    {
        double p1 = v2;
        double p2 = -v1 + v3;
        double p3 = 2 * (v1 - v2) + v3 - v4;
        double p4 = -v1 + v2 - v3 + v4;
        return p1 + d * (p2 + d * (p3 + d * p4));
    }
}
