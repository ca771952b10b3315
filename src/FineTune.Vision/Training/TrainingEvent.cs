namespace FineTune.Vision.Training;

/// <summary>The named points of the training loop where callbacks run (fastai's events).</summary>
public enum TrainingEvent
{
    /// <summary>Before the first epoch.</summary>
    FitStart,
    /// <summary>Before an epoch's training batches.</summary>
    EpochStart,
    /// <summary>A training batch is on the device (after the batch transform), before the forward pass.</summary>
    BatchStart,
    /// <summary>The training loss of the batch is computed, before backward.</summary>
    AfterLoss,
    /// <summary>Gradients are ready (unscaled, clipped), before the optimizer step; a callback may set SkipStep.</summary>
    BeforeStep,
    /// <summary>After the optimizer step (or its skip).</summary>
    AfterStep,
    /// <summary>After a training batch.</summary>
    BatchEnd,
    /// <summary>Before validation.</summary>
    ValidationStart,
    /// <summary>After a validation batch.</summary>
    ValidationBatchEnd,
    /// <summary>After validation (metrics are in the epoch's metrics).</summary>
    ValidationEnd,
    /// <summary>After an epoch: training and validation metrics are known.</summary>
    EpochEnd,
    /// <summary>After the last epoch, or after a stop.</summary>
    FitEnd,
    /// <summary>
    /// After a validation inside an epoch (<see cref="TrainerOptions.EvalEverySteps"/>): the result is in
    /// <see cref="TrainingContext.Validation"/> and <see cref="TrainingContext.Evaluations"/>; epoch metrics are not touched.
    /// </summary>
    StepValidationEnd,
}
