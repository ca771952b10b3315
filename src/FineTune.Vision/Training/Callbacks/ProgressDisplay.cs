using System.Diagnostics;
using System.Globalization;

namespace FineTune.Vision.Training.Callbacks;

/// <summary>
/// Console progress: on an interactive console a live bar per epoch (loss, accuracy, images/s, ETA) redrawn in place;
/// when output is redirected (logs, CI) plain lines every <see cref="LineEveryNBatches"/> batches. A summary line
/// per epoch either way.
/// </summary>
public sealed class ProgressDisplay : Callback
{
    private readonly TextWriter _out;
    private readonly Stopwatch _clock = new();
    private long _images;
    private TimeSpan _lastDraw;

    /// <summary>Writes to <paramref name="output"/> (default the console); <paramref name="interactive"/> null detects it.</summary>
    public ProgressDisplay(TextWriter? output = null, bool? interactive = null, int lineEveryNBatches = 50)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lineEveryNBatches);
        _out = output ?? Console.Out;
        Interactive = interactive ?? (output is null && !Console.IsOutputRedirected);
        LineEveryNBatches = lineEveryNBatches;
    }

    /// <summary>Whether the live bar is drawn (otherwise plain lines).</summary>
    public bool Interactive { get; }

    /// <summary>Batches between plain lines when not interactive.</summary>
    public int LineEveryNBatches { get; }

    /// <inheritdoc />
    public override int Order => CallbackOrder.Logger;

    /// <inheritdoc />
    public override void OnEpochStart(TrainingContext context)
    {
        _clock.Restart();
        _images = 0;
        _lastDraw = TimeSpan.Zero;
    }

    /// <inheritdoc />
    public override void OnBatchEnd(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _images += context.BatchSize;
        int done = context.BatchIndex + 1, total = Math.Max(1, context.BatchesPerEpoch);
        if (Interactive)
        {
            if (done < total && _clock.Elapsed - _lastDraw < TimeSpan.FromMilliseconds(100)) return;
            _lastDraw = _clock.Elapsed;
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
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {context.Epoch + 1}/{context.Epochs}  {metrics}  ({_clock.Elapsed.TotalSeconds:F1} s)"));
    }

    /// <inheritdoc />
    public override void OnFitEnd(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.StopReason is not null) _out.WriteLine("stopped: " + context.StopReason);
    }

    private string Status(TrainingContext c, int done, int total)
    {
        double seconds = Math.Max(1e-9, _clock.Elapsed.TotalSeconds);
        double eta = seconds / done * (total - done);
        return string.Create(CultureInfo.InvariantCulture,
            $"epoch {c.Epoch + 1}/{c.Epochs} batch {done}/{total}  loss {c.RunningLoss:F4}  acc {c.RunningAccuracy:P1}  {_images / seconds:F0} img/s  ETA {TimeSpan.FromSeconds(eta):mm\\:ss}");
    }
}
