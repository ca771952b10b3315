using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>Applies one of several transforms, drawn uniformly per image (torchvision's <c>RandomChoice</c> without weights).</summary>
public sealed class RandomChoice : ITransform
{
    private readonly ITransform[] _transforms;

    /// <summary>Chooses among <paramref name="transforms"/> (at least one).</summary>
    /// <exception cref="ArgumentException">The list is empty or holds a null.</exception>
    public RandomChoice(params ITransform[] transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        if (transforms.Length == 0) throw new ArgumentException("RandomChoice needs at least one transform.", nameof(transforms));
        for (int i = 0; i < transforms.Length; i++)
            if (transforms[i] is null) throw new ArgumentException($"Transform #{i} is null.", nameof(transforms));
        _transforms = (ITransform[])transforms.Clone();
    }

    /// <summary>The transforms chosen from.</summary>
    public IReadOnlyList<ITransform> Transforms => _transforms;

    /// <inheritdoc />
    public RgbImage Apply(RgbImage image, Random rng)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(rng);
        return _transforms[rng.Next(_transforms.Length)].Apply(image, rng);
    }

    /// <inheritdoc />
    public override string ToString() => $"RandomChoice({string.Join(", ", _transforms.Select(t => t.ToString()))})";
}

/// <summary>Inverts every channel value at or above <see cref="Threshold"/> (Pillow's <c>ImageOps.solarize</c>, default threshold 128).</summary>
public sealed class Solarize : ITransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="threshold">Values at or above it are inverted; 0–256 (256: none).</param>
    /// <exception cref="ArgumentOutOfRangeException">The threshold is outside [0, 256].</exception>
    public Solarize(double threshold = 128)
    {
        if (!(threshold is >= 0 and <= 256)) throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The solarize threshold must be in [0, 256].");
        Threshold = threshold;
    }

    /// <summary>The threshold.</summary>
    public double Threshold { get; }

    /// <inheritdoc />
    public RgbImage Apply(RgbImage image, Random rng)
    {
        ArgumentNullException.ThrowIfNull(image);
        ColorOps.Solarize(image, Threshold);
        return image;
    }

    /// <inheritdoc />
    public override string ToString() => $"Solarize({Threshold})";
}
