using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// Fluent builder of a <see cref="Compose"/>: <c>new ComposeBuilder().RandomResizedCrop(224).RandomHorizontalFlip().Add(myOp).Build()</c>.
/// Every <c>Random…(p)</c> step is a <see cref="RandomApply"/> around the deterministic transform. Other
/// transforms (user ones, augmentation policies) join with <see cref="Add"/> or extension methods.
/// </summary>
public sealed class ComposeBuilder
{
    private readonly List<ITransform> _transforms = [];

    /// <summary>The transforms added so far.</summary>
    public IReadOnlyList<ITransform> Transforms => _transforms;

    /// <summary>Appends <paramref name="transform"/>.</summary>
    public ComposeBuilder Add(ITransform transform)
    {
        ArgumentNullException.ThrowIfNull(transform);
        _transforms.Add(transform);
        return this;
    }

    /// <summary>Appends <paramref name="transform"/> applied with probability <paramref name="p"/>.</summary>
    public ComposeBuilder AddRandom(ITransform transform, double p) => Add(new RandomApply(transform, p));

    /// <summary>Appends <see cref="Transforms.Resize"/> of the shorter side.</summary>
    public ComposeBuilder Resize(int size, Interpolation interpolation = Interpolation.Bilinear) => Add(new Resize(size, interpolation));

    /// <summary>Appends <see cref="Transforms.Resize"/> to exactly height x width.</summary>
    public ComposeBuilder Resize(int height, int width, Interpolation interpolation) => Add(new Resize(height, width, interpolation));

    /// <summary>Appends a square <see cref="Transforms.CenterCrop"/>.</summary>
    public ComposeBuilder CenterCrop(int size) => Add(new CenterCrop(size));

    /// <summary>Appends a square <see cref="Transforms.RandomCrop"/>.</summary>
    public ComposeBuilder RandomCrop(int size, int padding = 0, bool padIfNeeded = false,
                                     PaddingMode paddingMode = PaddingMode.Constant, RgbColor fill = default) =>
        Add(new RandomCrop(size, size, padding, padIfNeeded, paddingMode, fill));

    /// <summary>Appends <see cref="Transforms.RandomResizedCrop"/> with torchvision's default scale and ratio.</summary>
    public ComposeBuilder RandomResizedCrop(int size, Interpolation interpolation = Interpolation.Bilinear) =>
        Add(new RandomResizedCrop(size, interpolation));

    /// <summary>Appends <see cref="Transforms.RandomResizedCrop"/>.</summary>
    public ComposeBuilder RandomResizedCrop(RandomResizedCropOptions options) => Add(new RandomResizedCrop(options));

    /// <summary>Appends a horizontal flip with probability <paramref name="p"/> (default 0.5).</summary>
    public ComposeBuilder RandomHorizontalFlip(double p = 0.5) => AddRandom(new HorizontalFlip(), p);

    /// <summary>Appends a vertical flip with probability <paramref name="p"/> (default 0.5).</summary>
    public ComposeBuilder RandomVerticalFlip(double p = 0.5) => AddRandom(new VerticalFlip(), p);

    /// <summary>Appends <see cref="Transforms.RandomRotation"/> in [−degrees, degrees].</summary>
    public ComposeBuilder RandomRotation(double degrees, Interpolation interpolation = Interpolation.Nearest, RgbColor fill = default) =>
        Add(new RandomRotation(degrees, interpolation, fill));

    /// <summary>Appends <see cref="Transforms.RandomAffine"/>.</summary>
    public ComposeBuilder RandomAffine(RandomAffineOptions options) => Add(new RandomAffine(options));

    /// <summary>Appends <see cref="Transforms.ColorJitter"/>, applied with probability <paramref name="p"/> (default always).</summary>
    public ComposeBuilder ColorJitter(double brightness = 0, double contrast = 0, double saturation = 0, double hue = 0, double p = 1.0)
    {
        var jitter = new ColorJitter(brightness, contrast, saturation, hue);
        return p >= 1.0 ? Add(jitter) : AddRandom(jitter, p);
    }

    /// <summary>Appends <see cref="Transforms.Grayscale"/> (always).</summary>
    public ComposeBuilder Grayscale() => Add(new Grayscale());

    /// <summary>Appends grayscale with probability <paramref name="p"/> (torchvision's <c>RandomGrayscale</c>, default 0.1).</summary>
    public ComposeBuilder RandomGrayscale(double p = 0.1) => AddRandom(new Grayscale(), p);

    /// <summary>Appends <see cref="Transforms.GaussianBlur"/>.</summary>
    public ComposeBuilder GaussianBlur(int kernelSize, double minSigma = 0.1, double maxSigma = 2.0) =>
        Add(new GaussianBlur(kernelSize, minSigma, maxSigma));

    /// <summary>The composed transform (a snapshot: later additions do not change it).</summary>
    public Compose Build() => new(_transforms);

    /// <summary>
    /// A <see cref="SampleEncoder"/> running the composed transforms, then ToTensor + Normalize into
    /// <paramref name="height"/> x <paramref name="width"/>, then <paramref name="tensorTransforms"/>.
    /// </summary>
    public SampleEncoder BuildEncoder(int height, int width, Normalization normalization, params ISampleTensorTransform[] tensorTransforms) =>
        new(Build(), height, width, normalization, tensorTransforms);
}
