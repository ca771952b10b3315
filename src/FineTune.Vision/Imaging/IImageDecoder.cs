namespace FineTune.Vision.Imaging;

/// <summary>
/// Turns an encoded image (JPEG, PNG, BMP, GIF, WebP) into an <see cref="RgbImage"/>. The library ships two:
/// <see cref="SkiaImageDecoder"/> (the default, see <see cref="ImageDecoder.Default"/>) and <see cref="ImageSharpImageDecoder"/>.
/// Every implementation converts grayscale, palette, CMYK and alpha inputs to RGB (alpha dropped, as Pillow's
/// <c>convert("RGB")</c> does), decodes only the first frame of an animated image, and refuses an image whose header
/// declares more than <c>maxPixels</c> pixels with <see cref="DecompressionBombException"/> before allocating its pixels.
/// Implementations must be safe to call from several threads at once.
/// </summary>
public interface IImageDecoder
{
    /// <summary>Decodes an encoded image held in memory, refusing images of more than <paramref name="maxPixels"/> pixels.</summary>
    /// <param name="encoded">The encoded bytes; the format is told from the content, not from a file name.</param>
    /// <param name="sourceName">Names the image (a file path, for example) in error messages.</param>
    /// <param name="maxPixels">The most pixels (width x height, as the header declares them) the image may have.</param>
    /// <returns>The first frame as RGB; the caller owns and disposes it.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxPixels"/> is not positive.</exception>
    /// <exception cref="InvalidDataException">The bytes are empty, truncated, corrupt or not an image format the decoder reads; the message names <paramref name="sourceName"/>.</exception>
    /// <exception cref="DecompressionBombException">The header declares more than <paramref name="maxPixels"/> pixels.</exception>
    RgbImage Decode(ReadOnlySpan<byte> encoded, string sourceName, long maxPixels);
}
