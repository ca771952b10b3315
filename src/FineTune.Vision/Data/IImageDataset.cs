using FineTune.Vision.Imaging;

namespace FineTune.Vision.Data;

/// <summary>
/// An indexed, labelled image dataset: items 0..<see cref="Count"/>-1, each an image and a class index.
/// Implementations must be safe to call from several threads at once (the <see cref="DataLoader"/> decodes in parallel).
/// </summary>
public interface IImageDataset
{
    /// <summary>Number of items.</summary>
    int Count { get; }

    /// <summary>Class names, indexed by label (label <c>k</c> is <c>ClassNames[k]</c>).</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>The label (class index) of item <paramref name="index"/>, without decoding its image.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside 0..Count-1.</exception>
    int GetLabel(int index);

    /// <summary>Loads (decodes) the image of item <paramref name="index"/>; the caller owns and disposes it.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside 0..Count-1.</exception>
    /// <exception cref="IOException">The image file is missing or unreadable (<see cref="FileNotFoundException"/> and others).</exception>
    /// <exception cref="InvalidDataException">The image is corrupt or truncated.</exception>
    RgbImage Load(int index);

    /// <summary>
    /// Where item <paramref name="index"/> comes from, for error messages: a file path, or for example
    /// "IDX file 'train-images-idx3-ubyte.gz', record 17".
    /// </summary>
    string DescribeSource(int index);
}
