using SkiaSharp;

namespace FineTune.Vision.Imaging;

/// <summary>
/// Decodes JPEG, PNG, BMP, GIF (first frame) and WebP files into <see cref="RgbImage"/> through SkiaSharp.
/// Grayscale, palette, CMYK and alpha inputs all end up RGB (alpha is dropped, as Pillow's <c>convert("RGB")</c> does).
/// </summary>
public static class ImageDecoder
{
    /// <summary>The default <see cref="MaxPixels"/>: 128 megapixels (Pillow refuses from about 179 MP by default).</summary>
    public const long DefaultMaxPixels = 128_000_000;

    private static long s_maxPixels = DefaultMaxPixels;

    /// <summary>
    /// The most pixels (width x height, as the header declares them) an image may have: larger ones throw
    /// <see cref="DecompressionBombException"/> before any pixel memory is allocated. Process-wide, like Pillow's
    /// <c>Image.MAX_IMAGE_PIXELS</c>; the overloads taking <c>maxPixels</c> override it per call.
    /// </summary>
    /// <value>Default: <see cref="DefaultMaxPixels"/>.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public static long MaxPixels
    {
        get => Volatile.Read(ref s_maxPixels);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            Volatile.Write(ref s_maxPixels, value);
        }
    }

    /// <summary>Decodes the image file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a decodable image; the message names the file.</exception>
    /// <exception cref="DecompressionBombException">The header declares more than <see cref="MaxPixels"/> pixels.</exception>
    public static RgbImage Decode(string path) => Decode(path, MaxPixels);

    /// <summary>Decodes the image file at <paramref name="path"/>, refusing images of more than <paramref name="maxPixels"/> pixels.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a decodable image; the message names the file.</exception>
    /// <exception cref="DecompressionBombException">The header declares more than <paramref name="maxPixels"/> pixels.</exception>
    public static RgbImage Decode(string path, long maxPixels)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Image file '{path}' does not exist.", path);
        return Decode(File.ReadAllBytes(path), path, maxPixels);
    }

    /// <summary>
    /// Decodes an encoded image read from <paramref name="stream"/> to its end (not disposed); a <see cref="FileStream"/>
    /// is named by its file in errors, any other stream as "image stream".
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not a decodable image.</exception>
    /// <exception cref="DecompressionBombException">The header declares more than <see cref="MaxPixels"/> pixels.</exception>
    public static RgbImage Decode(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        string name = stream is FileStream file ? file.Name : "image stream";
        return Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), name);
    }

    /// <summary>Decodes an encoded image held in memory; <paramref name="sourceName"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a decodable image.</exception>
    /// <exception cref="DecompressionBombException">The header declares more than <see cref="MaxPixels"/> pixels.</exception>
    public static RgbImage Decode(ReadOnlySpan<byte> encoded, string sourceName) => Decode(encoded, sourceName, MaxPixels);

    /// <summary>Decodes an encoded image held in memory, refusing images of more than <paramref name="maxPixels"/> pixels.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a decodable image.</exception>
    /// <exception cref="DecompressionBombException">The header declares more than <paramref name="maxPixels"/> pixels.</exception>
    public static RgbImage Decode(ReadOnlySpan<byte> encoded, string sourceName, long maxPixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPixels);
        if (encoded.IsEmpty) throw new InvalidDataException($"Image '{sourceName}' is empty (0 bytes).");
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data)
            ?? throw new InvalidDataException($"Image '{sourceName}' is not in a format SkiaSharp can decode (JPEG, PNG, BMP, GIF, WebP), or its header is corrupt.");
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0) throw new InvalidDataException($"Image '{sourceName}' declares an empty size of {width} x {height} pixels.");
        if ((long)width * height > maxPixels) throw new DecompressionBombException(sourceName, width, height, maxPixels);
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        SKCodecResult result = codec.GetPixels(info, bitmap.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
            throw new InvalidDataException($"Image '{sourceName}' could not be decoded: {result}.");
        if (result == SKCodecResult.IncompleteInput)
            throw new InvalidDataException($"Image '{sourceName}' is truncated: its data ends before the last row.");
        return FromRgba(bitmap.GetPixelSpan(), info.Width, info.Height);
    }

    private static RgbImage FromRgba(ReadOnlySpan<byte> rgba, int width, int height)
    {
        var image = new RgbImage(width, height);
        Span<byte> rgb = image.Pixels;
        for (int i = 0, j = 0; j < rgb.Length; i += 4, j += 3)
        {
            rgb[j] = rgba[i];
            rgb[j + 1] = rgba[i + 1];
            rgb[j + 2] = rgba[i + 2];
        }
        return image;
    }
}
