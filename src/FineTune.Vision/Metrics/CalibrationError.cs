using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Metrics;

/// <summary>One bin of a reliability diagram.</summary>
/// <param name="Lower">The bin's lower confidence bound.</param>
/// <param name="Upper">The bin's upper confidence bound (included).</param>
/// <param name="Count">Predictions whose confidence falls in the bin.</param>
/// <param name="Accuracy">Their accuracy (NaN when empty).</param>
/// <param name="Confidence">Their mean confidence (NaN when empty).</param>
public readonly record struct CalibrationBin(double Lower, double Upper, long Count, double Accuracy, double Confidence);

/// <summary>
/// Expected calibration error (Guo et al., 2017, "On Calibration of Modern Neural Networks"): predictions binned by
/// their top-1 softmax confidence into equal-width bins, <c>ECE = Σ (n_b / N) · |accuracy_b − confidence_b|</c>
/// (torchmetrics' <c>MulticlassCalibrationError(norm='l1')</c>, 15 bins by default). A bin is (lower, upper]; a
/// confidence of exactly 0 goes to the first bin.
/// </summary>
public sealed class CalibrationError
{
    private readonly long[] _count;
    private readonly long[] _correct;
    private readonly double[] _confidence;

    /// <summary>Creates an empty accumulator with <paramref name="bins"/> equal-width bins.</summary>
    public CalibrationError(int bins = 15)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bins);
        _count = new long[bins];
        _correct = new long[bins];
        _confidence = new double[bins];
    }

    /// <summary>The number of bins.</summary>
    public int BinCount => _count.Length;

    /// <summary>Predictions added.</summary>
    public long Total => _count.Sum();

    /// <summary>Adds one prediction: its top-1 confidence and whether it was right.</summary>
    public void Add(double confidence, bool correct)
    {
        if (!(confidence >= 0 && confidence <= 1)) throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "A confidence in [0, 1] is needed.");
        int b = Math.Clamp((int)Math.Ceiling(confidence * BinCount) - 1, 0, BinCount - 1);
        _count[b]++;
        if (correct) _correct[b]++;
        _confidence[b] += confidence;
    }

    /// <summary>Adds a batch of <paramref name="logits"/> [N, C] (softmax taken) against <paramref name="labels"/> [N].</summary>
    public void Update(Tensor logits, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        if (logits.dim() != 2 || labels.dim() != 1 || labels.shape[0] != logits.shape[0])
            throw new ArgumentException($"Expected logits [N, C] and labels [N]; got [{string.Join(", ", logits.shape)}] and [{string.Join(", ", labels.shape)}].");
        using var scope = torch.NewDisposeScope();
        var (confidence, predicted) = logits.detach().to(ScalarType.Float32).softmax(1).max(1);
        float[] conf = confidence.cpu().data<float>().ToArray();
        long[] pred = predicted.cpu().to(ScalarType.Int64).data<long>().ToArray();
        long[] actual = labels.cpu().to(ScalarType.Int64).data<long>().ToArray();
        for (int i = 0; i < conf.Length; i++) Add(Math.Clamp(conf[i], 0f, 1f), pred[i] == actual[i]);
    }

    /// <summary>The bins, lowest confidence first.</summary>
    public IReadOnlyList<CalibrationBin> Bins() => [.. Enumerable.Range(0, BinCount).Select(b => new CalibrationBin(
        (double)b / BinCount, (double)(b + 1) / BinCount, _count[b],
        _count[b] == 0 ? double.NaN : (double)_correct[b] / _count[b],
        _count[b] == 0 ? double.NaN : _confidence[b] / _count[b]))];

    /// <summary>The expected calibration error in [0, 1] (NaN when empty).</summary>
    public double Value
    {
        get
        {
            long n = Total;
            if (n == 0) return double.NaN;
            return Bins().Where(b => b.Count > 0).Sum(b => (double)b.Count / n * Math.Abs(b.Accuracy - b.Confidence));
        }
    }
}
