using FineTune.Vision.Imaging;
using FineTune.Vision.Transforms;
using TorchSharp;

namespace FineTune.Vision.Data;

/// <summary>
/// A dataset with its per-sample stage attached: what a <see cref="DataLoader"/> reads. Made by
/// <see cref="DatasetExtensions.With"/> (float samples from an <see cref="ISampleEncoder"/>) or
/// <see cref="DatasetExtensions.WithUInt8"/> (raw 0..255 bytes, normalised later on the device).
/// </summary>
public sealed class SampleSource
{
    internal SampleSource(IImageDataset dataset, ISampleEncoder encoder)
    {
        Dataset = dataset;
        Encoder = encoder;
        SampleShape = encoder.SampleShape;
        Splits = encoder is SplitSampleEncoder split ? split.Splits : 1;
        if (SampleShape.Channels <= 0 || SampleShape.Height <= 0 || SampleShape.Width <= 0)
            throw new ArgumentException($"The encoder's SampleShape {SampleShape} must be positive in every dimension.", nameof(encoder));
        ElementType = torch.ScalarType.Float32;
    }

    internal SampleSource(IImageDataset dataset, ITransform? transform, int height, int width)
    {
        Dataset = dataset;
        Transform = transform;
        SampleShape = (3, height, width);
        ElementType = torch.ScalarType.Byte;
    }

    /// <summary>The dataset samples come from.</summary>
    public IImageDataset Dataset { get; }

    /// <summary>The float encoder, for <see cref="torch.ScalarType.Float32"/> sources; null for uint8 ones.</summary>
    public ISampleEncoder? Encoder { get; }

    /// <summary>The image transform of a uint8 source (null: images are used as decoded).</summary>
    public ITransform? Transform { get; }

    /// <summary>
    /// Versions of each image in a sample (a <see cref="SplitSampleEncoder"/>'s splits; otherwise 1). With several, the
    /// loader gives split-wise batches: [Splits·N, C / Splits, H, W] images, labels and sample indices repeated per split.
    /// </summary>
    public int Splits { get; } = 1;

    /// <summary>Channels, height and width of each sample (for a split source all splits stacked: 3·<see cref="Splits"/> channels).</summary>
    public (int Channels, int Height, int Width) SampleShape { get; }

    /// <summary>Element type of the batch tensors: Float32 (encoded) or Byte (raw pixels, CHW).</summary>
    public torch.ScalarType ElementType { get; }

    /// <summary>Number of elements in one sample: C·H·W.</summary>
    public int SampleLength => SampleShape.Channels * SampleShape.Height * SampleShape.Width;

    /// <summary>
    /// timm's split-wise collation (<c>fast_collate</c> of tuples): rows [N, S·C, H, W] become [S·N, C, H, W] with split
    /// k of sample i at row k·N + i; labels and indices repeat per split. Disposes the given tensors when it rearranges.
    /// </summary>
    internal (torch.Tensor Images, torch.Tensor Labels, int[] Indices) ArrangeSplits(torch.Tensor images, torch.Tensor labels, int[] indices)
    {
        if (Splits == 1) return (images, labels, indices);
        var (c, h, w) = SampleShape;
        long n = images.shape[0];
        torch.Tensor arranged, repeated;
        using (var scope = torch.NewDisposeScope())
        {
            arranged = images.view(n, Splits, c / Splits, h, w).transpose(0, 1).reshape(Splits * n, c / Splits, h, w).contiguous().DetachFromDisposeScope();
            repeated = labels.repeat(Splits).DetachFromDisposeScope();
        }
        images.Dispose();
        labels.Dispose();
        int[] rows = new int[Splits * indices.Length];
        for (int k = 0; k < Splits; k++) indices.CopyTo(rows, k * indices.Length);
        return (arranged, repeated, rows);
    }

    /// <summary>Encodes an image of item <paramref name="index"/> into its float slot (consumes the image).</summary>
    internal void Write(int index, RgbImage image, Span<float> destination, Random rng) =>
        Encoder!.Encode(image, destination, rng);

    /// <summary>Transforms an image of item <paramref name="index"/> and writes it as CHW bytes (consumes the image).</summary>
    /// <exception cref="InvalidOperationException">The (transformed) image is not exactly the source's size.</exception>
    internal void Write(int index, RgbImage image, Span<byte> destination, Random rng)
    {
        image = Transform is null ? image : Transform.Apply(image, rng);
        using (image)
        {
            var (_, height, width) = SampleShape;
            if (image.Width != width || image.Height != height)
                throw new InvalidOperationException(
                    $"Sample {index} ({Dataset.DescribeSource(index)}) is {image.Width}x{image.Height} after the transform, but this uint8 source needs exactly {width}x{height}; end the transform with a resize or crop to {width}x{height}.");
            ReadOnlySpan<byte> rgb = image.Pixels;
            int plane = width * height;
            for (int i = 0; i < plane; i++)
            {
                destination[i] = rgb[3 * i];
                destination[plane + i] = rgb[3 * i + 1];
                destination[2 * plane + i] = rgb[3 * i + 2];
            }
        }
    }
}
