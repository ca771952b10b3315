using FineTune.Vision.Imaging;

namespace FineTune.Vision.Data;

/// <summary>Several datasets with the same classes, one after another.</summary>
public sealed class ConcatDataset : IImageDataset
{
    private readonly IImageDataset[] _parts;
    private readonly int[] _starts;

    /// <summary>Concatenates <paramref name="parts"/> in order.</summary>
    /// <exception cref="ArgumentException">No parts, or the parts' class names differ.</exception>
    public ConcatDataset(params IReadOnlyList<IImageDataset> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0) throw new ArgumentException("Give at least one dataset to concatenate.", nameof(parts));
        _parts = [.. parts];
        for (int p = 1; p < _parts.Length; p++)
        {
            if (!_parts[p].ClassNames.SequenceEqual(_parts[0].ClassNames))
                throw new ArgumentException(
                    $"Dataset {p} has classes [{string.Join(", ", _parts[p].ClassNames.Take(5))}...] ({_parts[p].ClassNames.Count}), " +
                    $"but dataset 0 has [{string.Join(", ", _parts[0].ClassNames.Take(5))}...] ({_parts[0].ClassNames.Count}); concatenated datasets must share their classes.",
                    nameof(parts));
        }
        _starts = new int[_parts.Length + 1];
        for (int p = 0; p < _parts.Length; p++) _starts[p + 1] = checked(_starts[p] + _parts[p].Count);
    }

    /// <inheritdoc />
    public int Count => _starts[^1];

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => _parts[0].ClassNames;

    /// <inheritdoc />
    public int GetLabel(int index)
    {
        var (part, local) = Locate(index);
        return part.GetLabel(local);
    }

    /// <inheritdoc />
    public RgbImage Load(int index)
    {
        var (part, local) = Locate(index);
        return part.Load(local);
    }

    /// <inheritdoc />
    public string DescribeSource(int index)
    {
        var (part, local) = Locate(index);
        return part.DescribeSource(local);
    }

    private (IImageDataset Part, int Local) Locate(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        int p = Array.BinarySearch(_starts, index);
        p = p >= 0 ? p : ~p - 1;
        while (_starts[p + 1] == index) p++; // skip empty parts
        return (_parts[p], index - _starts[p]);
    }
}
