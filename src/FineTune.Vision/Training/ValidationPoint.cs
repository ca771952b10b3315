namespace FineTune.Vision.Training;

/// <summary>One validation of a fit: when it ran and what it measured.</summary>
/// <param name="Step">Optimizer steps done when it ran.</param>
/// <param name="Epoch">The epoch it ran in (0-based).</param>
/// <param name="AtEpochEnd">Whether it was the epoch's end-of-epoch validation (false: one of <see cref="TrainerOptions.EvalEverySteps"/>).</param>
/// <param name="Result">The metrics.</param>
public sealed record ValidationPoint(long Step, int Epoch, bool AtEpochEnd, EvaluationResult Result);

/// <summary>The weights <see cref="TrainerOptions.KeepBestModel"/> put back at the end of a fit.</summary>
/// <param name="Step">Optimizer steps done when they were the model's weights.</param>
/// <param name="Epoch">The epoch (0-based).</param>
/// <param name="Monitor">The metric that ranked them.</param>
/// <param name="Value">Its value for them.</param>
public sealed record RestoredWeights(long Step, int Epoch, Callbacks.Metric Monitor, double Value);
