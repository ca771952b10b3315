using SkiaSharp;

namespace FineTune.Vision.Imaging;

/// <summary>Encodes <see cref="RgbImage"/> as PNG or JPEG through SkiaSharp (for previews, grids and exports).</summary>
public static class ImageEncoder
{
    /// <summary>Encodes losslessly as PNG.</summary>
    public static byte[] EncodePng(RgbImage image) => Encode(image, SKEncodedImageFormat.Png, 100);

    /// <summary>Encodes as baseline JPEG with <paramref name="quality"/> in 1..100.</summary>
    public static byte[] EncodeJpeg(RgbImage image, int quality = 90)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        return Encode(image, SKEncodedImageFormat.Jpeg, quality);
    }

    /// <summary>
    /// Writes <paramref name="image"/> to <paramref name="path"/>, as PNG for <c>.png</c> and JPEG for
    /// <c>.jpg</c>/<c>.jpeg</c> (case-insensitive), creating the folder if needed.
    /// </summary>
    /// <exception cref="ArgumentException">The extension is neither PNG nor JPEG.</exception>
    public static void Save(RgbImage image, string path, int jpegQuality = 90)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(path);
        string ext = Path.GetExtension(path).ToLowerInvariant();
        byte[] bytes = ext switch
        {
            ".png" => EncodePng(image),
            ".jpg" or ".jpeg" => EncodeJpeg(image, jpegQuality),
            _ => throw new ArgumentException($"Cannot tell the format of '{path}' from its extension '{ext}'; use .png, .jpg or .jpeg.", nameof(path)),
        };
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        File.WriteAllBytes(path, bytes);
    }

    private static byte[] Encode(RgbImage image, SKEncodedImageFormat format, int quality)
    {
        ArgumentNullException.ThrowIfNull(image);
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        Span<byte> rgba = bitmap.GetPixelSpan();
        ReadOnlySpan<byte> rgb = image.Pixels;
        for (int i = 0, j = 0; i < rgb.Length; i += 3, j += 4)
        {
            rgba[j] = rgb[i];
            rgba[j + 1] = rgb[i + 1];
            rgba[j + 2] = rgb[i + 2];
            rgba[j + 3] = 255;
        }
        using SKData data = bitmap.Encode(format, quality)
            ?? throw new InvalidOperationException($"SkiaSharp could not encode a {image.Width}x{image.Height} image as {format}.");
        return data.ToArray();
    }
}
