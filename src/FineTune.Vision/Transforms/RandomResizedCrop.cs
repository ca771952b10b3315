using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// torchvision's <c>RandomResizedCrop</c>: up to 10 tries of a crop with area fraction uniform in
/// <see cref="RandomResizedCropOptions.Scale"/> and aspect ratio log-uniform in <see cref="RandomResizedCropOptions.Ratio"/>
/// (sides rounded half to even, as Python's <c>round</c>), placed uniformly; when no try fits, the central crop
/// with the aspect ratio clamped to the range. The crop is then resized to Size x Size in one pass.
/// </summary>
public sealed class RandomResizedCrop : RandomTransform<PixelRect>
{
    private readonly RandomResizedCropOptions _options;

    /// <summary>Creates the transform; the options are validated here.</summary>
    public RandomResizedCrop(RandomResizedCropOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>A square crop of <paramref name="size"/> with torchvision's other defaults.</summary>
    public RandomResizedCrop(int size, Interpolation interpolation = Interpolation.Bilinear)
        : this(new RandomResizedCropOptions { Size = size, Interpolation = interpolation }) { }

    /// <summary>The settings.</summary>
    public RandomResizedCropOptions Options => _options;

    /// <summary>torchvision's <c>get_params</c>: draws (area fraction, log ratio) per try, then top and left.</summary>
    public override PixelRect Sample(int width, int height, Random rng)
    {
        double area = (double)width * height;
        double logMin = Math.Log(_options.Ratio.Min), logMax = Math.Log(_options.Ratio.Max);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double targetArea = area * Uniform(rng, _options.Scale.Min, _options.Scale.Max);
            double aspect = Math.Exp(Uniform(rng, logMin, logMax));
            int w = (int)Math.Round(Math.Sqrt(targetArea * aspect));
            int h = (int)Math.Round(Math.Sqrt(targetArea / aspect));
            if (w > 0 && w <= width && h > 0 && h <= height)
            {
                int top = rng.Next(0, height - h + 1);
                int left = rng.Next(0, width - w + 1);
                return new PixelRect(left, top, w, h);
            }
        }
        return CentralFallback(width, height, _options.Ratio);
    }

    /// <summary>The crop used when all 10 tries fail: central, aspect ratio clamped to <paramref name="ratio"/>.</summary>
    public static PixelRect CentralFallback(int width, int height, (double Min, double Max) ratio)
    {
        double inRatio = (double)width / height;
        int w = width, h = height;
        if (inRatio < ratio.Min) h = (int)Math.Round(w / ratio.Min);
        else if (inRatio > ratio.Max) w = (int)Math.Round(h * ratio.Max);
        return new PixelRect((width - w) / 2, (height - h) / 2, w, h);
    }

    /// <inheritdoc />
    public override RgbImage Apply(RgbImage image, in PixelRect parameters)
    {
        ArgumentNullException.ThrowIfNull(image);
        using (image) return Resampler.Resize(image, parameters, _options.Size, _options.Size, _options.Interpolation);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"RandomResizedCrop({_options.Size}, scale={_options.Scale}, ratio={_options.Ratio}, {_options.Interpolation})";
}
