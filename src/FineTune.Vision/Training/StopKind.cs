namespace FineTune.Vision.Training;

/// <summary>Why a <see cref="Trainer.Fit(Data.DataLoader, Data.DataLoader?, CancellationToken)"/> returned.</summary>
public enum StopKind
{
    /// <summary>Every epoch ran.</summary>
    Completed,
    /// <summary>A tracker stopped it because the monitored metric stopped improving (<see cref="Callbacks.EarlyStopping"/>).</summary>
    EarlyStopped,
    /// <summary>The cancellation token was cancelled.</summary>
    Cancelled,
    /// <summary><see cref="TrainerOptions.MaxSteps"/> optimizer steps were done.</summary>
    StepBudget,
    /// <summary>The loss or the weights stopped being finite (<see cref="Callbacks.TerminateOnNaN"/>).</summary>
    NonFinite,
    /// <summary>A callback called <see cref="TrainingContext.StopTraining(string)"/> for a reason of its own.</summary>
    Callback,
}
