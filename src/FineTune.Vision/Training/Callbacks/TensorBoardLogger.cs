using TorchSharp;
using TorchSharp.Modules;

namespace FineTune.Vision.Training.Callbacks;

/// <summary>
/// TensorBoard scalars through TorchSharp's <c>SummaryWriter</c>: <c>train/loss</c>, <c>train/accuracy</c> and
/// <c>train/lr</c> every <see cref="EveryNSteps"/> optimizer steps (x = step), and every epoch metric as
/// <c>epoch/NAME</c> (x = epoch number).
/// </summary>
public sealed class TensorBoardLogger : Callback
{
    /// <inheritdoc />
    public override bool MainProcessOnly => true;

    private SummaryWriter? _writer;
    private long _lastLogged = -1;

    /// <summary>Logs under <paramref name="logDirectory"/> (a run folder; TensorBoard's <c>--logdir</c> is its parent).</summary>
    public TensorBoardLogger(string logDirectory, int everyNSteps = 50)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(logDirectory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(everyNSteps);
        (LogDirectory, EveryNSteps) = (logDirectory, everyNSteps);
    }

    /// <summary>The run folder.</summary>
    public string LogDirectory { get; }

    /// <summary>Optimizer steps between batch-level scalars.</summary>
    public int EveryNSteps { get; }

    /// <inheritdoc />
    public override int Order => CallbackOrder.Logger;

    /// <inheritdoc />
    public override void OnFitStart(TrainingContext context)
    {
        Directory.CreateDirectory(LogDirectory);
        _writer ??= torch.utils.tensorboard.SummaryWriter(LogDirectory, createRunName: false);
    }

    /// <inheritdoc />
    public override void OnAfterStep(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_writer is null || context.Step % EveryNSteps != 0 || context.Step == _lastLogged) return;
        _lastLogged = context.Step;
        int step = (int)context.Step;
        _writer.add_scalar("train/loss", (float)context.LossValue, step);
        _writer.add_scalar("train/accuracy", (float)context.RunningAccuracy, step);
        _writer.add_scalar("train/lr", (float)context.LearningRate, step);
    }

    /// <inheritdoc />
    public override void OnEpochEnd(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_writer is null) return;
        foreach (var (name, value) in context.EpochMetrics) _writer.add_scalar("epoch/" + name, (float)value, context.Epoch + 1);
    }
}
