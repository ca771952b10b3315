using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// torchvision's <c>RandomCrop</c>: optional padding on every side first (<see cref="Padding"/>), optional padding
/// when the image is smaller than the crop (<see cref="PadIfNeeded"/>, adding the shortfall on both sides, as
/// torchvision does), then a uniformly placed height x width crop. Draws: top, then left.
/// </summary>
public sealed class RandomCrop : RandomTransform<PixelRect>
{
    /// <summary>Creates the transform.</summary>
    /// <param name="height">Crop height.</param>
    /// <param name="width">Crop width.</param>
    /// <param name="padding">Pixels added on every side before cropping. Default 0.</param>
    /// <param name="padIfNeeded">Pad when the image is smaller than the crop, instead of throwing. Default false.</param>
    /// <param name="paddingMode">How padding is filled. Default <see cref="PaddingMode.Constant"/>.</param>
    /// <param name="fill">Fill for constant padding. Default black.</param>
    public RandomCrop(int height, int width, int padding = 0, bool padIfNeeded = false,
                      PaddingMode paddingMode = PaddingMode.Constant, RgbColor fill = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        (Height, Width, Padding, PadIfNeeded, PaddingMode, Fill) = (height, width, padding, padIfNeeded, paddingMode, fill);
    }

    /// <summary>Crop height.</summary>
    public int Height { get; }

    /// <summary>Crop width.</summary>
    public int Width { get; }

    /// <summary>Pixels of padding on every side, added before cropping.</summary>
    public int Padding { get; }

    /// <summary>Whether an image smaller than the crop is padded rather than rejected.</summary>
    public bool PadIfNeeded { get; }

    /// <summary>How padding is filled.</summary>
    public PaddingMode PaddingMode { get; }

    /// <summary>Fill colour of constant padding.</summary>
    public RgbColor Fill { get; }

    /// <summary>Draws the crop in the coordinates of the padded image.</summary>
    public override PixelRect Sample(int width, int height, Random rng)
    {
        (int w, int h) = PaddedSize(width, height);
        if (w < Width || h < Height)
            throw new ArgumentException($"RandomCrop of {Height}x{Width} (HxW) needs an image at least that large, got {h}x{w} after padding; set padIfNeeded: true or resize first.");
        if (w == Width && h == Height) return new PixelRect(0, 0, w, h);
        int top = rng.Next(0, h - Height + 1);
        int left = rng.Next(0, w - Width + 1);
        return new PixelRect(left, top, Width, Height);
    }

    /// <inheritdoc />
    public override RgbImage Apply(RgbImage image, in PixelRect parameters)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (Padding > 0)
            image = Replace(image, GeometryOps.Pad(image, Padding, Padding, Padding, Padding, PaddingMode, Fill));
        int extraX = PadIfNeeded ? Math.Max(Width - image.Width, 0) : 0, extraY = PadIfNeeded ? Math.Max(Height - image.Height, 0) : 0;
        if (extraX + extraY > 0)
            image = Replace(image, GeometryOps.Pad(image, extraX, extraY, extraX, extraY, PaddingMode, Fill));
        if (parameters == PixelRect.Of(image)) return image;
        return Replace(image, GeometryOps.Crop(image, parameters));
    }

    private (int Width, int Height) PaddedSize(int width, int height)
    {
        int w = width + 2 * Padding, h = height + 2 * Padding;
        if (PadIfNeeded && w < Width) w += 2 * (Width - w);
        if (PadIfNeeded && h < Height) h += 2 * (Height - h);
        return (w, h);
    }

    /// <inheritdoc />
    public override string ToString() => $"RandomCrop({Height}x{Width}, padding={Padding}, {PaddingMode})";
}
