namespace FineTune.Vision.Imaging;

/// <summary>An axis-aligned rectangle of whole pixels: left <see cref="X"/>, top <see cref="Y"/>, and its size.</summary>
/// <param name="X">Left column (inclusive).</param>
/// <param name="Y">Top row (inclusive).</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
public readonly record struct PixelRect(int X, int Y, int Width, int Height)
{
    /// <summary>The rectangle covering all of <paramref name="image"/>.</summary>
    public static PixelRect Of(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return new PixelRect(0, 0, image.Width, image.Height);
    }

    /// <summary>Throws unless the rectangle is non-empty and lies inside an image of the given size.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rectangle is empty or reaches outside the image.</exception>
    public void EnsureInside(int imageWidth, int imageHeight, string paramName)
    {
        if (Width <= 0 || Height <= 0 || X < 0 || Y < 0 || X + Width > imageWidth || Y + Height > imageHeight)
            throw new ArgumentOutOfRangeException(paramName,
                $"Region {this} must be non-empty and inside the {imageWidth}x{imageHeight} image; clamp it to the image first.");
    }
}
