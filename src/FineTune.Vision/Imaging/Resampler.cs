using System.Buffers;

namespace FineTune.Vision.Imaging;

/// <summary>
/// Resizes images as Pillow's <c>Image.resize</c> does (what torchvision's <c>Resize</c> calls on PIL images):
/// separable two-pass convolution with the filter's support widened by the downscale factor (antialiasing), and
/// Pillow's fixed-point weights and rounding, so bilinear and bicubic output matches Pillow's bit for bit.
/// Nearest uses Pillow's pixel-centre rule. The source is not modified or disposed; the caller owns the result.
/// </summary>
public static class Resampler
{
    /// <summary>Resizes the whole of <paramref name="source"/> to <paramref name="width"/>x<paramref name="height"/>.</summary>
    public static RgbImage Resize(RgbImage source, int width, int height, Interpolation interpolation)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Resize(source, PixelRect.Of(source), width, height, interpolation);
    }

    /// <summary>
    /// Crops <paramref name="region"/> out of <paramref name="source"/> and resizes it, in one pass and without an
    /// intermediate copy; the result equals <c>Crop</c> followed by <c>Resize</c> (samples never come from outside
    /// the region), which is what torchvision's <c>resized_crop</c> does.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The region is outside the image, or a target side is not positive.</exception>
    public static RgbImage Resize(RgbImage source, PixelRect region, int width, int height, Interpolation interpolation)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        region.EnsureInside(source.Width, source.Height, nameof(region));
        if (region.Width == width && region.Height == height) return GeometryOps.Crop(source, region);
        return interpolation switch
        {
            Interpolation.Nearest => ResizeNearest(source, region, width, height),
            Interpolation.Bilinear or Interpolation.Bicubic => ResizeConvolution(source, region, width, height, interpolation),
            _ => throw new ArgumentOutOfRangeException(nameof(interpolation), interpolation, "Use Nearest, Bilinear or Bicubic."),
        };
    }

    private static RgbImage ResizeConvolution(RgbImage source, PixelRect region, int width, int height, Interpolation filter)
    {
        bool needH = width != region.Width, needV = height != region.Height;
        int stride = source.Stride;
        int regionOffset = region.Y * stride + region.X * 3;
        var result = new RgbImage(width, height);
        if (!needH)
        {
            ResamplePasses.Vertical(source.Pixels, regionOffset, stride, width * 3, result.Pixels,
                                    ResampleCoefficients.Create(region.Height, height, filter));
            return result;
        }
        var xCoef = ResampleCoefficients.Create(region.Width, width, filter);
        if (!needV)
        {
            ResamplePasses.Horizontal(source.Pixels, regionOffset, stride, height, result.Pixels, xCoef);
            return result;
        }
        var yCoef = ResampleCoefficients.Create(region.Height, height, filter);
        int yFirst = yCoef.Start[0];
        int yLast = yCoef.Start[height - 1] + yCoef.Count[height - 1];
        int tempStride = width * 3;
        byte[] temp = ArrayPool<byte>.Shared.Rent(tempStride * (yLast - yFirst));
        try
        {
            ResamplePasses.Horizontal(source.Pixels, regionOffset + yFirst * stride, stride, yLast - yFirst, temp, xCoef);
            ResamplePasses.Vertical(temp, -yFirst * tempStride, tempStride, tempStride, result.Pixels, yCoef);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(temp);
        }
        return result;
    }

    private static RgbImage ResizeNearest(RgbImage source, PixelRect region, int width, int height)
    {
        int[] xs = NearestIndices(region.Width, width);
        int[] ys = NearestIndices(region.Height, height);
        var result = new RgbImage(width, height);
        ReadOnlySpan<byte> src = source.Pixels;
        Span<byte> dst = result.Pixels;
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> row = src.Slice((region.Y + ys[y]) * source.Stride + region.X * 3, region.Width * 3);
            Span<byte> outRow = dst.Slice(y * width * 3, width * 3);
            for (int x = 0; x < width; x++)
            {
                int s = xs[x] * 3;
                outRow[3 * x] = row[s];
                outRow[3 * x + 1] = row[s + 1];
                outRow[3 * x + 2] = row[s + 2];
            }
        }
        return result;
    }

    /// <summary>Pillow's nearest rule: source index = floor of the output centre mapped back, accumulated in doubles.</summary>
    private static int[] NearestIndices(int inSize, int outSize)
    {
        var indices = new int[outSize];
        double step = (double)inSize / outSize;
        double pos = step * 0.5;
        for (int i = 0; i < outSize; i++, pos += step) indices[i] = Math.Min((int)pos, inSize - 1);
        return indices;
    }
}
