using FineTune.Vision.Data;
using FineTune.Vision.Imaging;

namespace FineTune.Vision.Training;

/// <summary>Image files without labels (label −1), for prediction.</summary>
internal sealed class ImagePaths(string[] paths, IReadOnlyList<string> classNames) : IImageDataset
{
    public int Count => paths.Length;

    public IReadOnlyList<string> ClassNames => classNames;

    public int GetLabel(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, paths.Length);
        return -1;
    }

    public RgbImage Load(int index) => ImageDecoder.Decode(paths[index]);

    public string DescribeSource(int index) => paths[index];
}
