using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// A per-sample transform on an image: the one small interface a user implements to add an augmentation.
/// </summary>
/// <remarks>
/// <see cref="Apply"/> consumes <c>image</c> (it either returns it, edited in place, or disposes it) and returns an
/// image the caller owns. All randomness comes from <c>rng</c>, which the data loader seeds per sample, so that
/// results do not depend on threads or worker count.
/// </remarks>
public interface ITransform
{
    /// <summary>Transforms <paramref name="image"/>, drawing any randomness from <paramref name="rng"/>.</summary>
    RgbImage Apply(RgbImage image, Random rng);
}
