using System.Runtime.InteropServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace FineTune.Vision.Imaging;

/// <summary>
/// Conversions between SixLabors.ImageSharp images and <see cref="RgbImage"/>, one copy per row. They use only members
/// present in both ImageSharp 2.x and 3.x (<c>Image&lt;TPixel&gt;.ProcessPixelRows</c>, <c>PixelAccessor&lt;TPixel&gt;.GetRowSpan</c>,
/// <c>PixelOperations&lt;TPixel&gt;.Instance.ToRgb24</c>, <c>Configuration.Default</c> and the <c>Image&lt;Rgb24&gt;(int, int)</c>
/// constructor), so an application that binds a later ImageSharp keeps working with them.
/// </summary>
public static class ImageSharpInterop
{
    /// <summary>
    /// Copies the root frame of <paramref name="image"/> into a new <see cref="RgbImage"/>. <see cref="Rgb24"/> rows are
    /// copied as they are; other pixel types are converted row by row through ImageSharp's <c>ToRgb24</c> (alpha dropped,
    /// not blended; 16-bit channels keep their high byte, rounded).
    /// </summary>
    /// <typeparam name="TPixel">The pixel type of the ImageSharp image.</typeparam>
    /// <param name="image">The image; not disposed, and the caller keeps it.</param>
    /// <returns>A new image the caller owns.</returns>
    public static RgbImage ToRgbImage<TPixel>(this Image<TPixel> image) where TPixel : unmanaged, IPixel<TPixel>
    {
        ArgumentNullException.ThrowIfNull(image);
        var result = new RgbImage(image.Width, image.Height);
        try
        {
            image.ProcessPixelRows(accessor =>
            {
                for (int y = 0; y < accessor.Height; y++)
                {
                    Span<Rgb24> target = MemoryMarshal.Cast<byte, Rgb24>(result.Row(y));
                    if (typeof(TPixel) == typeof(Rgb24))
                        MemoryMarshal.Cast<TPixel, Rgb24>(accessor.GetRowSpan(y)).CopyTo(target);
                    else
                        PixelOperations<TPixel>.Instance.ToRgb24(Configuration.Default, accessor.GetRowSpan(y), target);
                }
            });
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Copies the root frame of an ImageSharp image of any pixel type into a new <see cref="RgbImage"/>
    /// (see <see cref="ToRgbImage{TPixel}(Image{TPixel})"/>);
    /// a pixel type other than the common 8- and 16-bit ones goes through <c>CloneAs&lt;Rgb24&gt;</c> first.
    /// </summary>
    /// <param name="image">The image; not disposed, and the caller keeps it.</param>
    /// <returns>A new image the caller owns.</returns>
    public static RgbImage ToRgbImage(this Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return image switch
        {
            Image<Rgb24> i => i.ToRgbImage(),
            Image<Rgba32> i => i.ToRgbImage(),
            Image<Bgr24> i => i.ToRgbImage(),
            Image<Bgra32> i => i.ToRgbImage(),
            Image<L8> i => i.ToRgbImage(),
            Image<L16> i => i.ToRgbImage(),
            Image<La16> i => i.ToRgbImage(),
            Image<Rgb48> i => i.ToRgbImage(),
            Image<Rgba64> i => i.ToRgbImage(),
            _ => ConvertThroughClone(image),
        };
    }

    /// <summary>Copies <paramref name="image"/> into a new ImageSharp <see cref="Image{Rgb24}"/> (one copy per row).</summary>
    /// <param name="image">The image; not disposed, and the caller keeps it.</param>
    /// <returns>A new ImageSharp image the caller owns and disposes.</returns>
    /// <exception cref="ObjectDisposedException"><paramref name="image"/> was disposed.</exception>
    public static Image<Rgb24> ToImageSharp(this RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        _ = image.Pixels; // throws ObjectDisposedException before allocating
        var result = new Image<Rgb24>(image.Width, image.Height);
        try
        {
            result.ProcessPixelRows(accessor =>
            {
                for (int y = 0; y < accessor.Height; y++)
                    MemoryMarshal.Cast<byte, Rgb24>(image.Row(y)).CopyTo(accessor.GetRowSpan(y));
            });
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    private static RgbImage ConvertThroughClone(Image image)
    {
        using Image<Rgb24> rgb = image.CloneAs<Rgb24>();
        return rgb.ToRgbImage();
    }
}
