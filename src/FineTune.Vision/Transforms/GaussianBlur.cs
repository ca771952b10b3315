using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// torchvision's <c>GaussianBlur(kernel_size, sigma=(0.1, 2.0))</c>: one sigma drawn uniformly per image, used on
/// both axes, with an odd kernel (reflect padding at the borders).
/// </summary>
public sealed class GaussianBlur : RandomTransform<double>
{
    /// <summary>Creates the transform.</summary>
    /// <param name="kernelSize">Odd kernel side, used for width and height.</param>
    /// <param name="minSigma">Smallest sigma. Default 0.1.</param>
    /// <param name="maxSigma">Largest sigma. Default 2.0.</param>
    public GaussianBlur(int kernelSize, double minSigma = 0.1, double maxSigma = 2.0)
    {
        if (kernelSize <= 0 || kernelSize % 2 == 0)
            throw new ArgumentOutOfRangeException(nameof(kernelSize), kernelSize, "Kernel size must be positive and odd.");
        if (!(minSigma > 0 && minSigma <= maxSigma))
            throw new ArgumentException($"Sigma range must satisfy 0 < min <= max (was [{minSigma}, {maxSigma}]).");
        (KernelSize, MinSigma, MaxSigma) = (kernelSize, minSigma, maxSigma);
    }

    /// <summary>Kernel side in pixels.</summary>
    public int KernelSize { get; }

    /// <summary>Smallest sigma.</summary>
    public double MinSigma { get; }

    /// <summary>Largest sigma.</summary>
    public double MaxSigma { get; }

    /// <summary>Draws sigma.</summary>
    public override double Sample(int width, int height, Random rng) => Uniform(rng, MinSigma, MaxSigma);

    /// <inheritdoc />
    public override RgbImage Apply(RgbImage image, in double parameters)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Replace(image, BlurOps.GaussianBlur(image, KernelSize, KernelSize, parameters, parameters));
    }

    /// <inheritdoc />
    public override string ToString() => $"GaussianBlur({KernelSize}, sigma=[{MinSigma}, {MaxSigma}])";
}
