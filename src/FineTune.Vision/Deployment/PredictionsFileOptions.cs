namespace FineTune.Vision.Deployment;

/// <summary>The columns of a predictions file (<see cref="PredictionsFile"/>).</summary>
public enum PredictionsFormat
{
    /// <summary><c>path,label,probability[,label2,probability2,…]</c>: the <see cref="PredictionsFileOptions.TopK"/> most probable classes per image.</summary>
    TopK,

    /// <summary>Kaggle's submission form <c>id,label</c>: the file name without its extension, and the most probable class.</summary>
    Kaggle,
}

/// <summary>What <see cref="PredictionsFile"/> writes and how it treats unreadable images.</summary>
public sealed record PredictionsFileOptions
{
    /// <summary>The columns.</summary>
    /// <value>Default: <see cref="PredictionsFormat.TopK"/>.</value>
    public PredictionsFormat Format { get; init; } = PredictionsFormat.TopK;

    /// <summary>Classes per row in the <see cref="PredictionsFormat.TopK"/> form (at most the classifier's class count); ignored by the Kaggle form.</summary>
    /// <value>Default: 1.</value>
    public int TopK { get; init; } = 1;

    /// <summary>
    /// Whether an image that cannot be read (missing, corrupt, truncated, too large) is left out of the file and reported in
    /// <see cref="PredictionsFileResult.Skipped"/>, instead of failing the whole file (the exception names the image).
    /// </summary>
    /// <value>Default: false.</value>
    public bool SkipUnreadable { get; init; }

    /// <summary>Checks every option; throws one exception listing all problems.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public void Validate()
    {
        List<string> errors = [];
        if (TopK <= 0) errors.Add($"{nameof(TopK)} must be > 0 (was {TopK}).");
        if (!Enum.IsDefined(Format)) errors.Add($"{nameof(Format)} {(int)Format} is not a {nameof(PredictionsFormat)}.");
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(PredictionsFileOptions)}:\n  " + string.Join("\n  ", errors));
    }
}
