using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// torchvision's <c>Resize</c> on PIL images: either the shorter side to <c>size</c> keeping the aspect ratio
/// (the longer side is <c>int(size · long / short)</c>, optionally capped by <c>maxSize</c>), or an exact
/// height x width. Antialiased on downscale (Pillow's filters). Default interpolation: bilinear, as torchvision.
/// </summary>
public sealed class Resize : ITransform
{
    private readonly int? _shorterSide, _maxSize, _height, _width;

    /// <summary>Resizes the shorter side to <paramref name="size"/>; the longer side follows the aspect ratio.</summary>
    /// <param name="size">Target shorter side.</param>
    /// <param name="interpolation">Default: <see cref="Interpolation.Bilinear"/>.</param>
    /// <param name="maxSize">If set, the longer side is capped there (the shorter side shrinks to match), as torchvision's <c>max_size</c>.</param>
    public Resize(int size, Interpolation interpolation = Interpolation.Bilinear, int? maxSize = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        if (maxSize is { } max && max <= size)
            throw new ArgumentOutOfRangeException(nameof(maxSize), maxSize, $"maxSize must be greater than size ({size}).");
        _shorterSide = size;
        _maxSize = maxSize;
        Interpolation = interpolation;
    }

    /// <summary>Resizes to exactly <paramref name="height"/> x <paramref name="width"/> (torchvision's <c>Resize((h, w))</c>).</summary>
    public Resize(int height, int width, Interpolation interpolation = Interpolation.Bilinear)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        _height = height;
        _width = width;
        Interpolation = interpolation;
    }

    /// <summary>The resampling filter.</summary>
    public Interpolation Interpolation { get; }

    /// <summary>The output size for an input of <paramref name="width"/> x <paramref name="height"/>.</summary>
    public (int Width, int Height) OutputSize(int width, int height)
    {
        if (_shorterSide is not { } size) return (_width!.Value, _height!.Value);
        bool wide = width >= height;
        int shortSide = wide ? height : width, longSide = wide ? width : height;
        int newShort = size, newLong = (int)((long)size * longSide / shortSide);
        if (_maxSize is { } max && newLong > max)
        {
            newShort = (int)((long)max * newShort / newLong);
            newLong = max;
        }
        return wide ? (newLong, newShort) : (newShort, newLong);
    }

    /// <inheritdoc />
    public RgbImage Apply(RgbImage image, Random rng)
    {
        ArgumentNullException.ThrowIfNull(image);
        (int w, int h) = OutputSize(image.Width, image.Height);
        if (w == image.Width && h == image.Height) return image;
        using (image) return Resampler.Resize(image, w, h, Interpolation);
    }

    /// <inheritdoc />
    public override string ToString() =>
        _shorterSide is { } s ? $"Resize({s}, {Interpolation})" : $"Resize({_height}x{_width}, {Interpolation})";
}
