using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// torchvision's <c>CenterCrop</c>: the central height x width region (offsets <c>round((H − h) / 2)</c> with
/// Python's round-half-to-even); an image smaller than the crop is first padded with black, as torchvision does.
/// </summary>
public sealed class CenterCrop : ITransform
{
    /// <summary>A square <paramref name="size"/> x <paramref name="size"/> crop.</summary>
    public CenterCrop(int size) : this(size, size) { }

    /// <summary>A <paramref name="height"/> x <paramref name="width"/> crop.</summary>
    public CenterCrop(int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        Height = height;
        Width = width;
    }

    /// <summary>Crop height.</summary>
    public int Height { get; }

    /// <summary>Crop width.</summary>
    public int Width { get; }

    /// <summary>The crop rectangle for an image of at least the crop size.</summary>
    public static PixelRect Region(int imageWidth, int imageHeight, int width, int height) =>
        new((int)Math.Round((imageWidth - width) / 2.0), (int)Math.Round((imageHeight - height) / 2.0), width, height);

    /// <inheritdoc />
    public RgbImage Apply(RgbImage image, Random rng)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Width == Width && image.Height == Height) return image;
        if (image.Width < Width || image.Height < Height)
        {
            int padW = Math.Max(Width - image.Width, 0), padH = Math.Max(Height - image.Height, 0);
            image = ImageOwnership.Replace(image, GeometryOps.Pad(image, padW / 2, padH / 2, (padW + 1) / 2, (padH + 1) / 2, PaddingMode.Constant));
            if (image.Width == Width && image.Height == Height) return image;
        }
        return ImageOwnership.Replace(image, GeometryOps.Crop(image, Region(image.Width, image.Height, Width, Height)));
    }

    /// <inheritdoc />
    public override string ToString() => $"CenterCrop({Height}x{Width})";
}
