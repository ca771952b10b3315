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
    private readonly DatasetLabels _labels;

    /// <summary>Creates a dataset over images and their labels (the images are referenced, not copied).</summary>
    /// <param name="images">The images; the caller keeps and disposes them after the dataset's last use.</param>
    /// <param name="labels">One label per image, each in 0..classNames.Count-1.</param>
    /// <param name="classNames">Class names, indexed by label.</param>
    /// <param name="name">Names the dataset in error messages.</param>
    /// <exception cref="ArgumentException">Counts differ, an image is null, or a label is out of range.</exception>
    public ImageSharpDataset(IReadOnlyList<Image> images, IReadOnlyList<int> labels, IReadOnlyList<string> classNames, string name = "ImageSharp dataset")
    {
        ArgumentNullException.ThrowIfNull(images);
        _labels = new DatasetLabels(images.Count, labels, classNames, name);
        for (int i = 0; i < images.Count; i++)
            if (images[i] is null) throw new ArgumentException($"Image {i} of {name} is null.", nameof(images));
        _images = [.. images];
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
        return _images[index].ToRgbImage();
    }

    /// <inheritdoc />
    public string DescribeSource(int index) => _labels.DescribeSource(index);
}
