using FineTune.Vision.Data;
using FineTune.Vision.Training.Callbacks;

namespace FineTune.Vision.Training;

/// <summary>One finished epoch of a <see cref="FitResult"/>: the trainer's metrics as typed values, timings, skipped files, and every metric by name.</summary>
public sealed class EpochResult
{
    internal EpochResult(int epoch, IReadOnlyDictionary<string, double> metrics, EvaluationResult? validation,
        TimeSpan trainTime, TimeSpan dataWait, IReadOnlyList<SkippedSample> skipped)
    {
        (Epoch, Metrics, Validation, TrainTime, DataWait, Skipped) = (epoch, metrics, validation, trainTime, dataWait, skipped);
    }

    /// <summary>The epoch, from 0.</summary>
    public int Epoch { get; }

    /// <summary>Mean training loss (the loss the optimizer saw: soft-target with mixing).</summary>
    public double TrainLoss => Get(Metric.TrainLoss) ?? double.NaN;

    /// <summary>Top-1 accuracy on the hard labels of the training batches.</summary>
    public double TrainTop1 => Get(Metric.TrainTop1) ?? double.NaN;

    /// <summary>The base learning rate of the epoch's last optimizer step.</summary>
    public double LearningRate => Get(Metric.LearningRate) ?? double.NaN;

    /// <summary>Validation loss (null without validation data).</summary>
    public double? ValLoss => Get(Metric.ValLoss);

    /// <summary>Validation top-1 (null without validation data).</summary>
    public double? ValTop1 => Get(Metric.ValTop1);

    /// <summary>Validation top-5 (null without validation data).</summary>
    public double? ValTop5 => Get(Metric.ValTop5);

    /// <summary>
    /// The full validation result (confusion matrix included); null without validation data, and for epochs restored
    /// from a checkpoint (their metrics are kept, the matrix is not).
    /// </summary>
    public EvaluationResult? Validation { get; }

    /// <summary>Wall time of the epoch's training pass (zero for epochs restored from a checkpoint).</summary>
    public TimeSpan TrainTime { get; }

    /// <summary>Part of <see cref="TrainTime"/> spent waiting for the data loader.</summary>
    public TimeSpan DataWait { get; }

    /// <summary><see cref="DataWait"/> ÷ <see cref="TrainTime"/> (0 when no time was measured).</summary>
    public double DataWaitFraction => TrainTime > TimeSpan.Zero ? DataWait / TrainTime : 0;

    /// <summary>Training images skipped as unreadable in this epoch (<see cref="TrainerOptions.SkipUnreadable"/>), in the order met.</summary>
    public IReadOnlyList<SkippedSample> Skipped { get; }

    /// <summary>Every metric of the epoch by name: the trainer's (<see cref="Metric"/>'s well-known ones) and those callbacks added.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; }

    /// <summary>The value of <paramref name="metric"/> in this epoch.</summary>
    /// <exception cref="KeyNotFoundException">The epoch did not measure it (the message lists what it measured).</exception>
    public double this[Metric metric] => Get(metric)
        ?? throw new KeyNotFoundException($"Epoch {Epoch} has no metric '{metric.Name}' (it has {string.Join(", ", Metrics.Keys)}); validation metrics need validation data.");

    /// <summary>The value of <paramref name="metric"/> in this epoch, or null when the epoch did not measure it.</summary>
    public double? Get(Metric metric) => metric.Name is not null && Metrics.TryGetValue(metric.Name, out double v) ? v : null;

    /// <inheritdoc />
    public override string ToString() =>
        $"epoch {Epoch + 1}: " + string.Join("  ", Metrics.Select(m => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{m.Key} {m.Value:G5}")));
}
