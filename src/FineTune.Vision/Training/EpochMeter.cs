using FineTune.Vision.Metrics;

namespace FineTune.Vision.Training;

/// <summary>Running training loss and hard-label top-1 over an epoch.</summary>
internal sealed class EpochMeter
{
    private long _correct, _seen;

    public RunningMean Loss { get; } = new();

    public double Accuracy => _seen == 0 ? double.NaN : (double)_correct / _seen;

    public void Add(double loss, long correct, int count)
    {
        Loss.Add(loss, count);
        _correct += correct;
        _seen += count;
    }
}
