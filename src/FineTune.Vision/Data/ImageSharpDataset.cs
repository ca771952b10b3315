using FineTune.Vision.Imaging;
using SixLabors.ImageSharp;

namespace FineTune.Vision.Data;

/// <summary>
/// A dataset over SixLabors.ImageSharp images already in memory (any pixel type), each with a label: the
/// <see cref="InMemoryDataset"/> of an application that holds <c>Image&lt;Rgb24&gt;</c> or <c>Image</c> objects. The
/// images are kept by reference, not copied: the caller keeps ownership, must not dispose or change them while the
/// dataset is in use, and every <see cref="Load"/> converts one (<see cref="ImageSharpInterop.ToRgbImage(Image)"/>,
/// one copy per row) into a new <see cref="RgbImage"/> the caller owns. Reading an ImageSharp image from several
/// threads at once is safe, so the <see cref="DataLoader"/> may use several workers.
/// </summary>
public sealed class ImageSharpDataset : IImageDataset
{
    private readonly Image[] _images;
    private readonly int[] _labels;
    private readonly string[] _classNames;
    private readonly string _name;

    /// <summary>Creates a dataset over images and their labels (the images are referenced, not copied).</summary>
    /// <param name="images">The images; the caller keeps and disposes them after the dataset's last use.</param>
    /// <param name="labels">One label per image, each in 0..classNames.Count-1.</param>
    /// <param name="classNames">Class names, indexed by label.</param>
    /// <param name="name">Names the dataset in error messages.</param>
    /// <exception cref="ArgumentException">Counts differ, an image is null, or a label is out of range.</exception>
    public ImageSharpDataset(IReadOnlyList<Image> images, IReadOnlyList<int> labels, IReadOnlyList<string> classNames, string name = "ImageSharp dataset")
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(name);
        if (images.Count != labels.Count)
            throw new ArgumentException($"{images.Count} images but {labels.Count} labels; give one label per image.", nameof(labels));
        for (int i = 0; i < images.Count; i++)
        {
            if (images[i] is null) throw new ArgumentException($"Image {i} of {name} is null.", nameof(images));
            if ((uint)labels[i] >= (uint)classNames.Count)
                throw new ArgumentException($"Label {labels[i]} of image {i} is outside 0..{classNames.Count - 1} ({classNames.Count} classes).", nameof(labels));
        }
        _images = [.. images];
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
        return _images[index].ToRgbImage();
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
