using FineTune.Vision.Imaging;

namespace FineTune.Vision.Data;

/// <summary>
/// An image dataset in the IDX format of MNIST and Fashion-MNIST (gzipped or not): an images file of N×H×W
/// (grayscale, expanded to RGB) or N×H×W×C (C = 1 or 3) unsigned bytes, and a labels file of N bytes.
/// Both files are read into memory when opened.
/// </summary>
public sealed class IdxDataset : IImageDataset
{
    private readonly IdxFile _images;
    private readonly IdxFile _labels;
    private readonly string[] _classNames;
    private readonly int _channels;

    private IdxDataset(string imagesPath, IdxFile images, IdxFile labels, string[] classNames)
    {
        ImagesPath = imagesPath;
        _images = images;
        _labels = labels;
        _classNames = classNames;
        _channels = images.Dims.Length == 4 ? images.Dims[3] : 1;
    }

    /// <summary>Fashion-MNIST's class names, in label order 0..9.</summary>
    public static IReadOnlyList<string> FashionMnistClasses { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The images file this dataset was read from.</summary>
    public string ImagesPath { get; }

    /// <summary>Image height in pixels (all images share it).</summary>
    public int Height => _images.Dims[1];

    /// <summary>Image width in pixels (all images share it).</summary>
    public int Width => _images.Dims[2];

    /// <inheritdoc />
    public int Count => _images.Dims[0];

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => _classNames;

    /// <summary>Reads an images file and its labels file.</summary>
    /// <param name="imagesPath">The <c>*-images-idx3-ubyte[.gz]</c> file (N×H×W, or N×H×W×C with C = 1 or 3).</param>
    /// <param name="labelsPath">The <c>*-labels-idx1-ubyte[.gz]</c> file (N labels).</param>
    /// <param name="classNames">Class names by label; default "0".."max label" (use <see cref="FashionMnistClasses"/> for Fashion-MNIST).</param>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is not valid IDX, the counts differ, or a label is out of range; the message names the file.</exception>
    public static IdxDataset Open(string imagesPath, string labelsPath, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(imagesPath);
        ArgumentNullException.ThrowIfNull(labelsPath);
        IdxFile images = IdxFile.Read(imagesPath, 3, 4);
        if (images.Dims.Length == 4 && images.Dims[3] is not (1 or 3))
            throw new InvalidDataException($"IDX file '{imagesPath}' has {images.Dims[3]} channels (last dimension); expected 1 or 3.");
        IdxFile labels = IdxFile.Read(labelsPath, 1);
        if (labels.Dims[0] != images.Dims[0])
            throw new InvalidDataException(
                $"'{labelsPath}' has {labels.Dims[0]} labels but '{imagesPath}' has {images.Dims[0]} images; pair each images file with its own labels file.");
        ReadOnlySpan<byte> values = labels.Data.AsSpan(labels.DataOffset);
        string[] names = classNames is null
            ? [.. Enumerable.Range(0, MaxOf(values) + 1).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))]
            : [.. classNames];
        if (names.Length == 0) throw new ArgumentException("Give at least one class name, or null for \"0\"..\"max label\".", nameof(classNames));
        int bad = values.IndexOfAnyExceptInRange((byte)0, (byte)Math.Min(255, names.Length - 1));
        if (bad >= 0)
            throw new InvalidDataException(
                $"'{labelsPath}' record {bad} has label {values[bad]}, outside 0..{names.Length - 1} ({names.Length} class names given).");
        return new IdxDataset(imagesPath, images, labels, names);
    }

    private static int MaxOf(ReadOnlySpan<byte> values)
    {
        int max = 0;
        foreach (byte v in values) max = Math.Max(max, v);
        return max;
    }

    /// <inheritdoc />
    public int GetLabel(int index)
    {
        CheckIndex(index);
        return _labels.Data[_labels.DataOffset + index];
    }

    /// <inheritdoc />
    public RgbImage Load(int index)
    {
        CheckIndex(index);
        int pixels = Height * Width;
        var record = _images.Data.AsSpan(_images.DataOffset + index * pixels * _channels, pixels * _channels);
        if (_channels == 3) return new RgbImage(Width, Height, record);
        var image = new RgbImage(Width, Height);
        Span<byte> rgb = image.Pixels;
        for (int i = 0; i < pixels; i++)
        {
            byte v = record[i];
            rgb[3 * i] = v;
            rgb[3 * i + 1] = v;
            rgb[3 * i + 2] = v;
        }
        return image;
    }

    /// <inheritdoc />
    public string DescribeSource(int index)
    {
        CheckIndex(index);
        return $"IDX file '{ImagesPath}', record {index}";
    }

    private void CheckIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
    }
}
