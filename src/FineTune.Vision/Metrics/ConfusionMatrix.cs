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

    /// <summary>
    /// Draws the matrix as a PNG heat map, rows normalised to the true class (each cell shows its count; colour is the
    /// fraction of that class), class names on the axes.
    /// </summary>
    public void SavePng(string path, IReadOnlyList<string>? classNames = null, int? size = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        string Name(int i) => classNames is not null && i < classNames.Count ? classNames[i] : i.ToString(inv);
        var plot = new ScottPlot.Plot();
        // One filled square per cell (row a drawn at y = N-1-a, so the first class is at the top), from white (none of the
        // class) to matplotlib's darkest "Blues" (all of it); counts written in the cells while they stay legible.
        for (int a = 0; a < NumClasses; a++)
        {
            long row = Enumerable.Range(0, NumClasses).Sum(p => _counts[a, p]);
            double y = NumClasses - 1 - a;
            for (int p = 0; p < NumClasses; p++)
            {
                double fraction = row == 0 ? 0 : (double)_counts[a, p] / row;
                var cell = plot.Add.Rectangle(p - 0.5, p + 0.5, y - 0.5, y + 0.5);
                cell.FillColor = Blend(fraction);
                cell.LineColor = ScottPlot.Colors.White;
                if (NumClasses > 30) continue;
                var text = plot.Add.Text(_counts[a, p].ToString(inv), p, y);
                text.LabelAlignment = ScottPlot.Alignment.MiddleCenter;
                text.LabelFontColor = fraction > 0.5 ? ScottPlot.Colors.White : ScottPlot.Colors.Black;
            }
        }
        double[] columns = [.. Enumerable.Range(0, NumClasses).Select(i => (double)i)];
        double[] rows = [.. Enumerable.Range(0, NumClasses).Select(i => (double)(NumClasses - 1 - i))];
        string[] labels = [.. Enumerable.Range(0, NumClasses).Select(Name)];
        plot.Axes.Bottom.SetTicks(columns, labels);
        plot.Axes.Left.SetTicks(rows, labels);
        plot.Axes.SetLimits(-0.5, NumClasses - 0.5, -0.5, NumClasses - 0.5);
        plot.Title(string.Create(inv, $"Confusion matrix: {Total} samples, top-1 {100 * Accuracy:F1} %"));
        plot.XLabel("predicted");
        plot.YLabel("true");
        int side = size ?? Math.Clamp(120 + 40 * NumClasses, 520, 2000);
        CalibrationError.Save(plot, path, side, side);
    }

    /// <summary>White (0) to dark blue (1), matplotlib's "Blues" end points.</summary>
    private static ScottPlot.Color Blend(double t)
    {
        static byte Mix(int from, int to, double t) => (byte)Math.Round(from + (to - from) * Math.Clamp(t, 0, 1));
        return new ScottPlot.Color(Mix(247, 8, t), Mix(251, 48, t), Mix(255, 107, t));
    }

    /// <summary>Per-class precision, recall, F1, their averages and the accuracy's interval (<see cref="ClassificationReport"/>).</summary>
    public ClassificationReport Report(IReadOnlyList<string>? classNames = null) => new(this, classNames);

    /// <inheritdoc />
    public override string ToString() => ToString(null);
}
