namespace FineTune.Vision.Imaging;

/// <summary>
/// An image's header declares more pixels than <see cref="ImageDecoder.MaxPixels"/> allows (a decompression bomb: a tiny
/// file that would need gigabytes once decoded). Raised from the header, before any pixel memory is allocated. An
/// <see cref="IOException"/> (<see cref="InvalidDataException"/> is sealed), so <c>DataLoaderOptions.SkipUnreadable</c> skips it.
/// </summary>
public sealed class DecompressionBombException : IOException
{
    /// <summary>Creates the exception for the image <paramref name="source"/> of the declared size.</summary>
    /// <param name="source">The file or name of the image.</param>
    /// <param name="width">The declared width.</param>
    /// <param name="height">The declared height.</param>
    /// <param name="limit">The pixel limit in force.</param>
    public DecompressionBombException(string source, int width, int height, long limit)
        : base($"Image '{source}' declares {width} x {height} = {(long)width * height} pixels, more than the limit of {limit} " +
            $"(ImageDecoder.MaxPixels); it may be a decompression bomb. If the image is trusted, raise ImageDecoder.MaxPixels.")
    {
        (SourceName, Width, Height, Limit) = (source, width, height, limit);
    }

    /// <summary>The file or name of the image.</summary>
    public string SourceName { get; }

    /// <summary>The declared width in pixels.</summary>
    public int Width { get; }

    /// <summary>The declared height in pixels.</summary>
    public int Height { get; }

    /// <summary>The pixel limit in force.</summary>
    public long Limit { get; }
}
