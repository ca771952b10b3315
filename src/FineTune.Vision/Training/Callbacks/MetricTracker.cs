namespace FineTune.Vision.Training.Callbacks;

/// <summary>
/// Base of callbacks that follow one epoch metric (fastai <c>TrackerCallback</c>): after each epoch it reads
/// <see cref="Monitor"/> from the epoch's metrics and tells whether it improved on <see cref="Best"/> by more than
/// <see cref="MinDelta"/>.
/// </summary>
public abstract class MetricTracker : Callback
{
    /// <summary>Tracks <paramref name="monitor"/> (e.g. <see cref="Metric.ValLoss"/>, <see cref="Metric.ValTop1"/>).</summary>
    /// <param name="monitor">The epoch metric and whether lower or higher is better.</param>
    /// <param name="minDelta">The smallest change that counts as an improvement.</param>
    protected MetricTracker(Metric monitor, double minDelta)
    {
        if (monitor.Name is null) throw new ArgumentException("The monitored metric has no name; use e.g. Metric.ValTop1.", nameof(monitor));
        ArgumentOutOfRangeException.ThrowIfNegative(minDelta);
        Monitor = monitor;
        MinDelta = minDelta;
        Best = Worst;
    }

    /// <summary>The monitored metric.</summary>
    public Metric Monitor { get; }

    /// <summary>Whether lower or higher is better (the monitored metric's mode).</summary>
    public MetricMode Mode => Monitor.Mode;

    /// <summary>Smallest improvement that counts.</summary>
    public double MinDelta { get; }

    /// <summary>The best value seen.</summary>
    public double Best { get; private set; }

    /// <summary>The value of the last epoch.</summary>
    public double Current { get; private set; } = double.NaN;

    /// <summary>Whether the last epoch set a new best.</summary>
    public bool IsNewBest { get; private set; }

    private double Worst => Monitor.Worst;

    /// <inheritdoc />
    public override void OnFitStart(TrainingContext context)
    {
        Best = Worst;
        IsNewBest = false;
    }

    /// <inheritdoc />
    /// <exception cref="KeyNotFoundException">The metric is not among the epoch's metrics (the message lists them).</exception>
    public override void OnEpochEnd(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.EpochMetrics.TryGetValue(Monitor.Name, out double value))
            throw new KeyNotFoundException($"Metric '{Monitor}' is not among this epoch's metrics ({string.Join(", ", context.EpochMetrics.Keys)}); validation metrics need validation data.");
        Current = value;
        IsNewBest = Monitor.IsBetter(value, Best, MinDelta);
        if (IsNewBest) Best = value;
    }

    /// <inheritdoc />
    public override void SaveState(IDictionary<string, string> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state["best"] = StateValues.Format(Best);
        state["current"] = StateValues.Format(Current);
        state["new_best"] = IsNewBest ? "1" : "0";
    }

    /// <inheritdoc />
    public override void LoadState(IReadOnlyDictionary<string, string> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Best = StateValues.Double(state, "best");
        Current = StateValues.Double(state, "current");
        IsNewBest = state.GetValueOrDefault("new_best") == "1";
    }
}
