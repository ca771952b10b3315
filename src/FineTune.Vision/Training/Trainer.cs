using System.Diagnostics;
using System.Globalization;
using FineTune.Vision.Data;
using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using FineTune.Vision.Optim.Schedules;
using FineTune.Vision.Training.Callbacks;
using FineTune.Vision.Training.Components;
using FineTune.Vision.Training.Precision;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Training;

/// <summary>
/// Trains, evaluates and predicts with an <see cref="IVisionModel"/>: one loop with named events (fastai style),
/// everything else in callbacks and small components (mixed precision, EMA, reduce-on-plateau, LR range test).
/// </summary>
/// <remarks>
/// The trainer does not own the model; it owns the optimizer, the master weights and the EMA (dispose it). Create
/// it after any model surgery (classifier reset, freezing): the optimizer is built over the trainable parameters then, or
/// over the groups of <see cref="TrainerOptions.ParameterGroups"/> (which may keep frozen groups idle for a later unfreeze).
/// Each training step and each evaluation batch runs in its own dispose scope.
/// </remarks>
public sealed partial class Trainer : IDisposable
{
    private readonly IVisionModel _model;
    private readonly Device _device;
    private readonly PrecisionComponent? _precision;
    private readonly EmaComponent? _ema;
    private readonly PlateauComponent _plateau;
    private readonly List<ITrainingComponent> _components = [];
    private readonly List<Callback> _callbacks;
    private ILrSchedule? _schedule;
    private UInt8BatchNormalizer? _uint8;
    private BestWeights? _best;
    private readonly Losses.LossFunction _defaultLoss;
    private bool _disposed;

    /// <summary>Prepares training of <paramref name="model"/>: moves it to the device, sets up precision, optimizer and EMA.</summary>
    /// <exception cref="ArgumentException">The options are invalid (every problem is listed).</exception>
    public Trainer(IVisionModel model, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Options = options ?? new TrainerOptions();
        Core.TorchBackend.EnsureAvailable();
        Options.Validate();
        _model = model;
        _defaultLoss = new Losses.LabelSmoothingCrossEntropy(Options.LabelSmoothing);
        _device = Options.Device ?? Core.TorchBackend.DefaultDevice;
        model.Module.to(_device);
        if (Options.GradCheckpointing) model.GradCheckpointing = true;
        JoinProcessGroup();
        if (Options.Precision != TrainingPrecision.Float32) _components.Add(_precision = new PrecisionComponent(model.Module, Options.Precision, Options.LossScaler));
        var named = _precision?.Masters.Masters ?? model.Module.named_parameters().Select(p => (p.name, p.parameter)).ToList();
        Optimizer = Options.ParameterGroups is null
            ? Optimizers.Create(Options.Optimizer, named, model.NoWeightDecay)
            : Optimizers.Create(Options.Optimizer, Rebind(Options.ParameterGroups(model), named));
        if (Options.Ema is not null) _components.Add(_ema = new EmaComponent(new ModelEma(EmaSources(), Options.Ema)));
        _components.Add(_plateau = new PlateauComponent(Options.PlateauMonitor));
        _callbacks = [.. Options.Callbacks.OrderBy(c => c.Order)];
        Context = new TrainingContext(model, Options, Optimizer, SaveCheckpoint) { ProcessGroup = _group };
    }

    /// <summary>The options.</summary>
    public TrainerOptions Options { get; }

    /// <summary>The optimizer.</summary>
    public TrainingOptimizer Optimizer { get; }

    /// <summary>The model EMA, or null when <see cref="TrainerOptions.Ema"/> is off.</summary>
    public ModelEma? Ema => _ema?.Ema;

    /// <summary>The live state of a run as callbacks see it (counters, metrics, flags); read results from <see cref="FitResult"/>.</summary>
    public TrainingContext Context { get; }

    /// <summary>The loss scaler (fp16 only).</summary>
    public DynamicLossScaler? LossScaler => _precision?.Scaler;

    /// <summary>
    /// Trains for the remaining epochs (all of them, or those after a <see cref="LoadCheckpoint"/>), validating after
    /// each epoch when <paramref name="validation"/> is given. Returns the history, the best and last validation and why it stopped.
    /// </summary>
    /// <remarks>
    /// The model takes the training dataset's class names as its <see cref="IVisionModel.ClassNames"/> when their count
    /// equals its <see cref="IVisionModel.NumClasses"/> (so <c>model.Save</c> stores them).
    /// Cancelling <paramref name="cancellationToken"/> (e.g. from <c>Console.CancelKeyPress</c>) ends the run cleanly
    /// before the next batch: the result's <see cref="FitResult.StopReason"/> is <see cref="StopKind.Cancelled"/> and, when
    /// <see cref="TrainerOptions.RecoveryCheckpoint"/> is set, a checkpoint is saved there from which
    /// <see cref="LoadCheckpoint"/> resumes with the batch after the last optimizer step, as if the run had not stopped.
    /// </remarks>
    public FitResult Fit(DataLoader train, DataLoader? validation = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckSameData(train, validation);
        if (ShardedLoader(train) is { } sharded)
            using (sharded)
                return Fit(sharded, validation, cancellationToken);
        if (train.BatchesPerEpoch == 0) throw new ArgumentException("The training loader has no batches (fewer samples than BatchSize with DropLast).", nameof(train));
        AdoptClassNames(train.Source.Dataset.ClassNames);
        int stepsPerEpoch = (train.BatchesPerEpoch + Options.GradientAccumulation - 1) / Options.GradientAccumulation;
        long total = Math.Min((long)Options.Epochs * stepsPerEpoch, Options.MaxSteps ?? long.MaxValue);
        _plateau.Attach(_schedule ??= Options.Schedule(Options.Optimizer.Lr, total));
        (Context.Epochs, Context.TotalSteps, Context.BatchesPerEpoch) = (Options.Epochs, total, train.BatchesPerEpoch);
        Context.ResetStop();
        Context.ClearEvaluations();
        DisposeBest();
        Optimizer.ZeroGrad(); // a window cut short by an earlier stop is replayed from its start
        if (Options.Logger is { } log)
            TrainingLog.FitStarted(log, _model.Name, _completedEpochs + 1, Options.Epochs, train.BatchesPerEpoch, Options.BatchSize, total, _device.ToString(), Options.Precision);
        Raise(TrainingEvent.FitStart);
        RestoreCallbackStates();
        try
        {
            for (int epoch = _completedEpochs; epoch < Options.Epochs && !Context.StopRequested; epoch++)
                RunEpoch(train, validation, epoch, total, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The state is at the last optimizer step: the checkpoint resumes with the batch after it.
            Context.StopTraining(StopKind.Cancelled, "cancelled");
            if (Options.RecoveryCheckpoint is { } recovery) SaveCheckpoint(recovery);
        }
        RestoredWeights? restored = RestoreBest();
        Raise(TrainingEvent.FitEnd);
        var stop = Context.StopKind is { } kind ? new StopReason(kind, Context.StopReason!) : new StopReason(StopKind.Completed, $"all {Options.Epochs} epochs done");
        if (Options.Logger is { } logger)
            TrainingLog.FitEnded(logger, stop.Kind is StopKind.NonFinite or StopKind.Cancelled ? LogLevel.Warning : LogLevel.Information,
                stop.Kind, stop.Message, _completedEpochs, Context.Step);
        return new FitResult([.. Context.Results], Options.Monitor, Context.Validation, stop, Context.Step, [.. Context.Evaluations], restored);
    }

    private void RunEpoch(DataLoader train, DataLoader? validation, int epoch, long total, CancellationToken cancellationToken)
    {
        BeginEpoch(epoch);
        Raise(TrainingEvent.EpochStart);
        bool complete = TrainEpoch(train, validation, epoch, cancellationToken);
        if (validation is not null && !Context.StopRequested) Validate(validation, cancellationToken);
        foreach (ITrainingComponent c in _components) c.OnEpochMetrics(Context);
        if (Context.EpochMetrics.TryGetValue(Options.Monitor.Name, out double monitored)) ConsiderBest(monitored);
        if (complete) (_completedEpochs, _nextBatch) = (epoch + 1, 0);
        if (Options.Logger is { } log) LogEpoch(log);
        Context.EndEpoch();
        Raise(TrainingEvent.EpochEnd);
        if (Context.Step >= total && epoch + 1 < Options.Epochs) Context.StopTraining(StopKind.StepBudget, $"the step budget of {total} optimizer steps is spent");
    }

    /// <summary>
    /// Trains one epoch from <see cref="_nextBatch"/> (0, or the batch after the last optimizer step of an epoch cut
    /// short); returns whether the epoch was finished.
    /// </summary>
    private bool TrainEpoch(DataLoader train, DataLoader? validation, int epoch, CancellationToken cancellationToken)
    {
        _model.Module.train();
        _epochMeter?.Dispose();
        var meter = _epochMeter = new EpochMeter(_nextBatch > 0 ? _meterAtStep.State : default);
        Context.Meter = meter;
        int accumulation = Options.GradientAccumulation, batches = train.BatchesPerEpoch;
        bool cut = false;
        EpochSummary? before = train.LastEpochSummary;
        long start = Stopwatch.GetTimestamp(), bodyEnd = start, waited = 0;
        foreach (Batch batch in train.Epoch(epoch, Math.Min(_nextBatch, batches), cancellationToken))
        {
            waited += Stopwatch.GetTimestamp() - bodyEnd;
            (Context.EpochDataWait, Context.EpochTrainTime) = (Stopwatch.GetElapsedTime(0, waited), Stopwatch.GetElapsedTime(start));
            Context.BatchIndex = batch.Index;
            bool stepNow = (batch.Index + 1) % accumulation == 0 || batch.Index + 1 == batches;
            TrainBatch(batch, stepNow, _schedule!.LrAt(Context.Step), meter, raise: true);
            // Validation every N steps inside the epoch (the epoch's last batch is followed by the end-of-epoch one).
            if (stepNow && validation is not null && Options.EvalEverySteps is int every && Context.Step % every == 0 && batch.Index + 1 < batches)
                ValidateAtStep(validation, cancellationToken);
            bodyEnd = Stopwatch.GetTimestamp();
            AgreeOnStop();
            // On the epoch's last batch the loop runs out by itself, so the loader completes the epoch (its summary lists the skips).
            if ((Context.StopRequested || Context.Step >= Context.TotalSteps) && (cut = batch.Index + 1 < batches)) break;
        }
        Context.EpochTrainTime = Stopwatch.GetElapsedTime(start);
        ReduceMeter(meter);
        if (train.LastEpochSummary is { } summary && !ReferenceEquals(summary, before) && summary.Epoch == epoch) Context.EpochSkipped = summary.Skipped;
        Context.SetMetric(Metric.TrainLoss, meter.LossMean);
        Context.SetMetric(Metric.TrainTop1, meter.Accuracy);
        Context.SetMetric(Metric.LearningRate, Context.LearningRate);
        return !cut;
    }

    /// <summary>The epoch line (every epoch metric, as <see cref="ProgressDisplay"/> prints it) at Information.</summary>
    private void LogEpoch(ILogger log)
    {
        if (!log.IsEnabled(LogLevel.Information)) return;
        string metrics = string.Join(", ", Context.EpochMetrics.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value:G5}")));
        TrainingLog.EpochCompleted(log, Context.Epoch + 1, Options.Epochs, metrics, Context.EpochTrainTime.TotalSeconds, Context.DataWaitFraction, Context.EpochSkipped.Count);
    }

    /// <summary>Names the model's classes after the training data's when the counts agree (the labels it learns are the data's).</summary>
    private void AdoptClassNames(IReadOnlyList<string> classNames)
    {
        if (classNames.Count > 0 && classNames.Count == _model.NumClasses && !(_model.ClassNames?.SequenceEqual(classNames) ?? false))
            _model.ClassNames = [.. classNames];
    }

    private void Raise(TrainingEvent trainingEvent)
    {
        foreach (Callback callback in _callbacks)
        {
            if (callback.MainProcessOnly && !_group.IsMain) continue;
            try { callback.Invoke(trainingEvent, Context); }
            catch (Exception e) when (e is not OperationCanceledException) { throw new CallbackException(callback.GetType().Name, trainingEvent, e); }
        }
    }

    /// <summary>Disposes the optimizer, master weights and EMA (not the model). Idempotent.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Optimizer.Dispose();
        _uint8?.Dispose();
        DisposeBest();
        _epochMeter?.Dispose();
        _meterAtStep.Dispose();
        _precision?.Dispose();
        Ema?.Dispose();
        _gradients?.Dispose();
    }
}
