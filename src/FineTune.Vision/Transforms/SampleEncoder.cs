using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// The standard <see cref="ISampleEncoder"/>: image transforms, then ToTensor + Normalize written straight into
/// the destination as CHW float32 (one table lookup per byte), then tensor-level transforms (e.g. random erasing)
/// on that slice. The image transforms must produce exactly <see cref="Height"/> x <see cref="Width"/>.
/// </summary>
/// <remarks>
/// An encoder holds no per-call state (the built-in transforms hold only their settings), so one instance can
/// serve every loader worker at once; each call gets its own per-sample <see cref="Random"/>.
/// </remarks>
public sealed class SampleEncoder : ISampleEncoder
{
    private readonly ITransform _imageTransform;
    private readonly ISampleTensorTransform[] _tensorTransforms;
    private readonly float[] _lookup;

    /// <summary>Creates the encoder.</summary>
    /// <param name="imageTransform">Runs first, on the decoded image (use a <see cref="Compose"/> for several).</param>
    /// <param name="height">Output height every sample must have.</param>
    /// <param name="width">Output width every sample must have.</param>
    /// <param name="normalization">Mean and std; e.g. <see cref="Normalization.ImageNet"/>.</param>
    /// <param name="tensorTransforms">Run last, in order, on the normalised CHW floats.</param>
    public SampleEncoder(ITransform imageTransform, int height, int width, Normalization normalization,
                         params ISampleTensorTransform[] tensorTransforms)
    {
        ArgumentNullException.ThrowIfNull(imageTransform);
        ArgumentNullException.ThrowIfNull(tensorTransforms);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        _imageTransform = imageTransform;
        _tensorTransforms = (ISampleTensorTransform[])tensorTransforms.Clone();
        _lookup = normalization.BuildLookup();
        (Height, Width, Normalization) = (height, width, normalization);
    }

    /// <summary>Output height.</summary>
    public int Height { get; }

    /// <summary>Output width.</summary>
    public int Width { get; }

    /// <summary>The mean and std applied.</summary>
    public Normalization Normalization { get; }

    /// <summary>The image-level transform.</summary>
    public ITransform ImageTransform => _imageTransform;

    /// <summary>The tensor-level transforms, in order.</summary>
    public IReadOnlyList<ISampleTensorTransform> TensorTransforms => _tensorTransforms;

    /// <inheritdoc />
    public (int Channels, int Height, int Width) SampleShape => (3, Height, Width);

    /// <inheritdoc />
    public void Encode(RgbImage image, Span<float> destination, Random rng)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(rng);
        int plane = Height * Width;
        if (destination.Length != 3 * plane)
        {
            image.Dispose();
            throw new ArgumentException($"Destination holds {destination.Length} floats; a 3x{Height}x{Width} sample needs {3 * plane}.", nameof(destination));
        }
        using (RgbImage result = _imageTransform.Apply(image, rng))
        {
            EnsureSize(result);
            WriteNormalized(result.Pixels, destination, plane);
        }
        foreach (ISampleTensorTransform t in _tensorTransforms) t.Apply(destination, 3, Height, Width, rng);
    }

    /// <summary>
    /// Runs the image transforms on <paramref name="image"/> (consumed) and writes the result as CHW bytes, without
    /// normalisation — for loaders that build uint8 batches and normalise on the device. Tensor transforms need
    /// floats, so an encoder that has any refuses this call.
    /// </summary>
    /// <exception cref="InvalidOperationException">The encoder has tensor transforms, or the image size is wrong.</exception>
    public void EncodeBytes(RgbImage image, Span<byte> destination, Random rng)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(rng);
        if (_tensorTransforms.Length > 0)
        {
            image.Dispose();
            throw new InvalidOperationException(
                $"This encoder has {_tensorTransforms.Length} tensor transform(s) ({string.Join(", ", _tensorTransforms.Select(t => t.GetType().Name))}), " +
                "which run on normalised floats; use Encode, or apply them on the device after normalising the uint8 batch.");
        }
        using RgbImage result = _imageTransform.Apply(image, rng);
        EnsureSize(result);
        ChwLayout.WriteBytes(result, destination);
    }

    private void EnsureSize(RgbImage result)
    {
        if (result.Width != Width || result.Height != Height)
            throw new InvalidOperationException(
                $"The image transforms produced {result.Width}x{result.Height} (WxH) but the encoder writes {Width}x{Height}; " +
                "end the pipeline with a Resize/CenterCrop/RandomResizedCrop to that size.");
    }

    private void WriteNormalized(ReadOnlySpan<byte> rgb, Span<float> chw, int plane)
    {
        if (rgb.Length != 3 * plane || chw.Length != 3 * plane) throw new InvalidOperationException("Sample buffer sizes disagree.");
        ref byte src = ref MemoryMarshal.GetReference(rgb);
        ref float r = ref MemoryMarshal.GetReference(chw);
        ref float g = ref Unsafe.Add(ref r, plane);
        ref float b = ref Unsafe.Add(ref r, 2 * plane);
        ref float lut = ref MemoryMarshal.GetArrayDataReference(_lookup);
        ref float lutG = ref Unsafe.Add(ref lut, 256);
        ref float lutB = ref Unsafe.Add(ref lut, 512);
        for (int i = 0; i < plane; i++)
        {
            ref byte p = ref Unsafe.Add(ref src, 3 * i);
            Unsafe.Add(ref r, i) = Unsafe.Add(ref lut, p);
            Unsafe.Add(ref g, i) = Unsafe.Add(ref lutG, Unsafe.Add(ref p, 1));
            Unsafe.Add(ref b, i) = Unsafe.Add(ref lutB, Unsafe.Add(ref p, 2));
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"SampleEncoder({_imageTransform} -> 3x{Height}x{Width}, {_tensorTransforms.Length} tensor transforms)";
}
