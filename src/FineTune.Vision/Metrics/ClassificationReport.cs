using System.Globalization;
using System.Text;

namespace FineTune.Vision.Metrics;

/// <summary>One class's row of a <see cref="ClassificationReport"/>.</summary>
/// <param name="Index">The class index.</param>
/// <param name="Name">The class name (or the index as text).</param>
/// <param name="Precision">Correct / predicted as this class (0 when never predicted, as scikit-learn's <c>zero_division=0</c>).</param>
/// <param name="Recall">Correct / samples of this class (0 when the class has no samples).</param>
/// <param name="F1">The harmonic mean of precision and recall (0 when both are 0).</param>
/// <param name="Support">Samples of this class.</param>
public readonly record struct ClassMetrics(int Index, string Name, double Precision, double Recall, double F1, long Support);

/// <summary>
/// Per-class precision, recall and F1 with macro and support-weighted averages, from a <see cref="ConfusionMatrix"/>:
/// the numbers of scikit-learn's <c>classification_report</c> / <c>precision_recall_fscore_support</c> (with
/// <c>zero_division=0</c>) and of the Hugging Face <c>evaluate</c> F1 metric, plus the accuracy with its confidence interval.
/// </summary>
public sealed class ClassificationReport
{
    /// <summary>Computes the report of <paramref name="matrix"/>.</summary>
    /// <param name="matrix">Rows true classes, columns predictions.</param>
    /// <param name="classNames">Names by class index, or null for the indices.</param>
    public ClassificationReport(ConfusionMatrix matrix, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int c = matrix.NumClasses;
        var rows = new ClassMetrics[c];
        long correct = 0;
        for (int k = 0; k < c; k++)
        {
            long tp = matrix[k, k], support = 0, predicted = 0;
            for (int j = 0; j < c; j++)
            {
                support += matrix[k, j];
                predicted += matrix[j, k];
            }
            correct += tp;
            double precision = predicted == 0 ? 0 : (double)tp / predicted;
            double recall = support == 0 ? 0 : (double)tp / support;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            string name = classNames is not null && k < classNames.Count ? classNames[k] : k.ToString(CultureInfo.InvariantCulture);
            rows[k] = new ClassMetrics(k, name, precision, recall, f1, support);
        }
        Classes = rows;
        Total = rows.Sum(r => r.Support);
        Accuracy = new AccuracyEstimate(correct, Total);
        MacroF1 = rows.Average(r => r.F1);
        MacroPrecision = rows.Average(r => r.Precision);
        MacroRecall = rows.Average(r => r.Recall);
        WeightedF1 = Total == 0 ? 0 : rows.Sum(r => r.F1 * r.Support) / Total;
    }

    /// <summary>One row per class, by index.</summary>
    public IReadOnlyList<ClassMetrics> Classes { get; }

    /// <summary>Samples counted.</summary>
    public long Total { get; }

    /// <summary>Top-1 accuracy with its 95 % interval.</summary>
    public AccuracyEstimate Accuracy { get; }

    /// <summary>The unweighted mean of the per-class F1 scores.</summary>
    public double MacroF1 { get; }

    /// <summary>The unweighted mean of the per-class precisions.</summary>
    public double MacroPrecision { get; }

    /// <summary>The unweighted mean of the per-class recalls.</summary>
    public double MacroRecall { get; }

    /// <summary>The per-class F1 scores weighted by support.</summary>
    public double WeightedF1 { get; }

    /// <summary>A text table in scikit-learn's <c>classification_report</c> layout, with the accuracy's interval.</summary>
    public override string ToString()
    {
        int width = Math.Max(12, Classes.Max(r => r.Name.Length) + 2);
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.Append(' ', width).Append(inv, $"{"precision",10}{"recall",10}{"f1-score",10}{"support",10}").AppendLine().AppendLine();
        foreach (var r in Classes)
        {
            sb.Append(r.Name.PadLeft(width)).Append(inv, $"{r.Precision,10:F4}{r.Recall,10:F4}{r.F1,10:F4}{r.Support,10}").AppendLine();
        }
        sb.AppendLine();
        sb.Append("accuracy".PadLeft(width)).Append(inv, $"{"",20}{Accuracy.Value,10:F4}{Total,10}   {Accuracy}").AppendLine();
        sb.Append("macro avg".PadLeft(width)).Append(inv, $"{MacroPrecision,10:F4}{MacroRecall,10:F4}{MacroF1,10:F4}{Total,10}").AppendLine();
        double wp = Total == 0 ? 0 : Classes.Sum(r => r.Precision * r.Support) / Total;
        double wr = Total == 0 ? 0 : Classes.Sum(r => r.Recall * r.Support) / Total;
        sb.Append("weighted avg".PadLeft(width)).Append(inv, $"{wp,10:F4}{wr,10:F4}{WeightedF1,10:F4}{Total,10}").AppendLine();
        return sb.ToString();
    }
}
