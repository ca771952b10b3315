using FineTune.Vision.Imaging;

namespace FineTune.Vision.Data;

/// <summary>A view of some items of another dataset, in a given order (what a random split returns).</summary>
public sealed class DatasetSubset : IImageDataset
{
    private readonly int[] _indices;

    /// <summary>Selects items <paramref name="indices"/> of <paramref name="source"/> (repeats allowed).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside 0..source.Count-1.</exception>
    public DatasetSubset(IImageDataset source, IEnumerable<int> indices)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(indices);
        Source = source;
        _indices = [.. indices];
        foreach (int i in _indices)
        {
            if ((uint)i >= (uint)source.Count)
                throw new ArgumentOutOfRangeException(nameof(indices), i, $"Index {i} is outside the source dataset's 0..{source.Count - 1}.");
        }
    }

    /// <summary>The dataset this subset selects from.</summary>
    public IImageDataset Source { get; }

    /// <summary>The selected indices into <see cref="Source"/>, in subset order.</summary>
    public IReadOnlyList<int> Indices => _indices;

    /// <inheritdoc />
    public int Count => _indices.Length;

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => Source.ClassNames;

    /// <inheritdoc />
    public int GetLabel(int index) => Source.GetLabel(Map(index));

    /// <inheritdoc />
    public RgbImage Load(int index) => Source.Load(Map(index));

    /// <inheritdoc />
    public string DescribeSource(int index) => Source.DescribeSource(Map(index));

    private int Map(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _indices.Length);
        return _indices[index];
    }
}
