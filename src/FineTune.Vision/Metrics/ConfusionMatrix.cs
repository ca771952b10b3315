using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Metrics;

/// <summary>
/// A confusion matrix over <c>NumClasses</c> classes: rows are true classes, columns predicted ones. Gives per-class
/// accuracy (recall) and precision.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly long[,] _counts;

    /// <summary>Creates an empty matrix.</summary>
    public ConfusionMatrix(int numClasses)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numClasses);
        NumClasses = numClasses;
        _counts = new long[numClasses, numClasses];
    }

    /// <summary>Number of classes.</summary>
    public int NumClasses { get; }

    /// <summary>Samples whose true class is <paramref name="actual"/> and prediction <paramref name="predicted"/>.</summary>
    public long this[int actual, int predicted] => _counts[actual, predicted];

    /// <summary>Adds one prediction.</summary>
    public void Add(int actual, int predicted)
    {
        if ((uint)actual >= NumClasses || (uint)predicted >= NumClasses)
            throw new ArgumentOutOfRangeException(nameof(actual), $"Class indices must be in [0, {NumClasses}); got actual {actual}, predicted {predicted}.");
        _counts[actual, predicted]++;
    }

    /// <summary>Adds a batch: <paramref name="logits"/> [N, C] (argmax taken) and <paramref name="labels"/> [N].</summary>
    public void Update(Tensor logits, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        if (logits.dim() != 2 || logits.shape[1] != NumClasses || labels.dim() != 1 || labels.shape[0] != logits.shape[0])
            throw new ArgumentException($"Expected logits [N, {NumClasses}] and labels [N]; got [{string.Join(", ", logits.shape)}] and [{string.Join(", ", labels.shape)}].");
        using var scope = torch.NewDisposeScope();
        long[] predicted = logits.detach().argmax(1).cpu().to(ScalarType.Int64).data<long>().ToArray();
        long[] actual = labels.cpu().to(ScalarType.Int64).data<long>().ToArray();
        for (int i = 0; i < predicted.Length; i++) Add((int)actual[i], (int)predicted[i]);
    }

    /// <summary>Samples added.</summary>
    public long Total => _counts.Cast<long>().Sum();

    /// <summary>Overall accuracy (NaN when empty).</summary>
    public double Accuracy => Total == 0 ? double.NaN : (double)Enumerable.Range(0, NumClasses).Sum(i => _counts[i, i]) / Total;

    /// <summary>Per-class accuracy (recall): correct / samples of that class; NaN for a class never seen.</summary>
    public double[] PerClassAccuracy() => Enumerable.Range(0, NumClasses).Select(c =>
    {
        long row = Enumerable.Range(0, NumClasses).Sum(p => _counts[c, p]);
        return row == 0 ? double.NaN : (double)_counts[c, c] / row;
    }).ToArray();

    /// <summary>Per-class precision: correct / predictions of that class; NaN for a class never predicted.</summary>
    public double[] PerClassPrecision() => Enumerable.Range(0, NumClasses).Select(c =>
    {
        long column = Enumerable.Range(0, NumClasses).Sum(a => _counts[a, c]);
        return column == 0 ? double.NaN : (double)_counts[c, c] / column;
    }).ToArray();

    /// <summary>A text table, rows = true class, columns = predicted, with optional class names.</summary>
    public string ToString(IReadOnlyList<string>? classNames)
    {
        var sb = new StringBuilder();
        string Name(int i) => classNames is not null && i < classNames.Count ? classNames[i] : i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        int width = Math.Max(6, Enumerable.Range(0, NumClasses).Max(i => Name(i).Length) + 1);
        sb.Append("true\\pred".PadRight(width));
        for (int p = 0; p < NumClasses; p++) sb.Append(Name(p).PadLeft(width));
        sb.AppendLine();
        for (int a = 0; a < NumClasses; a++)
        {
            sb.Append(Name(a).PadRight(width));
            for (int p = 0; p < NumClasses; p++) sb.Append(_counts[a, p].ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(width));
            sb.AppendLine();
        }
        return sb.ToString();
    }

    /// <summary>Per-class precision, recall, F1, their averages and the accuracy's interval (<see cref="ClassificationReport"/>).</summary>
    public ClassificationReport Report(IReadOnlyList<string>? classNames = null) => new(this, classNames);

    /// <inheritdoc />
    public override string ToString() => ToString(null);
}
