namespace FineTune.Vision.Imaging;

/// <summary>
/// Colour operations on 8-bit RGB images, bit-exact ports of Pillow's <c>ImageOps</c> (invert, posterize, solarize,
/// equalize, autocontrast) and <c>ImageEnhance</c> (brightness, contrast, color, sharpness), plus timm's
/// solarize-add. They are the colour kernels of RandAugment, AutoAugment and TrivialAugment.
/// </summary>
/// <remarks>
/// Every method edits <c>image</c> in place. The arithmetic follows Pillow 9.4 (Debian 12's <c>python3-pil</c>):
/// look-up tables clamped to [0, 255], ITU-R 601-2 luma in 16-bit fixed point, and <c>Image.blend</c> in single
/// precision with truncation, so results match Pillow to the grey level.
/// </remarks>
public static partial class ColorOps
{
    /// <summary>Inverts every channel: v → 255 − v (Pillow <c>ImageOps.invert</c>).</summary>
    /// <param name="image">The image to edit in place.</param>
    public static void Invert(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        Span<byte> pixels = image.Pixels;
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(255 - pixels[i]);
    }

    /// <summary>Keeps the <paramref name="bits"/> most significant bits of each channel (Pillow <c>ImageOps.posterize</c>).</summary>
    /// <param name="image">The image to edit in place.</param>
    /// <param name="bits">Bits to keep, 0 to 8; 0 gives a black image and 8 leaves the image unchanged.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bits"/> is outside [0, 8].</exception>
    public static void Posterize(RgbImage image, int bits)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegative(bits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 8);
        if (bits == 8) return;
        byte mask = (byte)~((1 << (8 - bits)) - 1);
        Span<byte> pixels = image.Pixels;
        for (int i = 0; i < pixels.Length; i++) pixels[i] &= mask;
    }

    /// <summary>
    /// Inverts every channel value at or above <paramref name="threshold"/> (Pillow <c>ImageOps.solarize</c>):
    /// v → v if v &lt; threshold, else 255 − v. A threshold above 255 leaves the image unchanged; 0 inverts it.
    /// </summary>
    /// <param name="image">The image to edit in place.</param>
    /// <param name="threshold">The threshold; fractional values are allowed (torchvision passes 255·m).</param>
    public static void Solarize(RgbImage image, double threshold)
    {
        ArgumentNullException.ThrowIfNull(image);
        Span<byte> lut = stackalloc byte[256];
        for (int i = 0; i < 256; i++) lut[i] = i < threshold ? (byte)i : (byte)(255 - i);
        ApplyLut(image, lut);
    }

    /// <summary>
    /// Adds <paramref name="addition"/> to every channel value below <paramref name="threshold"/>, saturating at 255
    /// (timm <c>auto_augment.solarize_add</c>).
    /// </summary>
    /// <param name="image">The image to edit in place.</param>
    /// <param name="addition">The amount added; may be negative (values then saturate at 0).</param>
    /// <param name="threshold">Values at or above it are left unchanged. Default: 128.</param>
    public static void SolarizeAdd(RgbImage image, int addition, int threshold = 128)
    {
        ArgumentNullException.ThrowIfNull(image);
        Span<byte> lut = stackalloc byte[256];
        for (int i = 0; i < 256; i++) lut[i] = i < threshold ? ClampToByte(i + addition) : (byte)i;
        ApplyLut(image, lut);
    }

    /// <summary>
    /// Equalizes each channel's histogram (Pillow <c>ImageOps.equalize</c>): a channel with one distinct value, or too
    /// few pixels outside its brightest value to fill 255 steps, is left unchanged.
    /// </summary>
    /// <param name="image">The image to edit in place.</param>
    public static void Equalize(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        Span<int> histogram = stackalloc int[768];
        Histogram(image.Pixels, histogram);
        Span<byte> luts = stackalloc byte[768];
        for (int c = 0; c < 3; c++) EqualizeLut(histogram.Slice(c * 256, 256), luts.Slice(c * 256, 256));
        ApplyLuts(image, luts);
    }

    /// <summary>
    /// Stretches each channel so that its darkest value becomes 0 and its lightest 255 (Pillow
    /// <c>ImageOps.autocontrast</c> with no cutoff); a channel with a single value is left unchanged.
    /// </summary>
    /// <param name="image">The image to edit in place.</param>
    public static void AutoContrast(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        Span<int> histogram = stackalloc int[768];
        Histogram(image.Pixels, histogram);
        Span<byte> luts = stackalloc byte[768];
        for (int c = 0; c < 3; c++) AutoContrastLut(histogram.Slice(c * 256, 256), luts.Slice(c * 256, 256));
        ApplyLuts(image, luts);
    }

    /// <summary>Maps every channel value through one 256-entry table.</summary>
    /// <param name="image">The image to edit in place.</param>
    /// <param name="lut">256 output values, indexed by input value.</param>
    /// <exception cref="ArgumentException"><paramref name="lut"/> does not have 256 entries.</exception>
    public static void ApplyLut(RgbImage image, ReadOnlySpan<byte> lut)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (lut.Length != 256)
            throw new ArgumentException($"A look-up table needs 256 entries, got {lut.Length}.", nameof(lut));
        Span<byte> pixels = image.Pixels;
        for (int i = 0; i < pixels.Length; i++) pixels[i] = lut[pixels[i]];
    }

    /// <summary>Maps each channel through its own 256-entry table (R table, then G, then B: 768 entries).</summary>
    private static void ApplyLuts(RgbImage image, ReadOnlySpan<byte> luts)
    {
        ReadOnlySpan<byte> r = luts[..256], g = luts.Slice(256, 256), b = luts.Slice(512, 256);
        Span<byte> pixels = image.Pixels;
        for (int i = 0; i < pixels.Length; i += 3)
        {
            pixels[i] = r[pixels[i]];
            pixels[i + 1] = g[pixels[i + 1]];
            pixels[i + 2] = b[pixels[i + 2]];
        }
    }

    /// <summary>Per-channel histograms: R counts in [0, 256), G in [256, 512), B in [512, 768).</summary>
    private static void Histogram(ReadOnlySpan<byte> pixels, Span<int> histogram)
    {
        histogram.Clear();
        for (int i = 0; i < pixels.Length; i += 3)
        {
            histogram[pixels[i]]++;
            histogram[256 + pixels[i + 1]]++;
            histogram[512 + pixels[i + 2]]++;
        }
    }

    private static void EqualizeLut(ReadOnlySpan<int> h, Span<byte> lut)
    {
        long total = 0;
        int nonZero = 0, last = 0;
        for (int i = 0; i < 256; i++)
        {
            if (h[i] == 0) continue;
            nonZero++;
            total += h[i];
            last = h[i];
        }
        long step = nonZero <= 1 ? 0 : (total - last) / 255;
        if (step == 0)
        {
            Identity(lut);
            return;
        }
        long n = step / 2;
        for (int i = 0; i < 256; i++)
        {
            lut[i] = (byte)Math.Min(255, n / step);
            n += h[i];
        }
    }

    private static void AutoContrastLut(ReadOnlySpan<int> h, Span<byte> lut)
    {
        int lo = 0, hi = 255;
        while (lo < 255 && h[lo] == 0) lo++;
        while (hi > 0 && h[hi] == 0) hi--;
        if (hi <= lo)
        {
            Identity(lut);
            return;
        }
        double scale = 255.0 / (hi - lo);
        double offset = -lo * scale;
        for (int i = 0; i < 256; i++) lut[i] = ClampToByte((int)(i * scale + offset));
    }

    private static void Identity(Span<byte> lut)
    {
        for (int i = 0; i < 256; i++) lut[i] = (byte)i;
    }

    private static byte ClampToByte(int value) => (byte)Math.Clamp(value, 0, 255);
}
