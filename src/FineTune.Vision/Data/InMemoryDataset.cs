using FineTune.Vision.Imaging;

namespace FineTune.Vision.Data;

/// <summary>
/// A dataset of images held in memory. The constructor copies the pixels, so the caller keeps ownership of the
/// images it passes; every <see cref="Load"/> returns a fresh copy the caller owns.
/// </summary>
public sealed class InMemoryDataset : IImageDataset
{
    private readonly (int Width, int Height, byte[] Rgb)[] _images;
    private readonly DatasetLabels _labels;

    /// <summary>Creates a dataset from images and their labels (pixels are copied).</summary>
    /// <param name="images">The images; not disposed or kept.</param>
    /// <param name="labels">One label per image, each in 0..classNames.Count-1.</param>
    /// <param name="classNames">Class names, indexed by label.</param>
    /// <param name="name">Names the dataset in error messages.</param>
    /// <exception cref="ArgumentException">Counts differ, or a label is out of range.</exception>
    public InMemoryDataset(IReadOnlyList<RgbImage> images, IReadOnlyList<int> labels, IReadOnlyList<string> classNames, string name = "in-memory dataset")
    {
        ArgumentNullException.ThrowIfNull(images);
        _labels = new DatasetLabels(images.Count, labels, classNames, name);
        _images = [.. images.Select(im => (im.Width, im.Height, im.Pixels.ToArray()))];
    }

    /// <inheritdoc />
    public int Count => _labels.Count;

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => _labels.ClassNames;

    /// <inheritdoc />
    public int GetLabel(int index) => _labels.GetLabel(index);

    /// <inheritdoc />
    public RgbImage Load(int index)
    {
        _labels.CheckIndex(index);
        var (width, height, rgb) = _images[index];
        return new RgbImage(width, height, rgb);
    }

    /// <inheritdoc />
    public string DescribeSource(int index) => _labels.DescribeSource(index);
}
