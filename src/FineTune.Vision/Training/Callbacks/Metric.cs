namespace FineTune.Vision.Training.Callbacks;

/// <summary>
/// An epoch metric by name, with whether lower or higher is better: what <see cref="EarlyStopping"/>,
/// <see cref="ModelCheckpoint"/>, <see cref="MetricTracker"/>, <see cref="FitResult"/> and the trainer's
/// reduce-on-plateau monitor. The well-known ones are the trainer's own metrics; a callback that adds its own metric
/// (<see cref="TrainingContext.SetMetric"/>) names it with a new <see cref="Metric"/>.
/// </summary>
/// <param name="Name">The key in <see cref="TrainingContext.EpochMetrics"/> and <see cref="EpochResult.Metrics"/>.</param>
/// <param name="Mode">Whether lower (<see cref="MetricMode.Min"/>) or higher (<see cref="MetricMode.Max"/>) is better.</param>
public readonly record struct Metric(string Name, MetricMode Mode)
{
    /// <summary>Mean hard-label cross entropy on the validation data (lower is better).</summary>
    public static Metric ValLoss { get; } = new("val_loss", MetricMode.Min);

    /// <summary>Top-1 accuracy on the validation data (higher is better).</summary>
    public static Metric ValTop1 { get; } = new("val_top1", MetricMode.Max);

    /// <summary>Top-5 accuracy on the validation data (higher is better).</summary>
    public static Metric ValTop5 { get; } = new("val_top5", MetricMode.Max);

    /// <summary>Mean training loss of the epoch (lower is better).</summary>
    public static Metric TrainLoss { get; } = new("train_loss", MetricMode.Min);

    /// <summary>Top-1 accuracy on the hard labels of the epoch's training batches (higher is better).</summary>
    public static Metric TrainTop1 { get; } = new("train_top1", MetricMode.Max);

    /// <summary>The base learning rate of the epoch's last optimizer step (a value to log; tracked as lower-is-better).</summary>
    public static Metric LearningRate { get; } = new("lr", MetricMode.Min);

    /// <summary>Validation loss of the EMA weights (lower is better; with <see cref="TrainerOptions.Ema"/>).</summary>
    public static Metric EmaValLoss { get; } = new("ema_val_loss", MetricMode.Min);

    /// <summary>Validation top-1 of the EMA weights (higher is better; with <see cref="TrainerOptions.Ema"/>).</summary>
    public static Metric EmaValTop1 { get; } = new("ema_val_top1", MetricMode.Max);

    /// <summary>Validation top-5 of the EMA weights (higher is better; with <see cref="TrainerOptions.Ema"/>).</summary>
    public static Metric EmaValTop5 { get; } = new("ema_val_top5", MetricMode.Max);

    /// <summary>The metric's name.</summary>
    public string Name { get; } = !string.IsNullOrWhiteSpace(Name) ? Name
        : throw new ArgumentException("A metric needs a name, e.g. new Metric(\"val_f1\", MetricMode.Max).", nameof(Name));

    /// <summary>Whether lower or higher is better.</summary>
    public MetricMode Mode { get; } = Enum.IsDefined(Mode) ? Mode
        : throw new ArgumentOutOfRangeException(nameof(Mode), Mode, "MetricMode must be Min or Max.");

    /// <summary>Whether <paramref name="value"/> improves on <paramref name="best"/> by more than <paramref name="minDelta"/>.</summary>
    public bool IsBetter(double value, double best, double minDelta = 0) =>
        Mode == MetricMode.Min ? value < best - minDelta : value > best + minDelta;

    /// <summary>The starting "best": +∞ for <see cref="MetricMode.Min"/>, −∞ for <see cref="MetricMode.Max"/>.</summary>
    public double Worst => Mode == MetricMode.Min ? double.PositiveInfinity : double.NegativeInfinity;

    /// <inheritdoc />
    public override string ToString() => Name ?? "";
}
