using FineTune.Vision.Training.Callbacks;

namespace FineTune.Vision.Training;

/// <summary>
/// What a fit produced: a row per epoch, the best epoch by <see cref="TrainerOptions.Monitor"/>, the last validation,
/// why it stopped and how many optimizer steps were done. A resumed run's history includes the epochs before the checkpoint.
/// </summary>
public sealed class FitResult
{
    internal FitResult(IReadOnlyList<EpochResult> history, Metric monitor, EvaluationResult? lastValidation, StopReason stopReason, long steps,
        IReadOnlyList<ValidationPoint>? evaluations = null, RestoredWeights? restoredBest = null)
    {
        (History, Monitor, LastValidation, StopReason, Steps) = (history, monitor, lastValidation, stopReason, steps);
        (Evaluations, RestoredBest) = (evaluations ?? [], restoredBest);
        foreach (EpochResult epoch in history)
            if (epoch.Get(monitor) is double v && !double.IsNaN(v) && (BestEpoch?.Get(monitor) is not double best || monitor.IsBetter(v, best)))
                BestEpoch = epoch;
    }

    /// <summary>Every finished epoch, in order.</summary>
    public IReadOnlyList<EpochResult> History { get; }

    /// <summary>The metric that ranks epochs for <see cref="BestEpoch"/>.</summary>
    public Metric Monitor { get; }

    /// <summary>The epoch with the best <see cref="Monitor"/> value (the first of equals); null when no epoch measured it (e.g. no validation data).</summary>
    public EpochResult? BestEpoch { get; }

    /// <summary>The validation result of <see cref="BestEpoch"/> (null without one, or when that epoch was restored from a checkpoint).</summary>
    public EvaluationResult? BestValidation => BestEpoch?.Validation;

    /// <summary>The last validation result of this fit (null without validation data).</summary>
    public EvaluationResult? LastValidation { get; }

    /// <summary>Why the fit returned.</summary>
    public StopReason StopReason { get; }

    /// <summary>Optimizer steps done in the whole run (a resumed run continues the count).</summary>
    public long Steps { get; }

    /// <summary>Every validation of this fit, in order: each epoch's end and, with <see cref="TrainerOptions.EvalEverySteps"/>, those inside epochs.</summary>
    public IReadOnlyList<ValidationPoint> Evaluations { get; }

    /// <summary>
    /// The weights <see cref="TrainerOptions.KeepBestModel"/> put back into the model at the end (null when it is off or
    /// nothing measured the monitor). The model holds these weights after the fit, not the last step's.
    /// </summary>
    public RestoredWeights? RestoredBest { get; }

    /// <summary>The last epoch (null when none finished).</summary>
    public EpochResult? LastEpoch => History.Count > 0 ? History[^1] : null;
}
