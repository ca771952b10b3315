namespace FineTune.Vision.Weights;

/// <summary>
/// A checkpoint does not fit the model it is loaded into: a shape differs and cannot be adapted, or (in strict
/// mode) keys are missing or unexpected. <see cref="Report"/> holds everything that was found. Derives from
/// <see cref="IOException"/> (the BCL's <see cref="InvalidDataException"/> is sealed): the file's data does not fit.
/// </summary>
public sealed class CheckpointMismatchException : IOException
{
    /// <summary>Creates the exception with its message and, when available, the load report.</summary>
    /// <param name="message">The keys and shapes at fault, and the fix.</param>
    /// <param name="report">What the loader found up to the failure, or <see langword="null"/>.</param>
    public CheckpointMismatchException(string message, LoadReport? report = null) : base(message)
    {
        Report = report;
    }

    /// <summary>What the loader found up to the failure, or <see langword="null"/>.</summary>
    public LoadReport? Report { get; }
}
