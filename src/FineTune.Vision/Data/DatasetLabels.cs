namespace FineTune.Vision.Data;

/// <summary>
/// The labels, class names and name of a dataset that holds its images itself (<see cref="InMemoryDataset"/>,
/// <see cref="ImageSharpDataset"/>): checked once on construction, then the index checks, labels and source
/// descriptions both serve through <see cref="IImageDataset"/>.
/// </summary>
internal sealed class DatasetLabels
{
    private readonly int[] _labels;
    private readonly string[] _classNames;
    private readonly string _name;

    /// <exception cref="ArgumentException">Counts differ, or a label is out of range.</exception>
    public DatasetLabels(int images, IReadOnlyList<int> labels, IReadOnlyList<string> classNames, string name)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(name);
        if (images != labels.Count)
            throw new ArgumentException($"{images} images but {labels.Count} labels; give one label per image.", nameof(labels));
        for (int i = 0; i < labels.Count; i++)
        {
            if ((uint)labels[i] >= (uint)classNames.Count)
                throw new ArgumentException($"Label {labels[i]} of image {i} is outside 0..{classNames.Count - 1} ({classNames.Count} classes).", nameof(labels));
        }
        _labels = [.. labels];
        _classNames = [.. classNames];
        _name = name;
    }

    public int Count => _labels.Length;

    public IReadOnlyList<string> ClassNames => _classNames;

    public int GetLabel(int index)
    {
        CheckIndex(index);
        return _labels[index];
    }

    public string DescribeSource(int index)
    {
        CheckIndex(index);
        return $"{_name}, image {index}";
    }

    public void CheckIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _labels.Length);
    }
}
