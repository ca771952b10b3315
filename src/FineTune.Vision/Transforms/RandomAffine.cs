using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// torchvision's <c>RandomAffine</c> on PIL images: draws angle, then translation (rounded half to even to whole
/// pixels), then scale, then shear, and warps with torchvision's inverse matrix about the image centre.
/// </summary>
public sealed class RandomAffine : RandomTransform<AffineParameters>
{
    private readonly RandomAffineOptions _options;

    /// <summary>Creates the transform; the options are validated here.</summary>
    public RandomAffine(RandomAffineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>The settings.</summary>
    public RandomAffineOptions Options => _options;

    /// <summary>torchvision's <c>RandomAffine.get_params</c>.</summary>
    public override AffineParameters Sample(int width, int height, Random rng)
    {
        double angle = Uniform(rng, _options.Degrees.Min, _options.Degrees.Max);
        int tx = 0, ty = 0;
        if (_options.Translate is { } t)
        {
            double maxDx = t.X * width, maxDy = t.Y * height;
            tx = (int)Math.Round(Uniform(rng, -maxDx, maxDx));
            ty = (int)Math.Round(Uniform(rng, -maxDy, maxDy));
        }
        double scale = _options.Scale is { } s ? Uniform(rng, s.Min, s.Max) : 1.0;
        double shearX = 0, shearY = 0;
        if (_options.ShearX is not null || _options.ShearY is not null)
        {
            var sx = _options.ShearX ?? (0, 0);
            shearX = Uniform(rng, sx.Min, sx.Max);
            if (_options.ShearY is { } sy) shearY = Uniform(rng, sy.Min, sy.Max);
        }
        return new AffineParameters(angle, tx, ty, scale, shearX, shearY);
    }

    /// <inheritdoc />
    public override RgbImage Apply(RgbImage image, in AffineParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(image);
        var m = AffineMatrix.TorchvisionInverse(image.Width * 0.5, image.Height * 0.5, parameters.Angle,
            parameters.TranslateX, parameters.TranslateY, parameters.Scale, parameters.ShearX, parameters.ShearY);
        return Replace(image, AffineWarp.Transform(image, m, image.Width, image.Height, _options.Interpolation, _options.Fill));
    }

    /// <inheritdoc />
    public override string ToString() => $"RandomAffine(degrees={_options.Degrees}, translate={_options.Translate}, scale={_options.Scale})";
}
