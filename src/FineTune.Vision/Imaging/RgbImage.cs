using System.Buffers;

namespace FineTune.Vision.Imaging;

/// <summary>
/// An 8-bit RGB image: interleaved R, G, B bytes, row-major, with no padding (stride = 3·width). The pixel buffer
/// is rented from <see cref="ArrayPool{T}.Shared"/>, so an image is <see cref="IDisposable"/>: whoever owns an image
/// disposes it (transforms consume their input, see <c>ITransform</c>).
/// </summary>
public sealed class RgbImage : IDisposable
{
    private byte[]? _buffer;

    /// <summary>Creates a black image of the given size.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A side is not positive, or the image would exceed 2^31 bytes.</exception>
    public RgbImage(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if ((long)width * height * 3 > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(width), $"An RGB image of {width}x{height} would exceed {Array.MaxLength} bytes.");
        Width = width;
        Height = height;
        _buffer = ArrayPool<byte>.Shared.Rent(width * height * 3);
        Pixels.Clear();
    }

    /// <summary>Creates an image holding a copy of <paramref name="rgb"/> (length 3·width·height).</summary>
    /// <exception cref="ArgumentException">The span's length is not 3·width·height.</exception>
    public RgbImage(int width, int height, ReadOnlySpan<byte> rgb) : this(width, height)
    {
        if (rgb.Length != width * height * 3)
            throw new ArgumentException($"Expected {width * height * 3} bytes for a {width}x{height} RGB image, got {rgb.Length}.", nameof(rgb));
        rgb.CopyTo(Pixels);
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Bytes per row: 3·<see cref="Width"/>.</summary>
    public int Stride => Width * 3;

    /// <summary>All pixels, interleaved RGB, row-major.</summary>
    /// <exception cref="ObjectDisposedException">The image was disposed.</exception>
    public Span<byte> Pixels
    {
        get
        {
            ObjectDisposedException.ThrowIf(_buffer is null, this);
            return _buffer.AsSpan(0, Width * Height * 3);
        }
    }

    /// <summary>One row of pixels.</summary>
    public Span<byte> Row(int y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(y, Height);
        return Pixels.Slice(y * Stride, Stride);
    }

    /// <summary>A new image with the same pixels; the caller owns it.</summary>
    public RgbImage Clone() => new(Width, Height, Pixels);

    /// <summary>Returns the pixel buffer to the pool. Idempotent.</summary>
    public void Dispose()
    {
        byte[]? buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
    }

    /// <inheritdoc />
    public override string ToString() => $"RgbImage {Width}x{Height}";
}
