namespace FineTune.Vision.Imaging;

/// <summary>
/// Decodes JPEG, PNG, BMP, GIF (first frame) and WebP files into <see cref="RgbImage"/> through the process-wide
/// <see cref="Default"/> decoder (<see cref="SkiaImageDecoder"/> unless changed) or a decoder named per call, and holds
/// the decompression-bomb limit <see cref="MaxPixels"/> that every decoder applies. Grayscale, palette, CMYK and alpha
/// inputs all end up RGB (alpha is dropped, as Pillow's <c>convert("RGB")</c> does).
/// </summary>
public static class ImageDecoder
{
    /// <summary>The default <see cref="MaxPixels"/>: 128 megapixels (Pillow refuses from about 179 MP by default).</summary>
    public const long DefaultMaxPixels = 128_000_000;

    private static long s_maxPixels = DefaultMaxPixels;
    private static IImageDecoder s_default = SkiaImageDecoder.Instance;

    /// <summary>
    /// The most pixels (width x height, as the header declares them) an image may have: larger ones throw
    /// <see cref="DecompressionBombException"/> before any pixel memory is allocated. Process-wide, like Pillow's
    /// <c>Image.MAX_IMAGE_PIXELS</c>, and applied by every decoder; the overloads taking <c>maxPixels</c> override it per call.
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

    /// <summary>
    /// The decoder used wherever none is named: the overloads of <c>Decode</c> without a decoder, <c>FileImageDataset</c>
    /// (and so <c>ImageFolder</c>, <c>TinyImageNet</c> and <c>ImageList</c>) unless <c>WithDecoder</c> names one,
    /// <c>Trainer.Predict</c>, and the deployment classifiers unless their options name one. Process-wide.
    /// </summary>
    /// <value>Default: <see cref="SkiaImageDecoder.Instance"/> (faster on every format measured, and the package registry
    /// reports security flaws in ImageSharp with crafted images; see docs/input-pipeline.md, "Decoders").</value>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public static IImageDecoder Default
    {
        get => Volatile.Read(ref s_default);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            Volatile.Write(ref s_default, value);
        }
    }

    /// <summary>Decodes the image file at <paramref name="path"/> with <see cref="Default"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a decodable image; the message names the file.</exception>
    /// <exception cref="DecompressionBombException">The header declares more than <see cref="MaxPixels"/> pixels.</exception>
    public static RgbImage Decode(string path) => Decode(path, null);

    /// <summary>
    /// Decodes the image file at <paramref name="path"/> with <paramref name="decoder"/> (<see cref="Default"/> when null),
    /// refusing images of more than <see cref="MaxPixels"/> pixels.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a decodable image; the message names the file.</exception>
    /// <exception cref="DecompressionBombException">The header declares more than <see cref="MaxPixels"/> pixels.</exception>
    public static RgbImage Decode(string path, IImageDecoder? decoder) => Decode(path, MaxPixels, decoder);

    /// <summary>Decodes the image file at <paramref name="path"/> with <see cref="Default"/>, refusing images of more than <paramref name="maxPixels"/> pixels.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a decodable image; the message names the file.</exception>
    /// <exception cref="DecompressionBombException">The header declares more than <paramref name="maxPixels"/> pixels.</exception>
    public static RgbImage Decode(string path, long maxPixels) => Decode(path, maxPixels, null);

    private static RgbImage Decode(string path, long maxPixels, IImageDecoder? decoder)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Image file '{path}' does not exist.", path);
        return (decoder ?? Default).Decode(File.ReadAllBytes(path), path, maxPixels);
    }

    /// <summary>
    /// Decodes an encoded image read from <paramref name="stream"/> to its end (not disposed) with <see cref="Default"/>;
    /// a <see cref="FileStream"/> is named by its file in errors, any other stream as "image stream".
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not a decodable image.</exception>
    /// <exception cref="DecompressionBombException">The header declares more than <see cref="MaxPixels"/> pixels.</exception>
    public static RgbImage Decode(Stream stream) => Decode(stream, null);

    /// <summary>
    /// Decodes an encoded image read from <paramref name="stream"/> to its end (not disposed) with <paramref name="decoder"/>
    /// (<see cref="Default"/> when null); a <see cref="FileStream"/> is named by its file in errors, any other stream as "image stream".
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not a decodable image.</exception>
    /// <exception cref="DecompressionBombException">The header declares more than <see cref="MaxPixels"/> pixels.</exception>
    public static RgbImage Decode(Stream stream, IImageDecoder? decoder)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        string name = stream is FileStream file ? file.Name : "image stream";
        return (decoder ?? Default).Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), name, MaxPixels);
    }

    /// <summary>Decodes an encoded image held in memory with <see cref="Default"/>; <paramref name="sourceName"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a decodable image.</exception>
    /// <exception cref="DecompressionBombException">The header declares more than <see cref="MaxPixels"/> pixels.</exception>
    public static RgbImage Decode(ReadOnlySpan<byte> encoded, string sourceName) => Default.Decode(encoded, sourceName, MaxPixels);

    /// <summary>Decodes an encoded image held in memory with <see cref="Default"/>, refusing images of more than <paramref name="maxPixels"/> pixels.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a decodable image.</exception>
    /// <exception cref="DecompressionBombException">The header declares more than <paramref name="maxPixels"/> pixels.</exception>
    public static RgbImage Decode(ReadOnlySpan<byte> encoded, string sourceName, long maxPixels) => Default.Decode(encoded, sourceName, maxPixels);
}
