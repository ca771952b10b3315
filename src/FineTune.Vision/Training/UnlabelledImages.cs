using FineTune.Vision.Data;
using FineTune.Vision.Imaging;

namespace FineTune.Vision.Training;

/// <summary>Images without labels (label −1), for prediction: image files, or images in memory (each load a copy).</summary>
internal sealed class UnlabelledImages(int count, Func<int, RgbImage> load, Func<int, string> describe, IReadOnlyList<string> classNames) : IImageDataset
{
    public static UnlabelledImages Files(string[] paths, IReadOnlyList<string> classNames, IImageDecoder? decoder = null) =>
        new(paths.Length, i => ImageDecoder.Decode(paths[i], decoder), i => paths[i], classNames);

    public static UnlabelledImages InMemory(RgbImage image, IReadOnlyList<string> classNames) =>
        new(1, _ => image.Clone(), _ => image.ToString(), classNames);

    public int Count => count;

    public IReadOnlyList<string> ClassNames => classNames;

    public int GetLabel(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
        return -1;
    }

    public RgbImage Load(int index) => load(index);

    public string DescribeSource(int index) => describe(index);
}
