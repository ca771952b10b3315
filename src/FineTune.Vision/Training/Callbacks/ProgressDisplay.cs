using System.Globalization;

namespace FineTune.Vision.Training.Callbacks;

/// <summary>
/// Console progress: on an interactive console a live bar per epoch (loss, accuracy, images/s, ETA) redrawn in place;
/// when output is redirected (logs, CI) plain lines every <see cref="LineEveryNBatches"/> batches. A summary line
/// per epoch either way.
/// </summary>
public sealed class ProgressDisplay : Callback
{
    /// <inheritdoc />
    public override bool MainProcessOnly => true;

    private readonly TextWriter _out;
    private readonly TimeProvider _time;
    private long _start, _images, _batches;
    private TimeSpan _lastDraw;

    /// <summary>Writes to <paramref name="output"/> (default the console).</summary>
    /// <param name="output">Where to write; null: the console.</param>
    /// <param name="interactive">Whether to draw the live bar; null: only on a console whose output is not redirected.</param>
    /// <param name="lineEveryNBatches">Batches between plain lines when not interactive.</param>
    /// <param name="timeProvider">The clock for images/s, ETA and the redraw rate; null: <see cref="TimeProvider.System"/> (tests pass a fake one).</param>
    public ProgressDisplay(TextWriter? output = null, bool? interactive = null, int lineEveryNBatches = 50, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lineEveryNBatches);
        _out = output ?? Console.Out;
        _time = timeProvider ?? TimeProvider.System;
        Interactive = interactive ?? (output is null && !Console.IsOutputRedirected);
        LineEveryNBatches = lineEveryNBatches;
    }

    /// <summary>The shortest time between two redraws of the live bar (the last batch is always drawn).</summary>
    public static TimeSpan RedrawInterval { get; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Whether the live bar is drawn (otherwise plain lines).</summary>
    public bool Interactive { get; }

    /// <summary>Batches between plain lines when not interactive.</summary>
    public int LineEveryNBatches { get; }

    /// <inheritdoc />
    public override int Order => CallbackOrder.Logger;

    /// <inheritdoc />
    public override void OnEpochStart(TrainingContext context)
    {
        _start = _time.GetTimestamp();
        (_images, _batches) = (0, 0);
        _lastDraw = -RedrawInterval; // the first batch is drawn at once
    }

    /// <inheritdoc />
    public override void OnBatchEnd(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _images += context.BatchSize;
        _batches++;
        int done = context.BatchIndex + 1, total = Math.Max(1, context.BatchesPerEpoch);
        if (Interactive)
        {
            TimeSpan now = _time.GetElapsedTime(_start);
            if (done < total && now - _lastDraw < RedrawInterval) return;
            _lastDraw = now;
            int filled = 30 * done / total;
            _out.Write($"\r[{new string('#', filled)}{new string('.', 30 - filled)}] {Status(context, done, total)}   ");
        }
        else if (done % LineEveryNBatches == 0 || done == total)
        {
            _out.WriteLine(Status(context, done, total));
        }
    }

    /// <inheritdoc />
    public override void OnEpochEnd(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Interactive) _out.WriteLine();
        string metrics = string.Join("  ", context.EpochMetrics.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value:G5}")));
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"epoch {context.Epoch + 1}/{context.Epochs}  {metrics}  ({_time.GetElapsedTime(_start).TotalSeconds:F1} s, waiting for data {context.DataWaitFraction:P1} of training){Skipped(context.EpochSkipped)}"));
    }

    /// <inheritdoc />
    public override void OnFitEnd(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.StopReason is not null) _out.WriteLine("stopped: " + context.StopReason);
    }

    /// <summary>"  skipped 2 unreadable images: a.jpg, b.jpg" (each file once, the first three named), or nothing.</summary>
    private static string Skipped(IReadOnlyList<Data.SkippedSample> skipped)
    {
        string[] files = [.. skipped.Select(s => s.Source).Distinct(StringComparer.Ordinal)];
        return files.Length == 0 ? "" :
            string.Create(CultureInfo.InvariantCulture, $"  skipped {files.Length} unreadable image{(files.Length == 1 ? "" : "s")}: ")
            + string.Join(", ", files.Take(3)) + (files.Length > 3 ? ", …" : "");
    }

    private string Status(TrainingContext c, int done, int total)
    {
        double seconds = Math.Max(1e-9, _time.GetElapsedTime(_start).TotalSeconds);
        var eta = TimeSpan.FromSeconds(Math.Round(seconds / _batches * (total - done)));
        string etaText = eta.TotalHours >= 1 ? eta.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : eta.ToString(@"mm\:ss", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture,
            $"epoch {c.Epoch + 1}/{c.Epochs} batch {done}/{total}  loss {c.RunningLoss:F4}  acc {c.RunningAccuracy:P1}  {_images / seconds:F0} img/s  ETA {etaText}");
    }
}
