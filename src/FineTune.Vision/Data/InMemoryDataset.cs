using FineTune.Vision.Imaging;

namespace FineTune.Vision.Data;

/// <summary>
/// A dataset of images held in memory. The constructor copies the pixels, so the caller keeps ownership of the
/// images it passes; every <see cref="Load"/> returns a fresh copy the caller owns.
/// </summary>
public sealed class InMemoryDataset : IImageDataset
{
    private readonly (int Width, int Height, byte[] Rgb)[] _images;
    private readonly int[] _labels;
    private readonly string[] _classNames;
    private readonly string _name;

    /// <summary>Creates a dataset from images and their labels (pixels are copied).</summary>
    /// <param name="images">The images; not disposed or kept.</param>
    /// <param name="labels">One label per image, each in 0..classNames.Count-1.</param>
    /// <param name="classNames">Class names, indexed by label.</param>
    /// <param name="name">Names the dataset in error messages.</param>
    /// <exception cref="ArgumentException">Counts differ, or a label is out of range.</exception>
    public InMemoryDataset(IReadOnlyList<RgbImage> images, IReadOnlyList<int> labels, IReadOnlyList<string> classNames, string name = "in-memory dataset")
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (images.Count != labels.Count)
            throw new ArgumentException($"{images.Count} images but {labels.Count} labels; give one label per image.", nameof(labels));
        for (int i = 0; i < labels.Count; i++)
        {
            if ((uint)labels[i] >= (uint)classNames.Count)
                throw new ArgumentException($"Label {labels[i]} of image {i} is outside 0..{classNames.Count - 1} ({classNames.Count} classes).", nameof(labels));
        }
        _images = [.. images.Select(im => (im.Width, im.Height, im.Pixels.ToArray()))];
        _labels = [.. labels];
        _classNames = [.. classNames];
        _name = name;
    }

    /// <inheritdoc />
    public int Count => _images.Length;

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => _classNames;

    /// <inheritdoc />
    public int GetLabel(int index)
    {
        CheckIndex(index);
        return _labels[index];
    }

    /// <inheritdoc />
    public RgbImage Load(int index)
    {
        CheckIndex(index);
        var (width, height, rgb) = _images[index];
        return new RgbImage(width, height, rgb);
    }

    /// <inheritdoc />
    public string DescribeSource(int index)
    {
        CheckIndex(index);
        return $"{_name}, image {index}";
    }

    private void CheckIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _images.Length);
    }
}
