using SkiaSharp;

namespace FineTune.Vision.Imaging;

/// <summary>
/// The SkiaSharp decoder (libjpeg-turbo, libpng, libwebp and Skia's GIF and BMP readers; MIT-licensed): JPEG, PNG, BMP,
/// GIF and WebP. The library's default (<see cref="ImageDecoder.Default"/>). Only the first frame of an animated GIF or
/// WebP is decoded; the frames after it are never read. A truncated file is refused, not padded.
/// </summary>
public sealed class SkiaImageDecoder : IImageDecoder
{
    private SkiaImageDecoder() { }

    /// <summary>The decoder (it holds no state).</summary>
    public static SkiaImageDecoder Instance { get; } = new();

    /// <inheritdoc />
    public RgbImage Decode(ReadOnlySpan<byte> encoded, string sourceName, long maxPixels)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
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
        // GetPixels without SKCodecOptions.FrameIndex decodes frame 0 only; Skia does not parse later frames for it.
        SKCodecResult result = codec.GetPixels(info, bitmap.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
            throw new InvalidDataException($"Image '{sourceName}' could not be decoded: {result}.");
        if (result == SKCodecResult.IncompleteInput)
            throw new InvalidDataException($"Image '{sourceName}' is truncated: its data ends before the last row.");
        return FromRgba(bitmap.GetPixelSpan(), info.Width, info.Height);
    }

    /// <inheritdoc />
    public override string ToString() => "SkiaSharp";

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
