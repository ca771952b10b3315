namespace FineTune.Vision.Imaging;

public static partial class ColorOps
{
    /// <summary>Replaces every pixel by its luma on all three channels (Pillow's <c>convert("L").convert("RGB")</c>).</summary>
    /// <param name="image">The image to edit in place.</param>
    public static void Grayscale(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        Span<byte> p = image.Pixels;
        for (int i = 0; i < p.Length; i += 3) p[i] = p[i + 1] = p[i + 2] = Luma(p[i], p[i + 1], p[i + 2]);
    }

    /// <summary>
    /// torchvision's <c>adjust_hue(img, factor)</c> on PIL images, <paramref name="factor"/> in [−0.5, 0.5]: converts
    /// to Pillow's 8-bit HSV, adds <c>uint8(factor·255)</c> to H with wrap-around, converts back.
    /// </summary>
    /// <param name="image">The image to edit in place.</param>
    /// <param name="factor">The hue shift as a fraction of the colour wheel.</param>
    public static void Hue(RgbImage image, double factor)
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
}
