using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// Runs transforms in order, each consuming the previous one's output (torchvision's <c>Compose</c>). Build one with
/// <see cref="ComposeBuilder"/> or from a list; user transforms (any <see cref="ITransform"/>) mix with the built-ins.
/// </summary>
public sealed class Compose : ITransform
{
    private readonly ITransform[] _transforms;

    /// <summary>Composes <paramref name="transforms"/> (may be empty: the identity).</summary>
    public Compose(IEnumerable<ITransform> transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        _transforms = transforms.ToArray();
        for (int i = 0; i < _transforms.Length; i++)
            if (_transforms[i] is null) throw new ArgumentException($"Transform #{i} is null.", nameof(transforms));
    }

    /// <summary>Composes <paramref name="transforms"/>.</summary>
    public Compose(params ITransform[] transforms) : this((IEnumerable<ITransform>)transforms) { }

    /// <summary>The transforms, in the order they run.</summary>
    public IReadOnlyList<ITransform> Transforms => _transforms;

    /// <inheritdoc />
    public RgbImage Apply(RgbImage image, Random rng)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(rng);
        foreach (ITransform t in _transforms) image = t.Apply(image, rng);
        return image;
    }

    /// <inheritdoc />
    public override string ToString() => $"Compose({string.Join(", ", _transforms.Select(t => t.ToString()))})";
}
