using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// Base for transforms with random parameters, torchvision-v2 style: <see cref="Sample"/> draws every random value
/// from the generator (and nothing else does), then <see cref="Apply(RgbImage, in TParams)"/> applies them
/// deterministically. Tests and users can call the two halves separately. Implementations keep no per-call state,
/// so one instance may be used from several threads at once.
/// </summary>
/// <typeparam name="TParams">The drawn parameters (a small value type).</typeparam>
public abstract class RandomTransform<TParams> : ITransform where TParams : struct
{
    /// <inheritdoc />
    public RgbImage Apply(RgbImage image, Random rng)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(rng);
        return Apply(image, Sample(image.Width, image.Height, rng));
    }

    /// <summary>Draws the parameters for an image of the given size.</summary>
    public abstract TParams Sample(int width, int height, Random rng);

    /// <summary>Applies drawn parameters; consumes <paramref name="image"/> like <see cref="ITransform.Apply"/>.</summary>
    public abstract RgbImage Apply(RgbImage image, in TParams parameters);

    /// <summary>A uniform draw in [<paramref name="min"/>, <paramref name="max"/>), as <c>torch.empty(1).uniform_(min, max)</c>.</summary>
    protected static double Uniform(Random rng, double min, double max) => min + rng.NextDouble() * (max - min);

    /// <summary>Returns <paramref name="result"/>, disposing <paramref name="input"/> unless it is the same object.</summary>
    protected static RgbImage Replace(RgbImage input, RgbImage result) => ImageOwnership.Replace(input, result);
}
