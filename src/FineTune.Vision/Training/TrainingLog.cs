using Microsoft.Extensions.Logging;

namespace FineTune.Vision.Training;

/// <summary>The trainer's log messages (<see cref="TrainerOptions.Logger"/>), source-generated.</summary>
internal static partial class TrainingLog
{
    [LoggerMessage(EventId = 3001, EventName = "FitStarted", Level = LogLevel.Information,
        Message = "Training {Model} from epoch {FirstEpoch} to {Epochs}: {Batches} batches of {BatchSize} per epoch, {TotalSteps} optimizer steps, on {Device} in {Precision}")]
    public static partial void FitStarted(ILogger logger, string model, int firstEpoch, int epochs, int batches, int batchSize, long totalSteps, string device, TrainingPrecision precision);

    [LoggerMessage(EventId = 3002, EventName = "EpochCompleted", Level = LogLevel.Information,
        Message = "Epoch {Epoch}/{Epochs}: {Metrics} ({Seconds:F1} s, {DataWait:P1} waiting for data, {Skipped} unreadable images skipped)")]
    public static partial void EpochCompleted(ILogger logger, int epoch, int epochs, string metrics, double seconds, double dataWait, int skipped);

    [LoggerMessage(EventId = 3003, EventName = "StepValidation", Level = LogLevel.Information,
        Message = "Validation at step {Step} (epoch {Epoch}): {Result}")]
    public static partial void StepValidation(ILogger logger, long step, int epoch, EvaluationResult result);

    [LoggerMessage(EventId = 3004, EventName = "CheckpointSaved", Level = LogLevel.Information,
        Message = "Saved checkpoint {Path} ({CompletedEpochs} epochs done, step {Step})")]
    public static partial void CheckpointSaved(ILogger logger, string path, int completedEpochs, long step);

    [LoggerMessage(EventId = 3005, EventName = "FitEnded", Message = "Training ended ({Kind}): {Reason}; {Epochs} epochs, {Steps} optimizer steps")]
    public static partial void FitEnded(ILogger logger, LogLevel level, StopKind kind, string reason, int epochs, long steps);
}
