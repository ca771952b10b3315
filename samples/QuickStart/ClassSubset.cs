using FineTune.Vision.Data;
using FineTune.Vision.Imaging;

namespace QuickStart;

/// <summary>
/// The items of some classes of a dataset, relabelled 0..k-1 in the order the classes are given
/// (e.g. Fashion-MNIST classes 5-9 become a 5-class problem with labels 0-4).
/// </summary>
public sealed class ClassSubset : IImageDataset
{
    private readonly IImageDataset _source;
    private readonly int[] _indices;
    private readonly int[] _labels;
    private readonly string[] _classNames;

    /// <summary>Selects every item of <paramref name="source"/> whose label is in <paramref name="classes"/>, keeping file order.</summary>
    public ClassSubset(IImageDataset source, IReadOnlyList<int> classes)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(classes);
        if (classes.Count == 0 || classes.Distinct().Count() != classes.Count)
            throw new ArgumentException($"Give distinct classes to keep (got [{string.Join(", ", classes)}]).", nameof(classes));
        var newLabel = new Dictionary<int, int>();
        for (int k = 0; k < classes.Count; k++)
        {
            if ((uint)classes[k] >= (uint)source.ClassNames.Count)
                throw new ArgumentOutOfRangeException(nameof(classes), classes[k], $"The source has classes 0..{source.ClassNames.Count - 1}.");
            newLabel[classes[k]] = k;
        }
        List<int> indices = [], labels = [];
        for (int i = 0; i < source.Count; i++)
        {
            if (!newLabel.TryGetValue(source.GetLabel(i), out int label)) continue;
            indices.Add(i);
            labels.Add(label);
        }
        (_source, _indices, _labels) = (source, [.. indices], [.. labels]);
        _classNames = [.. classes.Select(c => source.ClassNames[c])];
        SourceClasses = [.. classes];
    }

    /// <summary>The source labels kept, in new-label order (new label k is source class <c>SourceClasses[k]</c>).</summary>
    public IReadOnlyList<int> SourceClasses { get; }

    /// <inheritdoc />
    public int Count => _indices.Length;

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => _classNames;

    /// <inheritdoc />
    public int GetLabel(int index) => _labels[Check(index)];

    /// <inheritdoc />
    public RgbImage Load(int index) => _source.Load(_indices[Check(index)]);

    /// <inheritdoc />
    public string DescribeSource(int index) => _source.DescribeSource(_indices[Check(index)]);

    private int Check(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _indices.Length);
        return index;
    }
}
