using FineTune.Vision.Data;
using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using FineTune.Vision.Training.Callbacks;
using static TorchSharp.torch;

namespace FineTune.Vision.Training;

/// <summary>
/// What callbacks see of a run: the model, optimizer, counters, the current batch and loss, the epoch's metrics, and
/// the flags that steer the loop. Tensors here are valid only during the event that exposes them.
/// </summary>
public sealed class TrainingContext
{
    private readonly Dictionary<string, double> _metrics = new(StringComparer.Ordinal);
    private readonly List<IReadOnlyDictionary<string, double>> _history = [];
    private readonly List<EpochResult> _results = [];
    private readonly List<ValidationPoint> _evaluations = [];
    private double? _lossValue;
    private readonly Action<string> _saveCheckpoint;

    internal TrainingContext(IVisionModel model, TrainerOptions options, TrainingOptimizer optimizer, Action<string> saveCheckpoint)
    {
        (Model, Options, Optimizer, _saveCheckpoint) = (model, options, optimizer, saveCheckpoint);
    }

    /// <summary>
    /// The processes of the run (<see cref="Distributed.ProcessGroup.Single"/> unless it is distributed): a callback that
    /// writes files or prints should do so only where <see cref="Distributed.ProcessGroup.IsMain"/>, or say
    /// <see cref="Callback.MainProcessOnly"/>.
    /// </summary>
    public Distributed.ProcessGroup ProcessGroup { get; internal set; } = Distributed.ProcessGroup.Single;

    /// <summary>The model being trained.</summary>
    public IVisionModel Model { get; }

    /// <summary>The trainer's options.</summary>
    public TrainerOptions Options { get; }

    /// <summary>The optimizer (over the fp32 master weights under mixed precision).</summary>
    public TrainingOptimizer Optimizer { get; }

    /// <summary>The current epoch, from 0.</summary>
    public int Epoch { get; internal set; }

    /// <summary>Epochs in the run.</summary>
    public int Epochs { get; internal set; }

    /// <summary>Optimizer steps done so far in the run (resumes continue the count).</summary>
    public long Step { get; internal set; }

    /// <summary>Optimizer steps in the whole run (what the schedule was made for).</summary>
    public long TotalSteps { get; internal set; }

    /// <summary>The current training batch's index in its epoch.</summary>
    public int BatchIndex { get; internal set; }

    /// <summary>Training batches per epoch.</summary>
    public int BatchesPerEpoch { get; internal set; }

    /// <summary>Samples in the current batch.</summary>
    public int BatchSize { get; internal set; }

    /// <summary>The current batch's images on the device (valid during batch events).</summary>
    public Tensor? Images { get; internal set; }

    /// <summary>The current batch's hard labels (valid during batch events).</summary>
    public Tensor? Labels { get; internal set; }

    /// <summary>Soft targets from the batch transform, or null (valid during batch events).</summary>
    public Tensor? Targets { get; internal set; }

    /// <summary>The current batch's logits (valid from <see cref="TrainingEvent.AfterLoss"/> to the batch's end).</summary>
    public Tensor? Logits { get; internal set; }

    /// <summary>The current batch's loss tensor (valid from <see cref="TrainingEvent.AfterLoss"/> to the batch's end).</summary>
    public Tensor? Loss { get; internal set; }

    /// <summary>
    /// The current batch's loss as a number (from <see cref="TrainingEvent.AfterLoss"/> to the batch's end). The trainer
    /// does not copy it to the host by itself: the first read in a batch waits for the device (a sync on a GPU), so read
    /// it only when needed. After the batch it keeps the value if it was read, else NaN.
    /// </summary>
    public double LossValue
    {
        get => _lossValue ??= Loss is { } loss ? loss.item<float>() : double.NaN;
    }

    /// <summary>Starts a batch's loss value: known (<paramref name="value"/>) or read from <see cref="Loss"/> on demand (null).</summary>
    internal void BeginLossValue(double? value) => _lossValue = value;

    /// <summary>Mean training loss of the epoch so far (reading it copies the device sums to the host: a sync).</summary>
    public double RunningLoss => Meter?.LossMean ?? double.NaN;

    /// <summary>Top-1 accuracy on the hard labels of the epoch's training batches so far (reading it syncs, as <see cref="RunningLoss"/>).</summary>
    public double RunningAccuracy => Meter?.Accuracy ?? double.NaN;

    /// <summary>The epoch's running meter (null between epochs and in the LR finder).</summary>
    internal EpochMeter? Meter { get; set; }

    /// <summary>The base learning rate of the last optimizer step (groups scale it by their LrScale).</summary>
    public double LearningRate { get; internal set; } = double.NaN;

    /// <summary>
    /// Wall time of the current (or last) epoch's training pass spent waiting for the next batch from the loader
    /// (measured around each <c>MoveNext</c>, the first batch included), beside <see cref="EpochTrainTime"/>: their ratio
    /// says whether the step waits on data. A timing, so it is not an epoch metric (metrics stay reproducible).
    /// </summary>
    public TimeSpan EpochDataWait { get; internal set; }

    /// <summary>Wall time of the current (or last) epoch's training pass (batches only, validation excluded).</summary>
    public TimeSpan EpochTrainTime { get; internal set; }

    /// <summary><see cref="EpochDataWait"/> ÷ <see cref="EpochTrainTime"/> (0 before the first batch).</summary>
    public double DataWaitFraction => EpochTrainTime > TimeSpan.Zero ? EpochDataWait / EpochTrainTime : 0;

    /// <summary>Set in <see cref="TrainingEvent.BeforeStep"/> (or earlier in the batch) to skip this optimizer step.</summary>
    public bool SkipStep { get; set; }

    /// <summary>Whether a callback asked to stop.</summary>
    public bool StopRequested { get; private set; }

    /// <summary>Why training stops (null while it goes on).</summary>
    public string? StopReason { get; private set; }

    /// <summary>The kind of stop asked for (null while training goes on).</summary>
    public StopKind? StopKind { get; private set; }

    /// <summary>
    /// Images of the current (or last) epoch skipped as unreadable (<see cref="TrainerOptions.SkipUnreadable"/>): the
    /// training pass's once it has ended, then the validation pass's after them.
    /// </summary>
    public IReadOnlyList<SkippedSample> EpochSkipped { get; internal set; } = [];

    /// <summary>
    /// This epoch's metrics so far by <see cref="Metric.Name"/>: <c>train_loss</c>, <c>train_top1</c>, <c>lr</c>, <c>val_loss</c>,
    /// <c>val_top1</c>, <c>val_top5</c>, <c>ema_val_*</c> with EMA, and those callbacks set.
    /// </summary>
    public IReadOnlyDictionary<string, double> EpochMetrics => _metrics;

    /// <summary>The metrics of every finished epoch, in order (the current epoch's included from its <see cref="TrainingEvent.EpochEnd"/> on).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, double>> History => _history;

    /// <summary>Every validation of the current fit so far, at epoch ends and every <see cref="TrainerOptions.EvalEverySteps"/> steps.</summary>
    public IReadOnlyList<ValidationPoint> Evaluations => _evaluations;

    /// <summary>The last validation result (null before the first, or without validation data).</summary>
    public EvaluationResult? Validation { get; internal set; }

    /// <summary>Asks the loop to stop after the current batch (a <see cref="Training.StopKind.Callback"/> stop); the first reason given is kept.</summary>
    public void StopTraining(string reason) => StopTraining(Training.StopKind.Callback, reason);

    /// <summary>Asks the loop to stop after the current batch, saying what kind of stop it is; the first reason given is kept.</summary>
    public void StopTraining(StopKind kind, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (StopReason is null) (StopReason, StopKind) = (reason, kind);
        StopRequested = true;
    }

    /// <summary>
    /// Adds a metric of the epoch (e.g. a custom validation metric computed in <see cref="Callback.OnValidationEnd"/>): it goes
    /// into <see cref="EpochMetrics"/>, the history, <see cref="EpochResult.Metrics"/>, and trackers can monitor it.
    /// </summary>
    public void SetMetric(Metric metric, double value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(metric.Name, nameof(metric));
        _metrics[metric.Name] = value;
    }

    /// <summary>
    /// Saves the model weights to <paramref name="weightsPath"/> (safetensors, fp32) and the training state beside it
    /// (<see cref="Trainer.StatePathFor"/>), so that <see cref="Trainer.LoadCheckpoint"/> can resume.
    /// </summary>
    public void SaveCheckpoint(string weightsPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(weightsPath);
        _saveCheckpoint(weightsPath);
    }

    /// <summary>The validation result of the current epoch (null until it is validated).</summary>
    internal EvaluationResult? EpochValidation { get; set; }

    /// <summary>Typed rows of <see cref="History"/>, one per entry.</summary>
    internal IReadOnlyList<EpochResult> Results => _results;

    internal void AddEvaluation(ValidationPoint point)
    {
        _evaluations.Add(point);
        Validation = point.Result;
    }

    internal void ClearEvaluations() => _evaluations.Clear();

    internal void BeginEpoch(int epoch)
    {
        Epoch = epoch;
        _metrics.Clear();
        (Meter, EpochValidation, EpochSkipped) = (null, null, []);
    }

    internal void EndEpoch()
    {
        var metrics = new Dictionary<string, double>(_metrics, StringComparer.Ordinal);
        _history.Add(metrics);
        _results.Add(new EpochResult(Epoch, metrics, EpochValidation, EpochTrainTime, EpochDataWait, EpochSkipped));
    }

    internal void TruncateHistory(int count)
    {
        if (count >= _history.Count) return;
        _history.RemoveRange(count, _history.Count - count);
        _results.RemoveRange(count, _results.Count - count);
    }

    internal void RestoreHistory(IEnumerable<IReadOnlyDictionary<string, double>> history)
    {
        _history.Clear();
        _history.AddRange(history);
        _results.Clear();
        _results.AddRange(_history.Select((m, i) => new EpochResult(i, m, null, TimeSpan.Zero, TimeSpan.Zero, [])));
    }

    internal void ClearBatch()
    {
        (Images, Labels, Targets, Logits, Loss) = (null, null, null, null, null);
        _lossValue ??= double.NaN;
        SkipStep = false;
    }

    internal void ResetStop() => (StopRequested, StopReason, StopKind) = (false, null, null);
}
