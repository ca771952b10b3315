using System.Buffers;

namespace FineTune.Vision.Imaging;

public static partial class ColorOps
{
    private const float SmoothSide = 1f / 13f, SmoothCentre = 5f / 13f;

    /// <summary>
    /// Pillow <c>ImageEnhance.Brightness</c>: blends towards black. 0 gives black, 1 the original, above 1 brighter
    /// (saturating at 255).
    /// </summary>
    /// <param name="image">The image to edit in place.</param>
    /// <param name="factor">The enhancement factor; any finite value.</param>
    public static void Brightness(RgbImage image, double factor)
    {
        ArgumentNullException.ThrowIfNull(image);
        Span<byte> lut = stackalloc byte[256];
        for (int v = 0; v < 256; v++) lut[v] = Blend(0, v, (float)factor);
        ApplyLut(image, lut);
    }

    /// <summary>
    /// Pillow <c>ImageEnhance.Contrast</c>: blends towards a flat grey at the rounded mean luma of the image. 0 gives
    /// that grey, 1 the original.
    /// </summary>
    /// <param name="image">The image to edit in place.</param>
    /// <param name="factor">The enhancement factor; any finite value.</param>
    public static void Contrast(RgbImage image, double factor)
    {
        ArgumentNullException.ThrowIfNull(image);
        ReadOnlySpan<byte> pixels = image.Pixels;
        long sum = 0;
        for (int i = 0; i < pixels.Length; i += 3) sum += Luma(pixels[i], pixels[i + 1], pixels[i + 2]);
        int mean = (int)((double)sum / (image.Width * (long)image.Height) + 0.5);
        Span<byte> lut = stackalloc byte[256];
        for (int v = 0; v < 256; v++) lut[v] = Blend(mean, v, (float)factor);
        ApplyLut(image, lut);
    }

    /// <summary>
    /// Pillow <c>ImageEnhance.Color</c> (saturation): blends towards the image's own greyscale (luma). 0 gives
    /// greyscale, 1 the original, above 1 more saturated.
    /// </summary>
    /// <param name="image">The image to edit in place.</param>
    /// <param name="factor">The enhancement factor; any finite value.</param>
    public static void Color(RgbImage image, double factor)
    {
        ArgumentNullException.ThrowIfNull(image);
        float alpha = (float)factor;
        Span<byte> pixels = image.Pixels;
        for (int i = 0; i < pixels.Length; i += 3)
        {
            int grey = Luma(pixels[i], pixels[i + 1], pixels[i + 2]);
            pixels[i] = Blend(grey, pixels[i], alpha);
            pixels[i + 1] = Blend(grey, pixels[i + 1], alpha);
            pixels[i + 2] = Blend(grey, pixels[i + 2], alpha);
        }
    }

    /// <summary>
    /// Pillow <c>ImageEnhance.Sharpness</c>: blends towards the image smoothed by Pillow's <c>SMOOTH</c> kernel
    /// ([1 1 1; 1 5 1; 1 1 1] / 13), whose border pixels are the original ones, so the one-pixel border never
    /// changes. 0 gives the smoothed image, 1 the original, 2 a sharpened one.
    /// </summary>
    /// <param name="image">The image to edit in place.</param>
    /// <param name="factor">The enhancement factor; any finite value.</param>
    public static void Sharpness(RgbImage image, double factor)
    {
        ArgumentNullException.ThrowIfNull(image);
        int width = image.Width, height = image.Height;
        if (width < 3 || height < 3) return; // Pillow's filter returns a copy: the blend is the identity.
        float alpha = (float)factor;
        int stride = image.Stride;
        byte[] copy = ArrayPool<byte>.Shared.Rent(image.Pixels.Length);
        try
        {
            Span<byte> pixels = image.Pixels;
            pixels.CopyTo(copy);
            for (int y = 1; y < height - 1; y++)
            {
                ReadOnlySpan<byte> above = copy.AsSpan((y - 1) * stride, stride);
                ReadOnlySpan<byte> row = copy.AsSpan(y * stride, stride);
                ReadOnlySpan<byte> below = copy.AsSpan((y + 1) * stride, stride);
                Span<byte> output = pixels.Slice(y * stride, stride);
                for (int x = 3; x < stride - 3; x++)
                {
                    byte smooth = Smooth(above, row, below, x);
                    output[x] = Blend(smooth, row[x], alpha);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    /// <summary>
    /// Pillow's greyscale conversion of one RGB pixel (ITU-R 601-2 luma, 16-bit fixed point, rounded):
    /// (R·19595 + G·38470 + B·7471 + 32768) &gt;&gt; 16.
    /// </summary>
    public static byte Luma(byte r, byte g, byte b) => (byte)((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);

    /// <summary>
    /// Pillow's <c>Image.blend(degenerate, image, alpha)</c> for one value: single-precision
    /// degenerate + alpha·(value − degenerate), truncated, clamped to [0, 255] when extrapolating.
    /// </summary>
    internal static byte Blend(int degenerate, int value, float alpha)
    {
        float t = degenerate + alpha * (value - degenerate);
        if (alpha is >= 0f and <= 1f) return (byte)t;
        if (t <= 0f) return 0;
        return t >= 255f ? (byte)255 : (byte)t;
    }

    /// <summary>One channel value of Pillow's 3x3 SMOOTH filter, in its summation order (row below first).</summary>
    private static byte Smooth(ReadOnlySpan<byte> above, ReadOnlySpan<byte> row, ReadOnlySpan<byte> below, int x)
    {
        float s = 0.5f;
        s += (below[x - 3] * SmoothSide) + (below[x] * SmoothSide) + (below[x + 3] * SmoothSide);
        s += (row[x - 3] * SmoothSide) + (row[x] * SmoothCentre) + (row[x + 3] * SmoothSide);
        s += (above[x - 3] * SmoothSide) + (above[x] * SmoothSide) + (above[x + 3] * SmoothSide);
        if (s <= 0f) return 0;
        return s >= 255f ? (byte)255 : (byte)s;
    }
}
