namespace FineTune.Vision.Imaging;

/// <summary>
/// Affine warps by inverse mapping, as Pillow's <c>Image.transform(AFFINE)</c> and <c>Image.rotate</c> compute them
/// (which torchvision's <c>rotate</c>/<c>affine</c> and timm's auto-augment ops call): nearest (Pillow's 16.16 fixed
/// point walk), bilinear (Pillow's filter, truncated to bytes) or bicubic (Pillow's 4x4 filter, clamped to 0..255 and
/// truncated). Output pixels whose source lies outside the image get the fill colour. The source is not modified; the caller owns the result.
/// </summary>
public static class AffineWarp
{
    /// <summary>
    /// Warps <paramref name="source"/> into a <paramref name="width"/>x<paramref name="height"/> image: output pixel
    /// centre (x + 0.5, y + 0.5) reads the source at <paramref name="inverse"/> applied to it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interpolation"/> is not a defined filter.</exception>
    public static RgbImage Transform(RgbImage source, AffineMatrix inverse, int width, int height,
                                     Interpolation interpolation, RgbColor fill = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var result = new RgbImage(width, height);
        GeometryOps.FillInPlace(result, fill);
        switch (interpolation)
        {
            case Interpolation.Nearest: WarpNearest(source, inverse, result); break;
            case Interpolation.Bilinear: WarpBilinear(source, inverse, result); break;
            case Interpolation.Bicubic: BicubicWarp.Warp(source, inverse, result); break;
            default:
                result.Dispose();
                throw new ArgumentOutOfRangeException(nameof(interpolation), interpolation, "Use Nearest, Bilinear or Bicubic.");
        }
        return result;
    }

    /// <summary>
    /// Pillow's <c>Image.rotate(degrees, resample, expand=False, center, fillcolor)</c>: counter-clockwise, about the
    /// image centre unless a centre is given, same output size. Multiples of 90° about the centre are exact.
    /// </summary>
    public static RgbImage Rotate(RgbImage source, double degrees, Interpolation interpolation, RgbColor fill = default,
                                  double? centerX = null, double? centerY = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        double turned = ((degrees % 360.0) + 360.0) % 360.0;
        bool defaultCenter = centerX is null && centerY is null;
        if (defaultCenter && turned == 0) return source.Clone();
        if (defaultCenter && (turned == 180 || (turned is 90 or 270 && source.Width == source.Height)))
            interpolation = Interpolation.Nearest; // Pillow transposes here; the exact matrix with nearest is the same
        var m = AffineMatrix.PillowRotation(degrees, centerX ?? source.Width / 2.0, centerY ?? source.Height / 2.0);
        return Transform(source, m, source.Width, source.Height, interpolation, fill);
    }

    private static void WarpNearest(RgbImage source, AffineMatrix m, RgbImage result)
    {
        int w = result.Width, h = result.Height;
        if (FitsFixedPoint(m, w, h) && !(m.B == 0 && m.D == 0))
        {
            WarpNearestFixed(source, m, result);
            return;
        }
        ReadOnlySpan<byte> src = source.Pixels;
        Span<byte> dst = result.Pixels;
        double xo = m.C + m.B * 0.5 + m.A * 0.5, yo = m.F + m.E * 0.5 + m.D * 0.5;
        if (m.B == 0 && m.D == 0) { xo = m.C + m.A * 0.5; yo = m.F + m.E * 0.5; }
        for (int y = 0; y < h; y++, xo += m.B, yo += m.E)
        {
            double xx = xo, yy = yo;
            for (int x = 0; x < w; x++, xx += m.A, yy += m.D)
            {
                int xi = xx < 0 ? -1 : (int)xx, yi = yy < 0 ? -1 : (int)yy;
                if (xi < source.Width && yi < source.Height && xi >= 0 && yi >= 0)
                    CopyPixel(src, (yi * source.Width + xi) * 3, dst, (y * w + x) * 3);
            }
        }
    }

    private static bool FitsFixedPoint(AffineMatrix m, int w, int h)
    {
        static bool Fits(AffineMatrix m, int x, int y) =>
            Math.Abs(x * m.A + y * m.B + m.C) < 32768.0 && Math.Abs(x * m.D + y * m.E + m.F) < 32768.0;
        return Fits(m, 0, 0) && Fits(m, w, h) && Fits(m, 0, h) && Fits(m, w, 0);
    }

    private static void WarpNearestFixed(RgbImage source, AffineMatrix m, RgbImage result)
    {
        static int Fix(double v) => (int)Math.Floor(v * 65536.0 + 0.5);
        int a0 = Fix(m.A), a1 = Fix(m.B), a3 = Fix(m.D), a4 = Fix(m.E);
        int a2 = Fix(m.C + m.A * 0.5 + m.B * 0.5), a5 = Fix(m.F + m.D * 0.5 + m.E * 0.5);
        ReadOnlySpan<byte> src = source.Pixels;
        Span<byte> dst = result.Pixels;
        int w = result.Width;
        for (int y = 0; y < result.Height; y++, a2 += a1, a5 += a4)
        {
            int xx = a2, yy = a5;
            for (int x = 0; x < w; x++, xx += a0, yy += a3)
            {
                int xi = xx >> 16, yi = yy >> 16;
                if ((uint)xi < (uint)source.Width && (uint)yi < (uint)source.Height)
                    CopyPixel(src, (yi * source.Width + xi) * 3, dst, (y * w + x) * 3);
            }
        }
    }

    private static void WarpBilinear(RgbImage source, AffineMatrix m, RgbImage result)
    {
        ReadOnlySpan<byte> src = source.Pixels;
        Span<byte> dst = result.Pixels;
        int sw = source.Width, sh = source.Height, w = result.Width;
        for (int y = 0; y < result.Height; y++)
        {
            for (int x = 0; x < w; x++)
            {
                if (!FilterPoint(m, x, y, sw, sh, out int xf, out int yf, out double dx, out double dy)) continue;
                int x0 = Math.Clamp(xf, 0, sw - 1) * 3, x1 = Math.Clamp(xf + 1, 0, sw - 1) * 3;
                int row0 = Math.Clamp(yf, 0, sh - 1) * sw * 3;
                bool hasRow1 = yf + 1 >= 0 && yf + 1 < sh;
                int row1 = (yf + 1) * sw * 3;
                int o = (y * w + x) * 3;
                for (int c = 0; c < 3; c++)
                {
                    double v1 = src[row0 + x0 + c] + (src[row0 + x1 + c] - src[row0 + x0 + c]) * dx;
                    double v2 = hasRow1 ? src[row1 + x0 + c] + (src[row1 + x1 + c] - src[row1 + x0 + c]) * dx : v1;
                    dst[o + c] = (byte)(v1 + (v2 - v1) * dy);
                }
            }
        }
    }

    /// <summary>
    /// Where Pillow's bilinear and bicubic filters sample output pixel (<paramref name="x"/>, <paramref name="y"/>): its
    /// centre mapped by <paramref name="m"/>; false when that lies outside the <paramref name="sw"/>x<paramref name="sh"/>
    /// source (the pixel keeps the fill), else the cell (<paramref name="xf"/>, <paramref name="yf"/>) of the point
    /// shifted by -0.5 and the fractions (<paramref name="dx"/>, <paramref name="dy"/>) into it.
    /// </summary>
    internal static bool FilterPoint(in AffineMatrix m, int x, int y, int sw, int sh, out int xf, out int yf, out double dx, out double dy)
    {
        double xin = m.A * (x + 0.5) + m.B * (y + 0.5) + m.C;
        double yin = m.D * (x + 0.5) + m.E * (y + 0.5) + m.F;
        (xf, yf, dx, dy) = (0, 0, 0, 0);
        if (xin < 0.0 || xin >= sw || yin < 0.0 || yin >= sh) return false;
        xin -= 0.5;
        yin -= 0.5;
        (xf, yf) = ((int)Math.Floor(xin), (int)Math.Floor(yin));
        (dx, dy) = (xin - xf, yin - yf);
        return true;
    }

    private static void CopyPixel(ReadOnlySpan<byte> src, int s, Span<byte> dst, int d)
    {
        dst[d] = src[s];
        dst[d + 1] = src[s + 1];
        dst[d + 2] = src[s + 2];
    }
}
