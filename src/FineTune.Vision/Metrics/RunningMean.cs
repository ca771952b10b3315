namespace FineTune.Vision.Metrics;

/// <summary>A weighted running mean (e.g. the loss over an epoch, weighted by batch size).</summary>
public sealed class RunningMean
{
    private double _sum, _weight;

    /// <summary>Adds <paramref name="value"/> with weight <paramref name="weight"/> (e.g. the batch size).</summary>
    public void Add(double value, double weight = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(weight);
        _sum += value * weight;
        _weight += weight;
        Last = value;
    }

    /// <summary>The mean so far (NaN when empty).</summary>
    public double Mean => _weight == 0 ? double.NaN : _sum / _weight;

    /// <summary>The last value added.</summary>
    public double Last { get; private set; } = double.NaN;

    /// <summary>Total weight added.</summary>
    public double Weight => _weight;

    /// <summary>Forgets everything.</summary>
    public void Reset() => (_sum, _weight, Last) = (0, 0, double.NaN);
}
