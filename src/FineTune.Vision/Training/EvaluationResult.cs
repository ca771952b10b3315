using System.Globalization;
using FineTune.Vision.Metrics;

namespace FineTune.Vision.Training;

/// <summary>
/// Metrics of one pass over labelled data: hard-label cross entropy, top-1 (with its 95 % interval) and top-5, the
/// confusion matrix, calibration, and each sample's predicted and true label (for a per-class report or a McNemar test
/// against another model on the same data).
/// </summary>
public sealed class EvaluationResult
{
    internal EvaluationResult(double loss, double top1, double top5, long samples, ConfusionMatrix confusion,
        CalibrationError calibration, IReadOnlyList<int> predictedLabels, IReadOnlyList<int> trueLabels)
    {
        (Loss, Top1, Top5, Samples, Confusion, Calibration) = (loss, top1, top5, samples, confusion, calibration);
        (PredictedLabels, TrueLabels) = (predictedLabels, trueLabels);
        Top1Estimate = new AccuracyEstimate(Enumerable.Range(0, confusion.NumClasses).Sum(c => confusion[c, c]), confusion.Total);
    }

    /// <summary>Mean cross entropy on the hard labels.</summary>
    public double Loss { get; }

    /// <summary>Top-1 accuracy in [0, 1].</summary>
    public double Top1 { get; }

    /// <summary>
    /// Top-1 as correct of total with its 95 % Clopper–Pearson interval (prints <c>88.3 % [84.1, 91.6]</c>): how far the
    /// accuracy on this many images may be from the accuracy on the population they were drawn from.
    /// </summary>
    public AccuracyEstimate Top1Estimate { get; }

    /// <summary>Top-5 accuracy in [0, 1] (1 with five classes or fewer).</summary>
    public double Top5 { get; }

    /// <summary>Samples evaluated.</summary>
    public long Samples { get; }

    /// <summary>The confusion matrix (rows: true class, columns: predicted).</summary>
    public ConfusionMatrix Confusion { get; }

    /// <summary>Top-1 confidence against accuracy in 15 bins: <see cref="CalibrationError.Value"/> is the expected calibration error.</summary>
    public CalibrationError Calibration { get; }

    /// <summary>The predicted class (argmax) of each sample, in the loader's order.</summary>
    public IReadOnlyList<int> PredictedLabels { get; }

    /// <summary>The true class of each sample, in the loader's order.</summary>
    public IReadOnlyList<int> TrueLabels { get; }

    /// <summary>Per-class accuracy (recall); NaN for classes absent from the data.</summary>
    public IReadOnlyList<double> PerClassAccuracy => Confusion.PerClassAccuracy();

    /// <summary>Per-class precision, recall and F1 with macro and weighted averages (scikit-learn's <c>classification_report</c>).</summary>
    public ClassificationReport Report(IReadOnlyList<string>? classNames = null) => Confusion.Report(classNames);

    /// <summary>
    /// The exact McNemar test between this model and the one that produced <paramref name="other"/> on the same samples in
    /// the same order (e.g. two evaluations of one unshuffled validation loader).
    /// </summary>
    /// <exception cref="ArgumentException">The two evaluations did not see the same samples with the same labels.</exception>
    public McNemarTest CompareWith(EvaluationResult other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (TrueLabels.Count != Samples || other.TrueLabels.Count != other.Samples)
            throw new ArgumentException("Per-sample labels were not kept for this evaluation; evaluate with Trainer.Evaluate.", nameof(other));
        if (!TrueLabels.SequenceEqual(other.TrueLabels))
            throw new ArgumentException($"The two evaluations saw different samples ({Samples} and {other.Samples}, or the labels differ in order); evaluate both models on the same unshuffled loader.", nameof(other));
        return McNemarTest.Compare(TrueLabels, PredictedLabels, other.PredictedLabels);
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"loss {Loss:F4}, top-1 {Top1Estimate}, top-5 {Top5:P2} ({Samples} samples)");
}
