namespace FineTune.Vision.Weights;

/// <summary>How <see cref="WeightLoader"/> fits a checkpoint to a model.</summary>
public sealed class WeightLoadOptions
{
    /// <summary>Throw <see cref="CheckpointMismatchException"/> when any model key is missing or any checkpoint key is unexpected.</summary>
    /// <value>Default: <see langword="false"/> (report them in <see cref="LoadReport"/>).</value>
    public bool Strict { get; init; }

    /// <summary>
    /// Skip classifier tensors whose shape differs from the model's (another class count), leaving the model's
    /// freshly initialised head; otherwise such a difference is an error.
    /// </summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool DropClassifierOnMismatch { get; init; } = true;

    /// <summary>Module names of classifier heads (timm's <c>head</c>, Swin's <c>head.fc</c>, DeiT's <c>head_dist</c>).</summary>
    /// <value>Default: <c>head</c>, <c>head.fc</c>, <c>head_dist</c>.</value>
    public IReadOnlyList<string> ClassifierNames { get; init; } = ["head", "head.fc", "head_dist"];

    /// <summary>Resample <c>pos_embed</c> to the model's patch grid when it differs (timm's rule).</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool ResamplePositionEmbedding { get; init; } = true;

    /// <summary>Resize <c>relative_position_bias_table</c> tensors to the model's window size when it differs.</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool ResizeRelativePositionBias { get; init; } = true;

    /// <summary>The model's patch grid (rows, columns) for non-square inputs; <see langword="null"/> infers a square grid.</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public (int Rows, int Cols)? PatchGrid { get; init; }

    /// <summary>The naming convention of the checkpoint; <see langword="null"/> detects it.</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public CheckpointLayout? Layout { get; init; }

    /// <summary>Which container of a nested PyTorch checkpoint to read.</summary>
    /// <value>Default: automatic (<see cref="CheckpointReadOptions"/> defaults).</value>
    public CheckpointReadOptions Read { get; init; } = new();
}
