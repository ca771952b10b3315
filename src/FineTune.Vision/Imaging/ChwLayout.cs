namespace FineTune.Vision.Imaging;

/// <summary>Copies interleaved RGB pixels into planar channel-major (CHW) order, as tensors hold them.</summary>
internal static class ChwLayout
{
    /// <summary>
    /// Writes <paramref name="image"/> as 3·H·W bytes: all red values row by row, then green, then blue
    /// (torchvision's <c>pil_to_tensor</c> layout; normalise later, e.g. on the device).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not exactly 3·H·W bytes.</exception>
    public static void WriteBytes(RgbImage image, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        int plane = image.Width * image.Height;
        if (destination.Length != 3 * plane)
            throw new ArgumentException($"A 3x{image.Height}x{image.Width} CHW copy needs {3 * plane} bytes, got {destination.Length}.", nameof(destination));
        ReadOnlySpan<byte> rgb = image.Pixels;
        Span<byte> r = destination.Slice(0, plane), g = destination.Slice(plane, plane), b = destination.Slice(2 * plane, plane);
        for (int i = 0, j = 0; i < plane; i++, j += 3)
        {
            r[i] = rgb[j];
            g[i] = rgb[j + 1];
            b[i] = rgb[j + 2];
        }
    }
}
