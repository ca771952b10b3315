using FineTune.Vision.Metrics;

namespace FineTune.Vision.Training;

/// <summary>Metrics of one pass over labelled data: hard-label cross entropy, top-1/top-5 and the confusion matrix.</summary>
public sealed class EvaluationResult
{
    internal EvaluationResult(double loss, double top1, double top5, long samples, ConfusionMatrix confusion) =>
        (Loss, Top1, Top5, Samples, Confusion) = (loss, top1, top5, samples, confusion);

    /// <summary>Mean cross entropy on the hard labels.</summary>
    public double Loss { get; }

    /// <summary>Top-1 accuracy in [0, 1].</summary>
    public double Top1 { get; }

    /// <summary>Top-5 accuracy in [0, 1] (1 with five classes or fewer).</summary>
    public double Top5 { get; }

    /// <summary>Samples evaluated.</summary>
    public long Samples { get; }

    /// <summary>The confusion matrix (rows: true class, columns: predicted).</summary>
    public ConfusionMatrix Confusion { get; }

    /// <summary>Per-class accuracy (recall); NaN for classes absent from the data.</summary>
    public IReadOnlyList<double> PerClassAccuracy => Confusion.PerClassAccuracy();

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"loss {Loss:F4}, top-1 {Top1:P2}, top-5 {Top5:P2} ({Samples} samples)");
}
