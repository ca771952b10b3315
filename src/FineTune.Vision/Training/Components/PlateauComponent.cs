using FineTune.Vision.Optim.Schedules;
using FineTune.Vision.Training.Callbacks;

namespace FineTune.Vision.Training.Components;

/// <summary>
/// Reduce-on-plateau as a component, the one place that knows the schedule may be a <see cref="ReduceLROnPlateau"/>:
/// it reports the monitored metric after each epoch's metrics are in, and carries the schedule's counters through
/// checkpoints (a state loaded before the schedule exists is applied when it is made).
/// </summary>
internal sealed class PlateauComponent(Metric? monitor) : ITrainingComponent
{
    private ReduceLROnPlateau? _plateau;
    private ReduceLROnPlateauState? _pending;

    /// <summary>The counters to save: the live schedule's, or a loaded state not yet applied.</summary>
    public ReduceLROnPlateauState? State => _plateau?.GetState() ?? _pending;

    /// <summary>Called with each schedule the trainer makes.</summary>
    /// <exception cref="InvalidOperationException">The monitor's mode disagrees with the plateau's.</exception>
    public void Attach(ILrSchedule schedule)
    {
        _plateau = schedule as ReduceLROnPlateau;
        if (_plateau is not null && _pending is { } state) _plateau.SetState(state);
        _pending = null;
        if (_plateau is not null && monitor is { } m && (m.Mode == MetricMode.Min) != (_plateau.Mode == PlateauMode.Min))
            throw new InvalidOperationException(
                $"{nameof(TrainerOptions.PlateauMonitor)} {m.Name} is {m.Mode} (better when {(m.Mode == MetricMode.Min ? "lower" : "higher")}), but the ReduceLROnPlateau schedule has mode {_plateau.Mode}; make them agree.");
    }

    /// <summary>A checkpoint's counters, applied to the next schedule made.</summary>
    public void Load(ReduceLROnPlateauState? state) => (_plateau, _pending) = (null, state);

    public void OnEpochMetrics(TrainingContext context)
    {
        if (_plateau is null) return;
        var metrics = context.EpochMetrics;
        if (monitor is { } m)
        {
            _plateau.Report(metrics.TryGetValue(m.Name, out double value) ? value
                : throw new KeyNotFoundException($"{nameof(TrainerOptions.PlateauMonitor)} '{m.Name}' is not among this epoch's metrics ({string.Join(", ", metrics.Keys)}); validation metrics need validation data."));
            return;
        }
        _plateau.Report(metrics.TryGetValue(Metric.ValLoss.Name, out double v) ? v : metrics[Metric.TrainLoss.Name]);
    }
}
