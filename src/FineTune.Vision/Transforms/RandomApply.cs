using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// Applies a transform with probability <see cref="P"/> — the library's one probability gate (random flips,
/// random grayscale, jitter with a probability are all <c>RandomApply</c> around a deterministic transform).
/// One uniform draw is always taken, so later draws do not depend on <see cref="P"/> being 0 or 1.
/// </summary>
public sealed class RandomApply : ITransform
{
    /// <summary>Wraps <paramref name="transform"/>, applied when a uniform draw in [0, 1) is below <paramref name="p"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside [0, 1].</exception>
    public RandomApply(ITransform transform, double p)
    {
        ArgumentNullException.ThrowIfNull(transform);
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "Probability must be in [0, 1].");
        Transform = transform;
        P = p;
    }

    /// <summary>The gated transform.</summary>
    public ITransform Transform { get; }

    /// <summary>Probability of applying <see cref="Transform"/>.</summary>
    public double P { get; }

    /// <inheritdoc />
    public RgbImage Apply(RgbImage image, Random rng)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(rng);
        return rng.NextDouble() < P ? Transform.Apply(image, rng) : image;
    }

    /// <inheritdoc />
    public override string ToString() => $"RandomApply({Transform}, p={P})";
}
