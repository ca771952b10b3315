using FineTune.Vision.Imaging;

namespace FineTune.Vision.Data;

/// <summary>
/// A dataset of image files, each with a label: what <see cref="ImageFolder"/>, <see cref="TinyImageNet"/> and
/// <see cref="ImageList"/> produce. Images are decoded on every <see cref="Load"/> by <see cref="Decoder"/>, or by
/// <see cref="ImageDecoder.Default"/> when it is null (choose one with <see cref="WithDecoder"/>).
/// </summary>
public sealed class FileImageDataset : IImageDataset
{
    private readonly string[] _paths;
    private readonly int[] _labels;
    private readonly string[] _classNames;

    /// <summary>Creates a dataset from parallel lists of file paths and labels.</summary>
    /// <exception cref="ArgumentException">The lists differ in length, or a label is outside 0..classNames.Count-1.</exception>
    public FileImageDataset(IReadOnlyList<string> paths, IReadOnlyList<int> labels, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (paths.Count != labels.Count)
            throw new ArgumentException($"{paths.Count} paths but {labels.Count} labels; give one label per path.", nameof(labels));
        _paths = [.. paths];
        _labels = [.. labels];
        _classNames = [.. classNames];
        for (int i = 0; i < _labels.Length; i++)
        {
            if ((uint)_labels[i] >= (uint)_classNames.Length)
                throw new ArgumentException($"Label {_labels[i]} of '{_paths[i]}' is outside 0..{_classNames.Length - 1} ({_classNames.Length} classes).", nameof(labels));
        }
    }

    /// <inheritdoc />
    public int Count => _paths.Length;

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => _classNames;

    /// <summary>The image file of each item, in index order.</summary>
    public IReadOnlyList<string> Paths => _paths;

    /// <summary>The decoder of this dataset's files; null (the default) decodes with <see cref="ImageDecoder.Default"/> at load time.</summary>
    public IImageDecoder? Decoder { get; private init; }

    /// <summary>
    /// The same files and labels decoded by <paramref name="decoder"/>, for example
    /// <c>ImageFolder.Open(root).WithDecoder(ImageSharpImageDecoder.Instance)</c>. This dataset is unchanged.
    /// </summary>
    /// <param name="decoder">The decoder; null decodes with <see cref="ImageDecoder.Default"/>.</param>
    /// <returns>A new dataset sharing this one's lists.</returns>
    public FileImageDataset WithDecoder(IImageDecoder? decoder) => new(_paths, _labels, _classNames) { Decoder = decoder };

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
        return ImageDecoder.Decode(_paths[index], Decoder);
    }

    /// <inheritdoc />
    public string DescribeSource(int index)
    {
        CheckIndex(index);
        return $"'{_paths[index]}'";
    }

    private FileImageDataset(string[] paths, int[] labels, string[] classNames) => (_paths, _labels, _classNames) = (paths, labels, classNames);

    private void CheckIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _paths.Length);
    }
}
