using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;

namespace FineTune.Vision.Imaging;

/// <summary>
/// The SixLabors.ImageSharp 2.x decoder (fully managed; Apache-2.0 — the 3.x line is under the Six Labors Split
/// License and is never referenced): JPEG, PNG, BMP, GIF and WebP, the same formats as <see cref="SkiaImageDecoder"/>
/// (ImageSharp's TIFF, TGA and PBM readers are left out to keep the attack surface small). Only the first frame of an
/// animated GIF is decoded (ImageSharp's <c>FrameDecodingMode.First</c>: the frames after it are never read); an
/// animated WebP is refused (<see cref="InvalidDataException"/>: ImageSharp 2.x does not read animated WebP). A file cut
/// short is refused as <see cref="InvalidDataException"/> where ImageSharp notices it (JPEG, PNG) or where the header
/// declares the length (WebP); ImageSharp pads a GIF cut inside its pixel data where Skia refuses it.
/// </summary>
/// <remarks>
/// The registry marks ImageSharp 2.x with "security flaws with crafted images are reported"; decode untrusted files with
/// <see cref="SkiaImageDecoder"/>, the default. Every exception ImageSharp raises on a bad file (format, content,
/// memory-operation or index errors) becomes an <see cref="InvalidDataException"/> naming the file, so
/// <c>DataLoaderOptions.SkipUnreadable</c> skips it like a file Skia refuses. Decoding runs on the calling thread
/// (<c>Configuration.MaxDegreeOfParallelism = 1</c>): the <c>DataLoader</c> parallelises over images.
/// </remarks>
public sealed class ImageSharpImageDecoder : IImageDecoder
{
    private readonly Configuration _configuration;

    private ImageSharpImageDecoder()
    {
        _configuration = new Configuration(
            new JpegConfigurationModule(), new PngConfigurationModule(), new BmpConfigurationModule(),
            new GifConfigurationModule(), new WebpConfigurationModule())
        {
            MaxDegreeOfParallelism = 1,
        };
        _configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First });
    }

    /// <summary>The decoder (its ImageSharp configuration is fixed and shared).</summary>
    public static ImageSharpImageDecoder Instance { get; } = new();

    /// <inheritdoc />
    public RgbImage Decode(ReadOnlySpan<byte> encoded, string sourceName, long maxPixels)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPixels);
        if (encoded.IsEmpty) throw new InvalidDataException($"Image '{sourceName}' is empty (0 bytes).");
        using var stream = new MemoryStream(encoded.ToArray(), writable: false);
        Image<Rgb24> image;
        try
        {
            var info = Image.Identify(_configuration, stream)
                ?? throw new InvalidDataException($"Image '{sourceName}' is not in a format ImageSharp can decode (JPEG, PNG, BMP, GIF, WebP), or its header is corrupt.");
            if (info.Width <= 0 || info.Height <= 0)
                throw new InvalidDataException($"Image '{sourceName}' declares an empty size of {info.Width} x {info.Height} pixels.");
            if ((long)info.Width * info.Height > maxPixels) throw new DecompressionBombException(sourceName, info.Width, info.Height, maxPixels);
            CheckRiffLength(encoded, sourceName);
            stream.Position = 0;
            image = Image.Load<Rgb24>(_configuration, stream);
        }
        catch (Exception e) when (e is not (InvalidDataException or DecompressionBombException or OutOfMemoryException or OperationCanceledException))
        {
            throw new InvalidDataException($"Image '{sourceName}' could not be decoded by ImageSharp: {e.Message}", e);
        }
        using (image)
        {
            return image.ToRgbImage();
        }
    }

    /// <inheritdoc />
    public override string ToString() => "ImageSharp";

    // ImageSharp 2.x decodes a WebP file cut short without an error (the missing part comes out as noise or black);
    // its RIFF header declares the file's length, so a short file is refused here, as Skia refuses it.
    private static void CheckRiffLength(ReadOnlySpan<byte> encoded, string sourceName)
    {
        if (encoded.Length < 12 || !encoded[..4].SequenceEqual("RIFF"u8) || !encoded[8..12].SequenceEqual("WEBP"u8)) return;
        long declared = 8L + System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(encoded[4..8]);
        if (encoded.Length < declared)
            throw new InvalidDataException($"Image '{sourceName}' is truncated: its RIFF header declares {declared} bytes, the file has {encoded.Length}.");
    }
}
