using Microsoft.Extensions.Logging;

namespace FineTune.Vision.Weights;

/// <summary>
/// How <see cref="WeightLoader"/> fits a checkpoint to a model. The defaults are strict, like PyTorch's
/// <c>load_state_dict</c>: every key must match in name and shape. <see cref="Pretrained"/> is timm's lenient pretrained
/// rule (what <c>LoadPretrained</c> and <c>VisionModels.Create(name, pretrained: path)</c> use): a classifier of another
/// class count is dropped and position embeddings and relative-position tables are resampled, everything else must match.
/// </summary>
public sealed class WeightLoadOptions
{
    /// <summary>timm's pretrained rule: strict, except classifier drop (<see cref="ClassifierNames"/>) and position-table resampling.</summary>
    public static WeightLoadOptions Pretrained => new()
    {
        DropClassifierOnMismatch = true, ResamplePositionEmbedding = true, ResizeRelativePositionBias = true,
    };

    /// <summary>
    /// Throw <see cref="CheckpointMismatchException"/> when any model key is missing or any checkpoint key is unexpected
    /// (classifier keys aside when <see cref="DropClassifierOnMismatch"/> is on).
    /// </summary>
    /// <value>Default: <see langword="true"/> (PyTorch's <c>strict=True</c>).</value>
    public bool Strict { get; init; } = true;

    /// <summary>
    /// Skip classifier tensors whose shape differs from the model's (another class count) or that the model lacks,
    /// leaving the model's freshly initialised head (whose keys may then be missing); otherwise such a difference is an error.
    /// </summary>
    /// <value>Default: <see langword="false"/>; <see langword="true"/> in <see cref="Pretrained"/>.</value>
    public bool DropClassifierOnMismatch { get; init; }

    /// <summary>Module names of classifier heads (timm's <c>head</c>, Swin's <c>head.fc</c>, DeiT's <c>head_dist</c>).</summary>
    /// <value>Default: <c>head</c>, <c>head.fc</c>, <c>head_dist</c>.</value>
    public IReadOnlyList<string> ClassifierNames { get; init; } = ["head", "head.fc", "head_dist"];

    /// <summary>Resample <c>pos_embed</c> to the model's patch grid when it differs (timm's rule).</summary>
    /// <value>Default: <see langword="false"/>; <see langword="true"/> in <see cref="Pretrained"/>.</value>
    public bool ResamplePositionEmbedding { get; init; }

    /// <summary>Resize <c>relative_position_bias_table</c> tensors to the model's window size when it differs.</summary>
    /// <value>Default: <see langword="false"/>; <see langword="true"/> in <see cref="Pretrained"/>.</value>
    public bool ResizeRelativePositionBias { get; init; }

    /// <summary>
    /// The first convolution's module name (timm's <c>first_conv</c>): when set, its weight is adapted to the model's
    /// input channels as timm's <c>adapt_input_conv</c> does (summed over RGB for one channel, else repeated and scaled by
    /// 3 / in_chans); null leaves a channel difference an error.
    /// </summary>
    /// <value>Default: <see langword="null"/>; <see cref="Models.PretrainedConfig.FirstConv"/> through <c>LoadPretrained</c>.</value>
    public string? FirstConv { get; init; }

    /// <summary>The model's patch grid (rows, columns) for non-square inputs; <see langword="null"/> infers a square grid.</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public (int Rows, int Cols)? PatchGrid { get; init; }

    /// <summary>The naming convention of the checkpoint; <see langword="null"/> detects it.</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public CheckpointLayout? Layout { get; init; }

    /// <summary>Which container of a nested PyTorch checkpoint to read.</summary>
    /// <value>Default: automatic (<see cref="CheckpointReadOptions"/> defaults).</value>
    public CheckpointReadOptions Read { get; init; } = new();

    /// <summary>
    /// Where a successful load is logged: at Information the file, its format and naming, the counts of loaded,
    /// missing, unexpected, ignored, dropped and resampled tensors, a renaming to timm's names, each resampled tensor and
    /// the dropped classifier keys; at Warning the missing and unexpected keys (a non-strict load); at Debug the
    /// reader's notes and the recomputed buffers ignored.
    /// </summary>
    /// <value>Default: null (nothing is logged; the returned <see cref="LoadReport"/> says the same).</value>
    public ILogger? Logger { get; init; }
}
