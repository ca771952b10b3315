namespace FineTune.Vision.Training.Callbacks;

/// <summary>Stops training when the monitored metric has not improved for <see cref="Patience"/> epochs (fastai/Keras semantics).</summary>
public sealed class EarlyStopping : MetricTracker
{
    private int _wait;

    /// <summary>Creates the callback.</summary>
    /// <param name="monitor">The metric (null: <see cref="Metric.ValLoss"/>).</param>
    /// <param name="patience">Epochs without improvement tolerated.</param>
    /// <param name="minDelta">Smallest improvement that counts.</param>
    public EarlyStopping(Metric? monitor = null, int patience = 3, double minDelta = 0)
        : base(monitor ?? Metric.ValLoss, minDelta)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(patience);
        Patience = patience;
    }

    /// <summary>Epochs without improvement tolerated.</summary>
    public int Patience { get; }

    /// <summary>Epochs since the last improvement.</summary>
    public int Wait => _wait;

    /// <inheritdoc />
    public override int Order => CallbackOrder.Tracker;

    /// <inheritdoc />
    public override void OnFitStart(TrainingContext context)
    {
        base.OnFitStart(context);
        _wait = 0;
    }

    /// <inheritdoc />
    public override void OnEpochEnd(TrainingContext context)
    {
        base.OnEpochEnd(context);
        _wait = IsNewBest ? 0 : _wait + 1;
        if (_wait >= Patience)
            context.StopTraining(StopKind.EarlyStopped, $"{Monitor} has not improved for {_wait} epochs (best {Best:G6})");
    }

    /// <inheritdoc />
    public override void SaveState(IDictionary<string, string> state)
    {
        base.SaveState(state);
        state["wait"] = StateValues.Format(_wait);
    }

    /// <inheritdoc />
    public override void LoadState(IReadOnlyDictionary<string, string> state)
    {
        base.LoadState(state);
        _wait = StateValues.Int(state, "wait");
    }
}
