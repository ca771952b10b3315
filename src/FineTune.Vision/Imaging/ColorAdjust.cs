namespace FineTune.Vision.Imaging;

/// <summary>
/// Colour kernels with Pillow's arithmetic, as torchvision's functional ops use them on PIL images: grayscale
/// (ITU-R 601-2 luma in Pillow's 16.16 fixed point), and brightness, contrast and saturation as Pillow's
/// <c>ImageEnhance</c> blends (float factor, truncation, clipping), and hue as torchvision's <c>adjust_hue</c> (HSV
/// through Pillow's converters). All edit the image in place.
/// </summary>
public static class ColorAdjust
{
    /// <summary>Pillow's <c>convert("L")</c> of one pixel: (299·R + 587·G + 114·B) / 1000, rounded, in 16.16 fixed point.</summary>
    public static byte Luma(byte r, byte g, byte b) => (byte)((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);

    /// <summary>Replaces every pixel by its luma on all three channels (<c>convert("L").convert("RGB")</c>).</summary>
    public static void GrayscaleInPlace(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        Span<byte> p = image.Pixels;
        for (int i = 0; i < p.Length; i += 3) p[i] = p[i + 1] = p[i + 2] = Luma(p[i], p[i + 1], p[i + 2]);
    }

    /// <summary>Pillow's <c>ImageEnhance.Brightness(factor)</c>: blend from black; 0 gives black, 1 the original.</summary>
    public static void BrightnessInPlace(RgbImage image, double factor)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegative(factor);
        if (factor == 1.0) return;
        float alpha = (float)factor;
        Span<byte> p = image.Pixels;
        for (int i = 0; i < p.Length; i++) p[i] = Blend(0, p[i], alpha);
    }

    /// <summary>Pillow's <c>ImageEnhance.Contrast(factor)</c>: blend from the mean luma (rounded); 0 gives flat grey.</summary>
    public static void ContrastInPlace(RgbImage image, double factor)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegative(factor);
        if (factor == 1.0) return;
        Span<byte> p = image.Pixels;
        long sum = 0;
        for (int i = 0; i < p.Length; i += 3) sum += Luma(p[i], p[i + 1], p[i + 2]);
        int mean = (int)((double)sum / (image.Width * image.Height) + 0.5);
        float alpha = (float)factor;
        for (int i = 0; i < p.Length; i++) p[i] = Blend(mean, p[i], alpha);
    }

    /// <summary>Pillow's <c>ImageEnhance.Color(factor)</c> (saturation): blend from the pixel's luma; 0 gives grayscale.</summary>
    public static void SaturationInPlace(RgbImage image, double factor)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegative(factor);
        if (factor == 1.0) return;
        float alpha = (float)factor;
        Span<byte> p = image.Pixels;
        for (int i = 0; i < p.Length; i += 3)
        {
            int l = Luma(p[i], p[i + 1], p[i + 2]);
            p[i] = Blend(l, p[i], alpha);
            p[i + 1] = Blend(l, p[i + 1], alpha);
            p[i + 2] = Blend(l, p[i + 2], alpha);
        }
    }

    /// <summary>
    /// torchvision's <c>adjust_hue(img, factor)</c> on PIL images, <paramref name="factor"/> in [−0.5, 0.5]: converts
    /// to Pillow's 8-bit HSV, adds <c>uint8(factor·255)</c> to H with wrap-around, converts back.
    /// </summary>
    public static void HueInPlace(RgbImage image, double factor)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (factor is < -0.5 or > 0.5)
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "Hue factor must be in [-0.5, 0.5].");
        byte shift = unchecked((byte)(int)(factor * 255));
        if (shift == 0) return;
        Span<byte> p = image.Pixels;
        for (int i = 0; i < p.Length; i += 3)
        {
            HsvConversions.RgbToHsv(p[i], p[i + 1], p[i + 2], out byte h, out byte s, out byte v);
            HsvConversions.HsvToRgb(unchecked((byte)(h + shift)), s, v, out p[i], out p[i + 1], out p[i + 2]);
        }
    }

    /// <summary>Pillow's <c>ImagingBlend</c> of one byte: <c>a + alpha·(b − a)</c> in float, clipped, truncated.</summary>
    internal static byte Blend(int a, int b, float alpha)
    {
        float t = a + alpha * (b - a);
        return t <= 0f ? (byte)0 : t >= 255f ? (byte)255 : (byte)t;
    }
}
